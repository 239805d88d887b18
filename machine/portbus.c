/*
 * portbus.c - the I/O port space (see portbus.h).
 */
#include <string.h>

#include "machine/portbus.h"

void portbus_init(struct portbus *b)
{
    memset(b, 0, sizeof(*b));
}

int portbus_register(struct portbus *b, uint16_t base, uint32_t count, const struct io_ops *ops, void *opaque,
                     const char *name)
{
    if (b->nranges >= PORTBUS_MAX_RANGES || count == 0 || (uint32_t)base + count > 65536)
        return -1;
    for (uint32_t p = base; p < base + count; p++)
        if (b->map[p])
            return -1;
    struct port_range *r = &b->ranges[b->nranges++];
    r->base = base;
    r->count = count;
    r->ops = ops;
    r->opaque = opaque;
    r->name = name;
    for (uint32_t p = base; p < base + count; p++)
        b->map[p] = (uint8_t)b->nranges;
    return 0;
}

int portbus_unregister(struct portbus *b, uint16_t base, void *opaque)
{
    int idx = b->map[base] - 1;
    if (idx < 0 || b->ranges[idx].base != base || b->ranges[idx].opaque != opaque)
        return -1;
    struct port_range *r = &b->ranges[idx];
    for (uint32_t p = r->base; p < r->base + r->count; p++)
        b->map[p] = 0;
    /* the last range takes the freed slot */
    int last = b->nranges - 1;
    if (idx != last) {
        *r = b->ranges[last];
        for (uint32_t p = r->base; p < r->base + r->count; p++)
            b->map[p] = (uint8_t)(idx + 1);
    }
    b->nranges--;
    return 0;
}

const char *portbus_name(const struct portbus *b, uint16_t port)
{
    return b->map[port] ? b->ranges[b->map[port] - 1].name : "unassigned";
}

static uint32_t in1(struct portbus *b, uint16_t port, int size)
{
    uint8_t idx = b->map[port];
    if (!idx)
        return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
    const struct port_range *r = &b->ranges[idx - 1];
    uint32_t off = (uint32_t)port - r->base;
    if ((r->ops->sizes & (unsigned)size) && off + (uint32_t)size <= r->count)
        return r->ops->read(r->opaque, off, size);
    /* split into bytes */
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (in1(b, (uint16_t)(port + k), 1) & 0xFF) << (8 * k);
    return v;
}

uint32_t portbus_in(struct portbus *b, uint16_t port, int size)
{
    uint32_t v = in1(b, port, size);
    if (b->trace)
        b->trace(b->trace_opaque, 0, port, v, size);
    return v;
}

static void out1(struct portbus *b, uint16_t port, uint32_t val, int size)
{
    uint8_t idx = b->map[port];
    if (!idx) {
        if (size > 1) /* a wide access may still reach claimed ports above */
            for (int k = 1; k < size; k++)
                if (b->map[(uint16_t)(port + k)])
                    out1(b, (uint16_t)(port + k), (val >> (8 * k)) & 0xFF, 1);
        return;
    }
    const struct port_range *r = &b->ranges[idx - 1];
    uint32_t off = (uint32_t)port - r->base;
    if ((r->ops->sizes & (unsigned)size) && off + (uint32_t)size <= r->count) {
        r->ops->write(r->opaque, off, val, size);
        return;
    }
    for (int k = 0; k < size; k++) {
        uint16_t p = (uint16_t)(port + k);
        uint8_t j = b->map[p];
        if (!j)
            continue;
        const struct port_range *q = &b->ranges[j - 1];
        q->ops->write(q->opaque, (uint32_t)p - q->base, (val >> (8 * k)) & 0xFF, 1);
    }
}

void portbus_out(struct portbus *b, uint16_t port, uint32_t val, int size)
{
    if (b->trace)
        b->trace(b->trace_opaque, 1, port, val, size);
    out1(b, port, val, size);
}
