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

struct mem_region {
    uint32_t base, size;
    enum region_kind kind;
    const char *name;
    uint8_t *rom;                /* REGION_ROM: the bytes (owned by the caller) */
    const struct io_ops *ops;    /* REGION_MMIO */
    void *opaque;
    int priority;                /* higher wins where regions overlap */
};

struct memmap {
    uint8_t *ram;
    uint32_t ram_size;           /* bytes, multiple of 4 KiB */
    uint32_t a20_mask;           /* applied to every physical address: A20 gate and bus width */
    uint32_t bus_mask;           /* address bus width: 0xFFFFF (8086), 0xFFFFFF (286), all ones */
    uint8_t *code_page;          /* per RAM page: nonzero if decoded code lives there */
    struct mem_region regions[MEMMAP_MAX_REGIONS];
    int nregions;
    /* first 1 MiB ROM shadow: pages 0xC0000-0xFFFFF may be backed by ROM regions */
    void (*code_write_hook)(void *opaque, uint32_t phys_page);
    void *code_write_opaque;
    void (*a20_hook)(void *opaque);  /* A20 changed (the CPU flushes its TLB) */
    void *a20_opaque;
};

int memmap_init(struct memmap *m, uint32_t ram_bytes);
void memmap_free(struct memmap *m);
/* Add a ROM or MMIO region; returns 0 or -1 if the table is full. */
int memmap_add_rom(struct memmap *m, uint32_t base, uint32_t size, uint8_t *bytes, const char *name, int priority);
int memmap_add_mmio(struct memmap *m, uint32_t base, uint32_t size, const struct io_ops *ops, void *opaque,
                    const char *name, int priority);
void memmap_set_a20(struct memmap *m, bool on);
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

static inline void memmap_mark_code(struct memmap *m, uint32_t phys)
{
    uint32_t p = phys >> PAGE_SHIFT;
    if (p < (m->ram_size >> PAGE_SHIFT))
        m->code_page[p] = 1;
}

#endif
