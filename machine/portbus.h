/*
 * portbus.h - the x86 I/O port space: 64 Ki ports, ranges registered by the
 * board with one struct io_ops each.  Reads of unclaimed ports return all ones;
 * writes to them are dropped.  Accesses wider than a device accepts are split.
 */
#ifndef TARSIER_PORTBUS_H
#define TARSIER_PORTBUS_H

#include <stdint.h>

#include "machine/io.h"

#define PORTBUS_MAX_RANGES 96

struct port_range {
    uint16_t base;
    uint32_t count;
    const struct io_ops *ops;
    void *opaque;
    const char *name;
};

struct portbus {
    struct port_range ranges[PORTBUS_MAX_RANGES];
    int nranges;
    uint8_t map[65536];     /* index+1 into ranges, 0 = unclaimed */
    /* optional observer for tracing: called after every access */
    void (*trace)(void *opaque, int is_write, uint16_t port, uint32_t val, int size);
    void *trace_opaque;
};

void portbus_init(struct portbus *b);
/* Returns 0, or -1 when the ranges overlap or the table is full. */
int portbus_register(struct portbus *b, uint16_t base, uint32_t count, const struct io_ops *ops, void *opaque,
                     const char *name);
/* Remove the range that starts at base (registered with this opaque); returns
 * 0, or -1 when there is none.  PCI BARs move this way. */
int portbus_unregister(struct portbus *b, uint16_t base, void *opaque);
uint32_t portbus_in(struct portbus *b, uint16_t port, int size);
void portbus_out(struct portbus *b, uint16_t port, uint32_t val, int size);
const char *portbus_name(const struct portbus *b, uint16_t port);

#endif
