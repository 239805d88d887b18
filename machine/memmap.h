/*
 * memmap.h - the physical memory map: RAM, ROM, MMIO regions and the A20 gate.
 *
 * A leaf service owned by struct machine and used by the CPU, DMA-capable
 * devices and the loaders.  Physical addresses are 32 bits (PAE addresses above
 * 4 GiB read as open bus).  RAM below 4 GiB is one host allocation; ROMs are
 * regions with their own bytes; MMIO regions have io_ops callbacks.  Writes to a
 * RAM page that holds decoded code are reported to the code-cache hook so that
 * self-modifying code works.
 */
#ifndef TARSIER_MEMMAP_H
#define TARSIER_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "machine/io.h"

#define MEMMAP_MAX_REGIONS 32
#define PAGE_SHIFT 12
#define PAGE_SIZE 4096u

enum region_kind { REGION_ROM, REGION_MMIO };

#define MEMMAP_SHADOW_BASE 0xC0000u
#define MEMMAP_SHADOW_BLOCK 0x4000u
#define MEMMAP_SHADOW_BLOCKS 16
#define MEMMAP_SHADOW_READ 1u   /* reads of the block come from RAM */
#define MEMMAP_SHADOW_WRITE 2u  /* writes go to RAM (else they are dropped when READ is set) */

struct mem_region {
    uint32_t base, size;
    enum region_kind kind;
    const char *name;
    uint8_t *rom;                /* REGION_ROM: the bytes (owned by the caller) */
    const struct io_ops *ops;    /* REGION_MMIO */
    void *opaque;
    int priority;                /* higher wins where regions overlap */
    bool off;                    /* not decoded now (a movable region that is disabled) */
    bool ram_first;              /* RAM below ram_size wins over this region (PCI BARs: the
                                    chipset decodes DRAM first below the top of memory) */
};

struct memmap {
    uint8_t *ram;
    uint32_t ram_size;           /* bytes, multiple of 4 KiB */
    uint32_t a20_mask;           /* applied to every physical address: A20 gate and bus width */
    uint32_t bus_mask;           /* address bus width: 0xFFFFF (8086), 0xFFFFFF (286), all ones */
    uint64_t *code_lines;        /* per RAM page, 4 words: bit n set when bytes 16n..16n+15 hold decoded code */
    struct mem_region regions[MEMMAP_MAX_REGIONS];
    int nregions;
    /* first 1 MiB ROM shadow: pages 0xC0000-0xFFFFF may be backed by ROM regions;
     * the chipset's shadow control (i440FX PAM) sends reads and/or writes of each
     * 16 KiB block there to RAM instead.  0 keeps the default: a region if one
     * is mapped, else RAM. */
    uint8_t shadow[MEMMAP_SHADOW_BLOCKS];
    void (*code_write_hook)(void *opaque, uint32_t phys_page);
    void *code_write_opaque;
    void (*a20_hook)(void *opaque);  /* A20 or the shadow mapping changed (the CPU flushes its TLB) */
    void *a20_opaque;
};

int memmap_init(struct memmap *m, uint32_t ram_bytes);
void memmap_free(struct memmap *m);
/* Add a ROM or MMIO region; returns 0 or -1 if the table is full. */
int memmap_add_rom(struct memmap *m, uint32_t base, uint32_t size, uint8_t *bytes, const char *name, int priority);
int memmap_add_mmio(struct memmap *m, uint32_t base, uint32_t size, const struct io_ops *ops, void *opaque,
                    const char *name, int priority);
/* A region the board moves later (a PCI memory or expansion ROM BAR): added
 * disabled, with RAM winning below ram_size.  Returns its handle (>= 0) or -1
 * when the table is full. */
int memmap_add_movable(struct memmap *m, uint32_t size, enum region_kind kind, uint8_t *rom,
                       const struct io_ops *ops, void *opaque, const char *name, int priority);
/* Place movable region id at base and enable it (on), or disable it.  A range
 * that would wrap past 4 GiB stays disabled.  When the visible map changes the
 * CPU's translations are flushed through a20_hook. */
void memmap_place(struct memmap *m, int id, uint32_t base, bool on);
void memmap_set_a20(struct memmap *m, bool on);
/* Shadow control of [base, base+size) within C0000-FFFFF (16 KiB blocks):
 * flags MEMMAP_SHADOW_*; flushes the CPU's translations through a20_hook and
 * drops decoded code of the blocks whose mapping changed. */
void memmap_set_shadow(struct memmap *m, uint32_t base, uint32_t size, unsigned flags);
bool memmap_a20(const struct memmap *m);

/* Host pointer to RAM for a physical page (after A20 masking), or NULL when the
 * page is not plain RAM (ROM, MMIO, unmapped) - callers then use the slow path. */
uint8_t *memmap_ram_page(struct memmap *m, uint32_t phys);
/* Host pointer for reading (RAM or ROM), NULL for MMIO/unmapped. */
const uint8_t *memmap_read_page(struct memmap *m, uint32_t phys);

/* Slow-path accesses of 1, 2 or 4 bytes; must not cross a page. */
uint32_t memmap_read(struct memmap *m, uint32_t phys, int size);
void memmap_write(struct memmap *m, uint32_t phys, uint32_t val, int size);
/* Bulk copies for loaders and DMA (honour ROM read-only and code invalidation). */
void memmap_read_bytes(struct memmap *m, uint32_t phys, void *dst, size_t len);
void memmap_write_bytes(struct memmap *m, uint32_t phys, const void *src, size_t len);

/* Code tracking granularity: 16-byte lines, 256 per page, 4 words per page. */
#define CODE_LINE_SHIFT 4
#define CODE_WORDS_PER_PAGE 4

/* Record that [phys, phys+len) (within one page) holds decoded code. */
static inline void memmap_mark_code(struct memmap *m, uint32_t phys, uint32_t len)
{
    uint32_t p = phys >> PAGE_SHIFT;
    if (p >= (m->ram_size >> PAGE_SHIFT))
        return;
    uint64_t *w = &m->code_lines[(size_t)p * CODE_WORDS_PER_PAGE];
    uint32_t off = phys & (PAGE_SIZE - 1);
    uint32_t last = (off + (len ? len : 1) - 1) >> CODE_LINE_SHIFT;
    if (last > 255)
        last = 255;
    for (uint32_t l = off >> CODE_LINE_SHIFT; l <= last; l++)
        w[l >> 6] |= 1ull << (l & 63);
}

/* Does a store to [phys, phys+size) (within one page) hit decoded code? */
static inline int memmap_is_code(const struct memmap *m, uint32_t phys, uint32_t size)
{
    uint32_t p = phys >> PAGE_SHIFT;
    if (p >= (m->ram_size >> PAGE_SHIFT))
        return 0;
    const uint64_t *w = &m->code_lines[(size_t)p * CODE_WORDS_PER_PAGE];
    uint32_t off = phys & (PAGE_SIZE - 1);
    uint32_t first = off >> CODE_LINE_SHIFT, last = (off + size - 1) >> CODE_LINE_SHIFT;
    if (last > 255)
        last = 255;
    for (uint32_t l = first; l <= last; l++)
        if ((w[l >> 6] >> (l & 63)) & 1)
            return 1;
    return 0;
}

static inline void memmap_clear_code(struct memmap *m, uint32_t page)
{
    for (int k = 0; k < CODE_WORDS_PER_PAGE; k++)
        m->code_lines[(size_t)page * CODE_WORDS_PER_PAGE + (size_t)k] = 0;
}

#endif
