/*
 * io.h - the one device interface: read/write callbacks with the access sizes a
 * device accepts.  The same struct serves port I/O and MMIO.  The bus splits
 * accesses wider than the device accepts into narrower ones (little-endian).
 */
#ifndef TARSIER_IO_H
#define TARSIER_IO_H

#include <stdint.h>

#define IO_SIZE8 1u
#define IO_SIZE16 2u
#define IO_SIZE32 4u

struct io_ops {
    /* offset is relative to the start of the registered range; size 1, 2 or 4 */
    uint32_t (*read)(void *opaque, uint32_t offset, int size);
    void (*write)(void *opaque, uint32_t offset, uint32_t val, int size);
    uint8_t sizes; /* IO_SIZE* mask of natively accepted sizes */
};

/* An interrupt request wire: a value object handed to a device by the board. */
struct irq_line {
    void (*set)(void *opaque, int n, int level);
    void *opaque;
    int n;
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l->set)
        l->set(l->opaque, l->n, level);
}

#endif
