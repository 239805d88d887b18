/*
 * monitor_mm.c - the monitor's view of paging: `translate ADDR` (the walk of
 * one linear address in words), `info mem` (every mapping of the active page
 * tables, coalesced into ranges), `info tlb` (what the CPU has cached) and
 * the page-level check a #PF failed (for `info last-fault`).
 *
 * The walk here reads entries through the memory map and never sets
 * accessed/dirty bits; it is written for words, not speed, and follows the
 * rules of cpu/mmu.c (SDM Vol. 3 ch. 4: 32-bit paging with CR4.PSE, PAE with
 * its reserved bits; no NX).
 */
#include <stdio.h>
#include <string.h>

#include "frontend/monitor_int.h"

#define E_P 0x001u
#define E_W 0x002u
#define E_U 0x004u
#define E_PS 0x080u

/* One level of a walk. */
struct mlevel {
    const char *name;      /* "PDPTE", "PDE", "PTE" */
    const char *bits;      /* "31-22" ... */
    unsigned index;
    uint32_t addr;         /* physical address of the entry */
    uint64_t e;
    int rsvd;              /* a reserved bit is set */
};

struct mwalk {
    struct mlevel lv[3];
    int n;                 /* levels read */
    int present;           /* the walk reached a page */
    int failed;            /* level at which P=0 or a reserved bit stopped it, -1 none */
    uint32_t page, offset_mask;
    uint64_t phys;
    int user_ok, write_ok;
    int user_lvl, write_lvl;  /* first level with U/S=0, R/W=0 (-1 none) */
};

static uint64_t rd(struct machine *m, uint32_t pa, int wide)
{
    uint64_t lo = memmap_read(&m->mem, pa, 4);
    return wide ? lo | (uint64_t)memmap_read(&m->mem, pa + 4, 4) << 32 : lo;
}

/* Add a level; returns 1 if the walk goes on (present, no reserved bit). */
static int level(struct mwalk *w, struct machine *m, const char *name, const char *bits, unsigned index,
                 uint32_t addr, int wide, uint64_t rsvd_mask)
{
    struct mlevel *l = &w->lv[w->n++];
    l->name = name;
    l->bits = bits;
    l->index = index;
    l->addr = addr;
    l->e = rd(m, addr, wide);
    l->rsvd = (l->e & 1) && (l->e & rsvd_mask);
    if (!(l->e & 1) || l->rsvd) {
        w->failed = w->n - 1;
        return 0;
    }
    if (strcmp(name, "PDPTE")) { /* PDPTEs have no R/W, U/S */
        if (!(l->e & E_U) && w->user_lvl < 0)
            w->user_lvl = w->n - 1;
        if (!(l->e & E_W) && w->write_lvl < 0)
            w->write_lvl = w->n - 1;
    }
    return 1;
}

static void do_walk(struct machine *m, const struct cpu *c, uint32_t lin, struct mwalk *w)
{
    memset(w, 0, sizeof(*w));
    w->failed = w->user_lvl = w->write_lvl = -1;
    if (!(c->cr4 & CR4_PAE)) {
        if (!level(w, m, "PDE", "31-22", lin >> 22, (c->cr3 & 0xFFFFF000u) | ((lin >> 20) & 0xFFC), 0, 0))
            return;
        uint32_t pde = (uint32_t)w->lv[0].e;
        if ((pde & E_PS) && (c->cr4 & CR4_PSE)) {
            w->page = pde & 0xFFC00000u;
            w->offset_mask = 0x3FFFFF;
        } else {
            if (!level(w, m, "PTE", "21-12", (lin >> 12) & 0x3FF, (pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFC), 0, 0))
                return;
            w->page = (uint32_t)w->lv[1].e & 0xFFFFF000u;
            w->offset_mask = 0xFFF;
        }
    } else {
        if (!level(w, m, "PDPTE", "31-30", lin >> 30, (c->cr3 & 0xFFFFFFE0u) + (lin >> 30) * 8, 1,
                   0xFFFFFFF0000001E6ull))
            return;
        uint32_t pd = (uint32_t)w->lv[0].e & 0xFFFFF000u;
        if (!level(w, m, "PDE", "29-21", (lin >> 21) & 0x1FF, pd + ((lin >> 21) & 0x1FF) * 8, 1,
                   0xFFFFFFF000000000ull))
            return;
        uint64_t pde = w->lv[1].e;
        if (pde & E_PS) {
            if (pde & 0x1FE000u) {
                w->lv[1].rsvd = 1;
                w->failed = 1;
                return;
            }
            w->page = (uint32_t)pde & 0xFFE00000u;
            w->offset_mask = 0x1FFFFF;
        } else {
            if (!level(w, m, "PTE", "20-12", (lin >> 12) & 0x1FF, ((uint32_t)pde & 0xFFFFF000u) + ((lin >> 12) & 0x1FF) * 8,
                       1, 0xFFFFFFF000000000ull))
                return;
            w->page = (uint32_t)w->lv[2].e & 0xFFFFF000u;
            w->offset_mask = 0xFFF;
        }
    }
    w->present = 1;
    w->phys = (w->page | (lin & w->offset_mask)) & m->mem.a20_mask;
    w->user_ok = w->user_lvl < 0;
    w->write_ok = w->write_lvl < 0;
}

static void entry_bits(char *buf, size_t len, uint64_t e, int pdpte)
{
    if (pdpte) {
        snprintf(buf, len, "P=%d PWT=%d PCD=%d", (int)(e & 1), (int)(e >> 3 & 1), (int)(e >> 4 & 1));
        return;
    }
    snprintf(buf, len, "P=%d R/W=%d U/S=%d PWT=%d PCD=%d A=%d D=%d PS=%d G=%d", (int)(e & 1), (int)(e >> 1 & 1),
             (int)(e >> 2 & 1), (int)(e >> 3 & 1), (int)(e >> 4 & 1), (int)(e >> 5 & 1), (int)(e >> 6 & 1),
             (int)(e >> 7 & 1), (int)(e >> 8 & 1));
}

void mon_translate(struct mon *o, uint32_t lin)
{
    struct cpu *c = o->c;
    uint32_t a20 = o->m->mem.a20_mask;
    mon_pr(o, "linear %08x in %s\n", lin, mon_mode_name(c));
    if (!(c->cr0 & CR0_PG)) {
        mon_pr(o, "  paging is off (CR0.PG=0): physical = linear%s = %08x\n",
               a20 != 0xFFFFFFFFu ? " with A20 masked" : "", lin & a20);
        return;
    }
    int pae = !!(c->cr4 & CR4_PAE);
    if (pae)
        mon_pr(o, "  PAE paging, CR3=%08x (PDPT at %08x)\n", c->cr3, c->cr3 & 0xFFFFFFE0u);
    else
        mon_pr(o, "  32-bit paging, CR3=%08x (page directory at %08x)%s\n", c->cr3, c->cr3 & 0xFFFFF000u,
               c->cr4 & CR4_PSE ? ", CR4.PSE=1 (4 MiB pages allowed)" : "");
    struct mwalk w;
    do_walk(o->m, c, lin, &w);
    for (int k = 0; k < w.n; k++) {
        const struct mlevel *l = &w.lv[k];
        char bits[160];
        entry_bits(bits, sizeof(bits), l->e, !strcmp(l->name, "PDPTE"));
        if (pae)
            mon_pr(o, "  %s index %u (bits %s) at phys %08x = %016llx: %s\n", l->name, l->index, l->bits, l->addr,
                   (unsigned long long)l->e, bits);
        else
            mon_pr(o, "  %s index %u (bits %s) at phys %08x = %08x: %s\n", l->name, l->index, l->bits, l->addr,
                   (uint32_t)l->e, bits);
    }
    if (!w.present) {
        const struct mlevel *l = &w.lv[w.failed];
        if (l->rsvd)
            mon_pr(o, "  -> the %s has a reserved bit set: an access faults with #PF, error code bits P=1 RSVD=1\n",
                   l->name);
        else
            mon_pr(o, "  -> the %s is not present (P=0): an access faults with #PF, error code bit P=0\n", l->name);
        return;
    }
    unsigned size = w.offset_mask + 1;
    mon_pr(o, "  -> %u %s page at %08x + offset %0*x (bits %s-0)\n", size >= 0x100000 ? size >> 20 : size >> 10,
           size >= 0x100000 ? "MiB" : "KiB", w.page, w.offset_mask == 0xFFF ? 3 : 6, lin & w.offset_mask,
           w.offset_mask == 0xFFF ? "11" : w.offset_mask == 0x1FFFFF ? "20" : "21");
    mon_pr(o, "  physical address %08x\n", (uint32_t)w.phys);
    char ub[64] = "", wb[64] = "";
    if (!w.user_ok)
        snprintf(ub, sizeof(ub), " (U/S=0 in the %s)", w.lv[w.user_lvl].name);
    if (!w.write_ok)
        snprintf(wb, sizeof(wb), " (R/W=0 in the %s)", w.lv[w.write_lvl].name);
    mon_pr(o, "  user (CPL 3) access: %s%s; supervisor writes: %s; user writes: %s%s\n",
           w.user_ok ? "allowed (U/S=1 at every level)" : "faults", ub,
           w.write_ok || !(c->cr0 & CR0_WP) ? "allowed" : "fault (R/W=0 and CR0.WP=1)",
           w.user_ok && w.write_ok ? "allowed" : "fault", w.user_ok && !w.write_ok ? wb : "");
}

int mon_pf_reason(struct mon *o, uint32_t lin, uint32_t err, char *buf, size_t len)
{
    struct cpu *c = o->c;
    if (!(c->cr0 & CR0_PG)) {
        snprintf(buf, len, "paging is off now; the tables of the fault cannot be walked");
        return 0;
    }
    struct mwalk w;
    do_walk(o->m, c, lin, &w);
    const char *acc = err & 16 ? "instruction fetch" : err & 2 ? "write" : "read";
    const char *who = err & 4 ? "user-mode" : "supervisor";
    if (!w.present) {
        const struct mlevel *l = &w.lv[w.failed];
        if (l->rsvd)
            snprintf(buf, len, "reserved bit set in the %s at phys %08x (%016llx)", l->name, l->addr,
                     (unsigned long long)l->e);
        else
            snprintf(buf, len, "%s %s of a page whose %s (index %u at phys %08x) is not present (P=0)", who, acc,
                     l->name, l->index, l->addr);
        return 1;
    }
    if ((err & 4) && !w.user_ok) {
        snprintf(buf, len, "user-mode %s of a supervisor page: U/S=0 in the %s at phys %08x", acc,
                 w.lv[w.user_lvl].name, w.lv[w.user_lvl].addr);
        return 1;
    }
    if ((err & 2) && !w.write_ok && ((err & 4) || (c->cr0 & CR0_WP))) {
        snprintf(buf, len, "%s write to a read-only page: R/W=0 in the %s at phys %08x%s", who,
                 w.lv[w.write_lvl].name, w.lv[w.write_lvl].addr, err & 4 ? "" : " and CR0.WP=1");
        return 1;
    }
    snprintf(buf, len, "the current tables allow this %s %s (the guest has changed them since the fault)", who,
             acc);
    return 0;
}

/* ---- info mem ---- */

struct range {
    int open;
    uint32_t lin;
    uint64_t size, phys;
    int user, write;
    unsigned lines;
    unsigned long long pages4k;
};

static void range_flush(struct mon *o, struct range *r)
{
    if (!r->open)
        return;
    r->open = 0;
    if (++r->lines > 4096) {
        if (r->lines == 4097)
            mon_pr(o, "  ... (more than 4096 ranges; the rest left out)\n");
        return;
    }
    mon_pr(o, "  %08x-%08x %9llx -> %09llx-%09llx  %-10s %s\n", r->lin, (uint32_t)(r->lin + r->size - 1),
           (unsigned long long)r->size, (unsigned long long)r->phys, (unsigned long long)(r->phys + r->size - 1),
           r->user ? "user" : "supervisor", r->write ? "read/write" : "read-only");
}

static void range_add(struct mon *o, struct range *r, uint32_t lin, uint64_t size, uint64_t phys, int user,
                      int write)
{
    r->pages4k += size >> 12;
    if (r->open && r->lin + r->size == lin && r->phys + r->size == phys && r->user == user && r->write == write) {
        r->size += size;
        return;
    }
    range_flush(o, r);
    *r = (struct range){ 1, lin, size, phys, user, write, r->lines, r->pages4k };
}

void mon_info_mem(struct mon *o)
{
    struct cpu *c = o->c;
    struct machine *m = o->m;
    if (!(c->cr0 & CR0_PG)) {
        mon_pr(o, "paging is off (CR0.PG=0): linear = physical%s\n",
               m->mem.a20_mask != 0xFFFFFFFFu ? " with A20 masked" : "");
        return;
    }
    int pae = !!(c->cr4 & CR4_PAE);
    mon_pr(o, "%s paging, CR3=%08x%s%s; ranges of linear addresses mapped contiguously with equal rights\n"
              "  (rights combine every level: user = U/S=1 throughout, read/write = R/W=1 throughout;\n"
              "  supervisor writes to read-only pages %s)\n",
           pae ? "PAE" : "32-bit", c->cr3, !pae && (c->cr4 & CR4_PSE) ? ", PSE" : "",
           c->cr4 & CR4_PGE ? ", PGE" : "", c->cr0 & CR0_WP ? "fault (CR0.WP=1)" : "succeed (CR0.WP=0)");
    mon_pr(o, "  linear range           size -> physical range          access     rights\n");
    struct range r = { 0 };
    if (!pae) {
        uint32_t pd = c->cr3 & 0xFFFFF000u;
        for (uint32_t i = 0; i < 1024; i++) {
            uint32_t pde = (uint32_t)rd(m, pd + i * 4, 0);
            if (!(pde & E_P))
                continue;
            int u = !!(pde & E_U), w = !!(pde & E_W);
            if ((pde & E_PS) && (c->cr4 & CR4_PSE)) {
                range_add(o, &r, i << 22, 0x400000, pde & 0xFFC00000u, u, w);
                continue;
            }
            for (uint32_t j = 0; j < 1024; j++) {
                uint32_t pte = (uint32_t)rd(m, (pde & 0xFFFFF000u) + j * 4, 0);
                if (pte & E_P)
                    range_add(o, &r, i << 22 | j << 12, 0x1000, pte & 0xFFFFF000u, u & !!(pte & E_U),
                              w & !!(pte & E_W));
            }
        }
    } else {
        for (uint32_t i = 0; i < 4; i++) {
            uint64_t pdpte = rd(m, (c->cr3 & 0xFFFFFFE0u) + i * 8, 1);
            if (!(pdpte & E_P) || (pdpte & 0xFFFFFFF0000001E6ull))
                continue;
            for (uint32_t j = 0; j < 512; j++) {
                uint64_t pde = rd(m, ((uint32_t)pdpte & 0xFFFFF000u) + j * 8, 1);
                if (!(pde & E_P) || (pde & 0xFFFFFFF000000000ull))
                    continue;
                int u = !!(pde & E_U), w = !!(pde & E_W);
                uint32_t lin = i << 30 | j << 21;
                if (pde & E_PS) {
                    if (!(pde & 0x1FE000u))
                        range_add(o, &r, lin, 0x200000, pde & 0xFFFFFFE00000ull, u, w);
                    continue;
                }
                for (uint32_t k = 0; k < 512; k++) {
                    uint64_t pte = rd(m, ((uint32_t)pde & 0xFFFFF000u) + k * 8, 1);
                    if ((pte & E_P) && !(pte & 0xFFFFFFF000000000ull))
                        range_add(o, &r, lin | k << 12, 0x1000, pte & 0xFFFFFFFFF000ull, u & !!(pte & E_U),
                                  w & !!(pte & E_W));
                }
            }
        }
    }
    range_flush(o, &r);
    if (!r.pages4k)
        mon_pr(o, "  (nothing is mapped)\n");
    else
        mon_pr(o, "%llu KiB mapped in %u range(s)\n", r.pages4k * 4, r.lines);
}

/* ---- info tlb ---- */

void mon_info_tlb(struct mon *o)
{
    struct cpu *c = o->c;
    unsigned n = 0;
    mon_pr(o, "TLB: %u entries per set, direct mapped by linear bits 19-12; one set for supervisor and one\n"
              "for user accesses.  write = writes go through without a new walk (the page is writable and\n"
              "already dirty); host = the entry points straight into guest RAM or ROM\n",
           TLB_SIZE);
    for (int u = 0; u < 2; u++)
        for (int k = 0; k < TLB_SIZE; k++) {
            const struct tlb_entry *e = &c->tlb[u][k];
            if (!e->perm)
                continue;
            mon_pr(o, "  %-10s %08x -> %08x  %-10s%s%s\n", u ? "user" : "supervisor", e->lin_page << 12,
                   e->phys_page, e->perm & TLB_WRITE ? "read/write" : "read", e->global ? " global" : "",
                   e->host ? " host" : " (device or unmapped: slow path)");
            n++;
        }
    mon_pr(o, "%u valid entr%s\n", n, n == 1 ? "y" : "ies");
}
