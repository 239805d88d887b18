/*
 * memmap.c - the physical memory map (see memmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "machine/memmap.h"

int memmap_init(struct memmap *m, uint32_t ram_bytes)
{
    memset(m, 0, sizeof(*m));
    ram_bytes = (ram_bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    m->ram = calloc(1, ram_bytes);
    m->code_lines = calloc(((size_t)(ram_bytes >> PAGE_SHIFT) + 1) * CODE_WORDS_PER_PAGE, sizeof(uint64_t));
    if (!m->ram || !m->code_lines) {
        free(m->ram);
        free(m->code_lines);
        return -1;
    }
    m->ram_size = ram_bytes;
    m->a20_mask = 0xFFFFFFFFu;
    m->bus_mask = 0xFFFFFFFFu;
    return 0;
}

void memmap_free(struct memmap *m)
{
    free(m->ram);
    free(m->code_lines);
    m->ram = NULL;
    m->code_lines = NULL;
}

static int add_region(struct memmap *m, struct mem_region *r)
{
    if (m->nregions >= MEMMAP_MAX_REGIONS)
        return -1;
    m->regions[m->nregions++] = *r;
    return 0;
}

int memmap_add_rom(struct memmap *m, uint32_t base, uint32_t size, uint8_t *bytes, const char *name, int priority)
{
    struct mem_region r = { base, size, REGION_ROM, name, bytes, NULL, NULL, priority, false, false };
    return add_region(m, &r);
}

int memmap_add_mmio(struct memmap *m, uint32_t base, uint32_t size, const struct io_ops *ops, void *opaque,
                    const char *name, int priority)
{
    struct mem_region r = { base, size, REGION_MMIO, name, NULL, ops, opaque, priority, false, false };
    return add_region(m, &r);
}

int memmap_add_movable(struct memmap *m, uint32_t size, enum region_kind kind, uint8_t *rom,
                       const struct io_ops *ops, void *opaque, const char *name, int priority)
{
    if (size == 0 || (kind == REGION_ROM ? !rom : !ops))
        return -1;
    struct mem_region r = { 0, size, kind, name, rom, ops, opaque, priority, true, true };
    if (add_region(m, &r))
        return -1;
    return m->nregions - 1;
}

void memmap_place(struct memmap *m, int id, uint32_t base, bool on)
{
    if (id < 0 || id >= m->nregions)
        return;
    struct mem_region *r = &m->regions[id];
    if ((uint64_t)base + r->size > 0x100000000ull)
        on = false;
    if (!on)
        base = r->base;
    if (r->off == !on && r->base == base)
        return;
    r->off = !on;
    r->base = base;
    /* host pointers into the old mapping (ROM pages) must not survive */
    if (m->a20_hook)
        m->a20_hook(m->a20_opaque);
    /* nor code decoded from it: the block cache tracks RAM pages only, so a
     * page outside RAM (4 GiB - 4 KiB) stands for "drop every block" */
    if (m->code_write_hook)
        m->code_write_hook(m->code_write_opaque, 0xFFFFF000u);
}

void memmap_set_a20(struct memmap *m, bool on)
{
    uint32_t nm = (on ? 0xFFFFFFFFu : 0xFFEFFFFFu) & m->bus_mask;
    if (nm == m->a20_mask)
        return;
    m->a20_mask = nm;
    if (m->a20_hook)
        m->a20_hook(m->a20_opaque);
}

bool memmap_a20(const struct memmap *m)
{
    return (m->a20_mask & 0x100000u) != 0;
}

void memmap_set_shadow(struct memmap *m, uint32_t base, uint32_t size, unsigned flags)
{
    int changed = 0;
    for (uint32_t a = base; a - base < size; a += MEMMAP_SHADOW_BLOCK) {
        if (a < MEMMAP_SHADOW_BASE || a >= 0x100000u)
            continue;
        uint8_t *sh = &m->shadow[(a - MEMMAP_SHADOW_BASE) / MEMMAP_SHADOW_BLOCK];
        if (*sh == (uint8_t)flags)
            continue;
        *sh = (uint8_t)flags;
        changed = 1;
        if (m->code_write_hook) /* the bytes behind decoded code may differ now */
            for (uint32_t p = a; p < a + MEMMAP_SHADOW_BLOCK; p += PAGE_SIZE)
                m->code_write_hook(m->code_write_opaque, p);
    }
    if (changed && m->a20_hook)
        m->a20_hook(m->a20_opaque);
}

/* The shadow flags of a (masked) physical address: 0 outside C0000-FFFFF. */
static unsigned shadow_of(const struct memmap *m, uint32_t phys)
{
    if (phys - MEMMAP_SHADOW_BASE >= 0x100000u - MEMMAP_SHADOW_BASE || phys >= m->ram_size)
        return 0;
    return m->shadow[(phys - MEMMAP_SHADOW_BASE) / MEMMAP_SHADOW_BLOCK];
}

static const struct mem_region *find_region(const struct memmap *m, uint32_t phys)
{
    const struct mem_region *best = NULL;
    for (int k = 0; k < m->nregions; k++) {
        const struct mem_region *r = &m->regions[k];
        if (r->off || phys - r->base >= r->size || (r->ram_first && phys < m->ram_size))
            continue;
        if (!best || r->priority > best->priority)
            best = r;
    }
    return best;
}

uint8_t *memmap_ram_page(struct memmap *m, uint32_t phys)
{
    phys &= m->a20_mask;
    if (phys >= m->ram_size)
        return NULL;
    unsigned sh = shadow_of(m, phys);
    if (sh)
        return sh == (MEMMAP_SHADOW_READ | MEMMAP_SHADOW_WRITE) ? m->ram + (phys & ~(PAGE_SIZE - 1)) : NULL;
    if (find_region(m, phys))
        return NULL;
    return m->ram + (phys & ~(PAGE_SIZE - 1));
}

const uint8_t *memmap_read_page(struct memmap *m, uint32_t phys)
{
    phys &= m->a20_mask;
    if (shadow_of(m, phys) & MEMMAP_SHADOW_READ)
        return m->ram + (phys & ~(PAGE_SIZE - 1));
    const struct mem_region *r = find_region(m, phys);
    if (!r)
        return phys < m->ram_size ? m->ram + (phys & ~(PAGE_SIZE - 1)) : NULL;
    if (r->kind != REGION_ROM)
        return NULL;
    uint32_t off = (phys & ~(PAGE_SIZE - 1)) - r->base;
    if ((r->base & (PAGE_SIZE - 1)) || off + PAGE_SIZE > r->size)
        return NULL;
    return r->rom + off;
}

static uint32_t region_read(const struct mem_region *r, uint32_t phys, int size)
{
    uint32_t off = phys - r->base;
    if (r->kind == REGION_ROM) {
        uint32_t v = 0;
        for (int k = 0; k < size; k++)
            if (off + (uint32_t)k < r->size)
                v |= (uint32_t)r->rom[off + (uint32_t)k] << (8 * k);
        return v;
    }
    if (r->ops->sizes & (unsigned)size)
        return r->ops->read(r->opaque, off, size);
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (r->ops->read(r->opaque, off + (uint32_t)k, 1) & 0xFF) << (8 * k);
    return v;
}

uint32_t memmap_read(struct memmap *m, uint32_t phys, int size)
{
    phys &= m->a20_mask;
    const struct mem_region *r = shadow_of(m, phys) & MEMMAP_SHADOW_READ ? NULL : find_region(m, phys);
    if (r)
        return region_read(r, phys, size);
    if (phys < m->ram_size && phys + (uint32_t)size <= m->ram_size) {
        const uint8_t *p = m->ram + phys;
        uint32_t v = 0;
        for (int k = 0; k < size; k++)
            v |= (uint32_t)p[k] << (8 * k);
        return v;
    }
    return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu; /* open bus */
}

void memmap_write(struct memmap *m, uint32_t phys, uint32_t val, int size)
{
    phys &= m->a20_mask;
    unsigned sh = shadow_of(m, phys);
    if (sh == MEMMAP_SHADOW_READ)
        return; /* read-only shadow RAM */
    const struct mem_region *r = sh & MEMMAP_SHADOW_WRITE ? NULL : find_region(m, phys);
    if (r) {
        if (r->kind == REGION_MMIO) {
            uint32_t off = phys - r->base;
            if (r->ops->sizes & (unsigned)size)
                r->ops->write(r->opaque, off, val, size);
            else
                for (int k = 0; k < size; k++)
                    r->ops->write(r->opaque, off + (uint32_t)k, (val >> (8 * k)) & 0xFF, 1);
        }
        return; /* ROM: writes are ignored */
    }
    if (phys >= m->ram_size || phys + (uint32_t)size > m->ram_size)
        return;
    uint8_t *p = m->ram + phys;
    if (m->code_write_hook && memmap_is_code(m, phys, (uint32_t)size)) {
        /* storing the bytes already there changes no code */
        int same = 1;
        for (int k = 0; k < size; k++)
            same &= p[k] == (uint8_t)(val >> (8 * k));
        if (!same)
            m->code_write_hook(m->code_write_opaque, phys & ~(PAGE_SIZE - 1));
    }
    for (int k = 0; k < size; k++)
        p[k] = (uint8_t)(val >> (8 * k));
}

void memmap_read_bytes(struct memmap *m, uint32_t phys, void *dst, size_t len)
{
    uint8_t *d = dst;
    for (size_t k = 0; k < len; k++)
        d[k] = (uint8_t)memmap_read(m, phys + (uint32_t)k, 1);
}

void memmap_write_bytes(struct memmap *m, uint32_t phys, const void *src, size_t len)
{
    const uint8_t *s = src;
    for (size_t k = 0; k < len; k++)
        memmap_write(m, phys + (uint32_t)k, s[k], 1);
}
