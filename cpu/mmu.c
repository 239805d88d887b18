/*
 * mmu.c - paging: the page walk and the TLB fill.
 *
 * Follows Intel SDM Vol. 3 chapter 4: 32-bit paging with 4 KiB pages and
 * 4 MiB pages (CR4.PSE), PAE paging (3 levels, 2 MiB and 4 KiB pages), global
 * pages (CR4.PGE), accessed/dirty bits, U/S and R/W with CR0.WP, and the #PF
 * error code (P, W/R, U/S, RSVD).  Left out: NX (no CPU modelled has it),
 * PSE-36, and caching of the PAE PDPTEs at CR3 load (they are read at each
 * walk, which differs only if a guest edits a live PDPT without reloading CR3).
 */
#include <string.h>

#include "cpu/cpu.h"
#include "machine/memmap.h"

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u

static uint32_t phys_read32(struct cpu *c, uint32_t pa) { return memmap_read(c->mem, pa & ~3u, 4); }
static void phys_write32(struct cpu *c, uint32_t pa, uint32_t v) { memmap_write(c->mem, pa & ~3u, v, 4); }

static _Noreturn void page_fault(struct cpu *c, uint32_t lin, int present, int write, int user, int rsvd)
{
    c->cr2 = lin;
    uint32_t err = (present ? 1u : 0u) | (write ? 2u : 0u) | (user ? 4u : 0u) | (rsvd ? 8u : 0u);
    cpu_raise(c, EX_PF, err);
}

struct walk {
    uint32_t phys;
    int writable;  /* W set on every level */
    int usr;       /* U set on every level */
    int dirty;
    int global;
    uint32_t page_mask; /* offset bits within the mapped page */
};

/* Walk the tables.  Returns 0, or -1 (not present) / -2 (reserved bit) */
static int walk(struct cpu *c, uint32_t lin, int write, struct walk *w, uint32_t *fault_entry, int set_ad)
{
    w->writable = 1;
    w->usr = 1;
    if (!(c->cr4 & CR4_PAE)) {
        uint32_t pde_a = (c->cr3 & 0xFFFFF000u) | ((lin >> 20) & 0xFFC);
        uint32_t pde = phys_read32(c, pde_a);
        if (!(pde & PTE_P))
            return -1;
        w->writable &= !!(pde & PTE_W);
        w->usr &= !!(pde & PTE_U);
        if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) {
            if (set_ad) {
                uint32_t n = pde | PTE_A | (write ? PTE_D : 0);
                if (n != pde)
                    phys_write32(c, pde_a, n);
                pde = n;
            }
            w->phys = (pde & 0xFFC00000u) | (lin & 0x3FFFFF);
            w->dirty = !!(pde & PTE_D);
            w->global = !!(pde & PTE_G);
            w->page_mask = 0x3FFFFF;
            return 0;
        }
        uint32_t pte_a = (pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFC);
        uint32_t pte = phys_read32(c, pte_a);
        if (!(pte & PTE_P))
            return -1;
        w->writable &= !!(pte & PTE_W);
        w->usr &= !!(pte & PTE_U);
        *fault_entry = pte;
        if (set_ad) {
            if (!(pde & PTE_A))
                phys_write32(c, pde_a, pde | PTE_A);
            uint32_t n = pte | PTE_A | (write ? PTE_D : 0);
            if (n != pte)
                phys_write32(c, pte_a, n);
            pte = n;
        }
        w->phys = (pte & 0xFFFFF000u) | (lin & 0xFFF);
        w->dirty = !!(pte & PTE_D);
        w->global = !!(pte & PTE_G);
        w->page_mask = 0xFFF;
        return 0;
    }
    /* PAE: entries are 64-bit; physical addresses above 4 GiB are not modelled */
    uint32_t pdpte_a = (c->cr3 & 0xFFFFFFE0u) | ((lin >> 27) & 0x18);
    uint32_t pdpte = phys_read32(c, pdpte_a), pdpte_hi = phys_read32(c, pdpte_a + 4);
    if (!(pdpte & PTE_P))
        return -1;
    if ((pdpte & 0x1E6) || (pdpte_hi & 0xFFFFFFF0u))
        return -2;
    uint32_t pde_a = (pdpte & 0xFFFFF000u) | ((lin >> 18) & 0xFF8);
    uint32_t pde = phys_read32(c, pde_a), pde_hi = phys_read32(c, pde_a + 4);
    if (!(pde & PTE_P))
        return -1;
    if (pde_hi & 0xFFFFFFF0u)
        return -2;
    w->writable &= !!(pde & PTE_W);
    w->usr &= !!(pde & PTE_U);
    if (pde & PTE_PS) {
        if (pde & 0x001FE000u)
            return -2;
        if (set_ad) {
            uint32_t n = pde | PTE_A | (write ? PTE_D : 0);
            if (n != pde)
                phys_write32(c, pde_a, n);
            pde = n;
        }
        w->phys = (pde & 0xFFE00000u) | (lin & 0x1FFFFF);
        w->dirty = !!(pde & PTE_D);
        w->global = !!(pde & PTE_G);
        w->page_mask = 0x1FFFFF;
        return 0;
    }
    uint32_t pte_a = (pde & 0xFFFFF000u) | ((lin >> 9) & 0xFF8);
    uint32_t pte = phys_read32(c, pte_a), pte_hi = phys_read32(c, pte_a + 4);
    if (!(pte & PTE_P))
        return -1;
    if (pte_hi & 0xFFFFFFF0u)
        return -2;
    w->writable &= !!(pte & PTE_W);
    w->usr &= !!(pte & PTE_U);
    if (set_ad) {
        if (!(pde & PTE_A))
            phys_write32(c, pde_a, pde | PTE_A);
        uint32_t n = pte | PTE_A | (write ? PTE_D : 0);
        if (n != pte)
            phys_write32(c, pte_a, n);
        pte = n;
    }
    w->phys = (pte & 0xFFFFF000u) | (lin & 0xFFF);
    w->dirty = !!(pte & PTE_D);
    w->global = !!(pte & PTE_G);
    w->page_mask = 0xFFF;
    return 0;
}

static void tlb_fill(struct cpu *c, uint32_t lin, uint32_t phys, uint8_t perm, int global, int user)
{
    struct tlb_entry *e = &c->tlb[user][(lin >> 12) & (TLB_SIZE - 1)];
    e->lin_page = lin >> 12;
    e->phys_page = phys & ~0xFFFu;
    e->perm = perm;
    e->global = (uint8_t)global;
    e->host = memmap_ram_page(c->mem, phys & ~0xFFFu);
    e->code = NULL;
    e->rtag = e->wtag = 0;
    if (e->host) {
        /* RAM: the inline paths need the code-line bits of the page for stores */
        e->code = &c->mem->code_lines[(size_t)((e->host - c->mem->ram) >> PAGE_SHIFT) * CODE_WORDS_PER_PAGE];
        if (perm & TLB_WRITE)
            e->wtag = ~(lin >> 12);
    } else if (!(perm & TLB_WRITE)) {
        const uint8_t *ro = memmap_read_page(c->mem, phys & ~0xFFFu);
        e->host = (uint8_t *)(uintptr_t)ro; /* read-only use: write path requires TLB_WRITE */
    }
    if (e->host && (perm & TLB_READ))
        e->rtag = ~(lin >> 12);
    if (c->nwatch && cpu_page_watched(c, lin >> 12))
        e->rtag = e->wtag = 0; /* data breakpoint or watchpoint here: checked path */
}

uint32_t cpu_translate(struct cpu *c, uint32_t lin, int acc, int user)
{
    int write = acc == 1;
    if (!(c->cr0 & CR0_PG)) {
        uint32_t phys = lin & c->mem->a20_mask;
        /* ROM pages are cached read-only; RAM pages read-write */
        uint8_t perm = TLB_READ;
        if (memmap_ram_page(c->mem, phys & ~0xFFFu) || !memmap_read_page(c->mem, phys & ~0xFFFu))
            perm |= TLB_WRITE;
        if (write && !(perm & TLB_WRITE)) {
            /* writes to ROM go through the slow path (dropped by the memory map) */
            struct tlb_entry *e = &c->tlb[user][(lin >> 12) & (TLB_SIZE - 1)];
            e->lin_page = lin >> 12;
            e->phys_page = phys & ~0xFFFu;
            e->perm = TLB_READ | TLB_WRITE;
            e->global = 0;
            e->host = NULL;
            e->code = NULL;
            e->rtag = e->wtag = 0;
            return phys;
        }
        tlb_fill(c, lin, phys, perm, 0, user);
        return phys;
    }
    struct walk w;
    uint32_t fe = 0;
    int r = walk(c, lin, write, &w, &fe, 0);
    if (r == -1)
        page_fault(c, lin, 0, write, user, 0);
    if (r == -2)
        page_fault(c, lin, 1, write, user, 1);
    /* protection (SDM 4.6) */
    if (user && !w.usr)
        page_fault(c, lin, 1, write, user, 0);
    if (write && !w.writable && (user || (c->cr0 & CR0_WP)))
        page_fault(c, lin, 1, write, user, 0);
    /* set accessed (and dirty) bits now that the access is allowed */
    walk(c, lin, write, &w, &fe, 1);
    uint32_t phys = w.phys & c->mem->a20_mask;
    uint8_t perm = TLB_READ;
    int can_write = w.writable || (!user && !(c->cr0 & CR0_WP));
    if (can_write && w.dirty)
        perm |= TLB_WRITE;
    tlb_fill(c, lin, phys, perm, w.global && (c->cr4 & CR4_PGE), user);
    return phys;
}

int cpu_probe(struct cpu *c, uint32_t lin, uint32_t *phys)
{
    if (!(c->cr0 & CR0_PG)) {
        *phys = lin & c->mem->a20_mask;
        return 0;
    }
    struct walk w;
    uint32_t fe;
    if (walk(c, lin, 0, &w, &fe, 0))
        return -1;
    *phys = w.phys & c->mem->a20_mask;
    return 0;
}

void cpu_tlb_flush(struct cpu *c, bool include_global)
{
    c->code_epoch++;
    for (int u = 0; u < 2; u++)
        for (int k = 0; k < TLB_SIZE; k++) {
            struct tlb_entry *e = &c->tlb[u][k];
            if (include_global || !e->global)
                memset(e, 0, sizeof(*e));
        }
}

void cpu_tlb_flush_page(struct cpu *c, uint32_t lin)
{
    c->code_epoch++;
    /* large pages may be cached in many slots: drop every slot of this page
     * and, conservatively, every entry mapped through a large page */
    for (int u = 0; u < 2; u++) {
        struct tlb_entry *e = &c->tlb[u][(lin >> 12) & (TLB_SIZE - 1)];
        if (e->lin_page == lin >> 12)
            memset(e, 0, sizeof(*e));
    }
    if (c->cr4 & (CR4_PSE | CR4_PAE))
        cpu_tlb_flush(c, true);
}
