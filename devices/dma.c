/*
 * dma.c - Intel 8237A DMA controllers of the PC/AT (see dma.h), following the
 * 8237A datasheet and the IBM PC/AT Technical Reference for the wiring: the
 * base/current address and word count registers written and read through the
 * byte pointer flip-flop, the mode register (demand/single/block/cascade,
 * auto-initialise, address decrement, verify/write/read), single and
 * all-channel masks, the request register, the status register (TC bits
 * cleared by the read, request bits), master clear and the temporary register.
 * On DMA2 the addresses count words: channel 4-7 addresses go out shifted
 * left by one with the page register's bits 1-7 above them, so a transfer
 * wraps within its 128 KiB page; DMA1 transfers wrap within their 64 KiB page,
 * both as the real counters do.  DMA1 only runs while DMA2's channel 4 (its
 * cascade) is unmasked.  At terminal count a channel without auto-initialise
 * masks itself.
 *
 * Left out: transfer timing (a granted block moves at once; demand, single
 * and block modes behave alike), memory-to-memory transfers (command bit 0),
 * software requests performing transfers (the request register only shows in
 * the status), the priority rotation and DREQ/DACK polarity bits (stored,
 * no effect) and the EOP input from devices (devices stop by moving fewer
 * bytes).
 */
#include <stdio.h>
#include <string.h>

#include "devices/dma.h"

static const uint8_t page_index[8] = { 0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA };

static void warn_once(struct dma *d, unsigned bit, const char *what)
{
    if (d->warned & (1u << bit))
        return;
    d->warned |= (uint8_t)(1u << bit);
    fprintf(stderr, "tarsier: dma: %s (reported once)\n", what);
}

bool dma_channel_ready(const struct dma *d, int ch)
{
    if (ch < 0 || ch > 7)
        return false;
    const struct dma_ctrl *c = &d->c[ch >> 2];
    if ((c->command & 0x04) || (c->mask & (1u << (ch & 3))))
        return false;
    if ((c->ch[ch & 3].mode >> 6) == 3)
        return false; /* a cascade channel is not a device channel */
    if (ch < 4 && ((d->c[1].command & 0x04) || (d->c[1].mask & 1)))
        return false; /* DMA1 reaches the bus through DMA2's channel 4 */
    return true;
}

/* Give the channels that can run now to their devices. */
static void service(struct dma *d)
{
    if (d->in_service)
        return;
    d->in_service = 1;
    for (int ch = 0; ch < 8; ch++) {
        const struct dma_client *cl = &d->client[ch];
        if (cl->service && (d->c[ch >> 2].dreq & (1u << (ch & 3))) && dma_channel_ready(d, ch))
            cl->service(cl->opaque);
    }
    d->in_service = 0;
}

uint32_t dma_address(const struct dma *d, int ch)
{
    const struct dma_chan *k = &d->c[ch >> 2].ch[ch & 3];
    uint8_t page = d->page[page_index[ch & 7]];
    if (ch >= 4)
        return ((uint32_t)(page & 0xFE) << 16) | ((uint32_t)k->cur_addr << 1);
    return ((uint32_t)page << 16) | k->cur_addr;
}

uint32_t dma_residue(const struct dma *d, int ch)
{
    const struct dma_chan *k = &d->c[ch >> 2].ch[ch & 3];
    return ((uint32_t)k->cur_count + 1) * (ch >= 4 ? 2u : 1u);
}

uint32_t dma_transfer(struct dma *d, int ch, void *buf, uint32_t len, bool to_memory, bool *tc)
{
    *tc = false;
    if (!dma_channel_ready(d, ch))
        return 0;
    struct dma_ctrl *c = &d->c[ch >> 2];
    struct dma_chan *k = &c->ch[ch & 3];
    uint32_t unit = ch >= 4 ? 2 : 1;
    unsigned type = (k->mode >> 2) & 3; /* 0 verify, 1 write (to memory), 2 read (from memory) */
    bool mem_write = type == 1 && to_memory, mem_read = type == 2 && !to_memory;
    if (type == 3)
        warn_once(d, 0, "illegal transfer type 3 in a mode register");
    else if (type && !mem_write && !mem_read)
        warn_once(d, 1, "device and mode register disagree on the transfer direction");
    uint8_t *b = buf;
    uint32_t done = 0;
    while (done + unit <= len) {
        uint32_t phys = dma_address(d, ch);
        if (mem_write)
            memmap_write_bytes(d->mem, phys, b + done, unit);
        else if (mem_read)
            memmap_read_bytes(d->mem, phys, b + done, unit);
        else if (!to_memory)
            memset(b + done, 0xFF, unit);
        done += unit;
        k->cur_addr = (uint16_t)(k->cur_addr + ((k->mode & 0x20) ? -1 : 1)); /* wraps within the page */
        if (k->cur_count-- == 0) { /* 0 -> FFFFh: terminal count */
            *tc = true;
            c->status |= (uint8_t)(1u << (ch & 3));
            c->request &= (uint8_t)~(1u << (ch & 3));
            if (k->mode & 0x10) {
                k->cur_addr = k->base_addr;
                k->cur_count = k->base_count;
            } else {
                c->mask |= (uint8_t)(1u << (ch & 3));
            }
            break;
        }
    }
    return done;
}

void dma_set_dreq(struct dma *d, int ch, bool level)
{
    if (ch < 0 || ch > 7)
        return;
    uint8_t bit = (uint8_t)(1u << (ch & 3));
    struct dma_ctrl *c = &d->c[ch >> 2];
    bool was = (c->dreq & bit) != 0;
    c->dreq = level ? (uint8_t)(c->dreq | bit) : (uint8_t)(c->dreq & ~bit);
    if (level && !was)
        service(d);
}

static void line_dreq(void *opaque, int ch, int level)
{
    dma_set_dreq(opaque, ch, level != 0);
}

static uint32_t line_transfer(void *opaque, int ch, void *buf, uint32_t len, int to_memory, int *tc)
{
    bool t;
    uint32_t n = dma_transfer(opaque, ch, buf, len, to_memory != 0, &t);
    *tc = t;
    return n;
}

struct dma_line dma_line(struct dma *d, int ch)
{
    struct dma_line l = { line_dreq, line_transfer, d, ch };
    return l;
}

void dma_attach(struct dma *d, int ch, void (*fn)(void *opaque), void *opaque)
{
    if (ch < 0 || ch > 7)
        return;
    d->client[ch].service = fn;
    d->client[ch].opaque = opaque;
}

static void master_clear(struct dma_ctrl *c)
{
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->temp = 0;
    c->flipflop = 0;
    c->mask = 0x0F;
}

void dma_reset(struct dma *d)
{
    master_clear(&d->c[0]);
    master_clear(&d->c[1]);
}

void dma_init(struct dma *d)
{
    struct memmap *mem = d->mem;
    struct dma_client cl[8];
    memcpy(cl, d->client, sizeof(cl));
    memset(d, 0, sizeof(*d));
    d->mem = mem;
    memcpy(d->client, cl, sizeof(cl));
    dma_reset(d);
}

/* ---- the register file of one controller: offsets 0-15 ---- */

static uint8_t ctrl_read(struct dma_ctrl *c, unsigned reg)
{
    if (reg < 8) {
        struct dma_chan *k = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? k->cur_count : k->cur_addr;
        uint8_t r = c->flipflop ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->flipflop ^= 1;
        return r;
    }
    switch (reg) {
    case 8: { /* status: TC bits clear on read */
        uint8_t s = (uint8_t)((c->status & 0x0F) | (((c->request | c->dreq) & 0x0F) << 4));
        c->status &= 0xF0;
        return s;
    }
    case 13:
        return c->temp;
    case 15: /* mask register read-back, as later chipsets provide */
        return (uint8_t)(0xF0 | c->mask);
    default:
        return 0xFF; /* write-only registers */
    }
}

/* Returns whether masks may have opened (the caller then services DREQs). */
static bool ctrl_write(struct dma_ctrl *c, unsigned reg, uint8_t v)
{
    if (reg < 8) {
        struct dma_chan *k = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &k->base_count : &k->base_addr;
        uint16_t *cur = (reg & 1) ? &k->cur_count : &k->cur_addr;
        if (c->flipflop)
            *base = (uint16_t)((*base & 0x00FF) | (v << 8));
        else
            *base = (uint16_t)((*base & 0xFF00) | v);
        *cur = *base;
        c->flipflop ^= 1;
        return false;
    }
    uint8_t bit = (uint8_t)(1u << (v & 3));
    switch (reg) {
    case 8:
        c->command = v;
        return true;
    case 9:
        c->request = (v & 4) ? (uint8_t)(c->request | bit) : (uint8_t)(c->request & ~bit);
        return false;
    case 10:
        c->mask = (v & 4) ? (uint8_t)(c->mask | bit) : (uint8_t)(c->mask & ~bit);
        return !(v & 4);
    case 11:
        c->ch[v & 3].mode = (uint8_t)(v & 0xFC);
        return true;
    case 12:
        c->flipflop = 0;
        return false;
    case 13:
        master_clear(c);
        return false;
    case 14:
        c->mask = 0;
        return true;
    default: /* 15: all mask bits */
        c->mask = v & 0x0F;
        return true;
    }
}

static uint32_t dma1_read(void *opaque, uint32_t off, int size)
{
    struct dma *d = opaque;
    return ctrl_read(&d->c[0], off & 15);
}

static void dma1_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct dma *d = opaque;
    if (ctrl_write(&d->c[0], off & 15, (uint8_t)val))
        service(d);
}

static uint32_t dma2_read(void *opaque, uint32_t off, int size)
{
    struct dma *d = opaque;
    return ctrl_read(&d->c[1], (off >> 1) & 15);
}

static void dma2_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct dma *d = opaque;
    if (ctrl_write(&d->c[1], (off >> 1) & 15, (uint8_t)val))
        service(d);
}

static uint32_t page_read(void *opaque, uint32_t off, int size)
{
    struct dma *d = opaque;
    return d->page[(off + 1) & 15];
}

static void page_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct dma *d = opaque;
    d->page[(off + 1) & 15] = (uint8_t)val;
}

const struct io_ops dma1_ops = { dma1_read, dma1_write, IO_SIZE8 };
const struct io_ops dma2_ops = { dma2_read, dma2_write, IO_SIZE8 };
const struct io_ops dma_page_ops = { page_read, page_write, IO_SIZE8 };

#define DMA_CHAN_FIELDS(n, i)                                                                                     \
    STATE_FIELD(struct dma, c[n].ch[i].base_addr, ST_U16), STATE_FIELD(struct dma, c[n].ch[i].base_count, ST_U16), \
    STATE_FIELD(struct dma, c[n].ch[i].cur_addr, ST_U16), STATE_FIELD(struct dma, c[n].ch[i].cur_count, ST_U16),   \
    STATE_FIELD(struct dma, c[n].ch[i].mode, ST_U8)

#define DMA_CTRL_FIELDS(n)                                                                                       \
    DMA_CHAN_FIELDS(n, 0), DMA_CHAN_FIELDS(n, 1), DMA_CHAN_FIELDS(n, 2), DMA_CHAN_FIELDS(n, 3),                   \
    STATE_FIELD(struct dma, c[n].command, ST_U8), STATE_FIELD(struct dma, c[n].status, ST_U8),                    \
    STATE_FIELD(struct dma, c[n].mask, ST_U8), STATE_FIELD(struct dma, c[n].request, ST_U8),                      \
    STATE_FIELD(struct dma, c[n].dreq, ST_U8), STATE_FIELD(struct dma, c[n].flipflop, ST_U8),                     \
    STATE_FIELD(struct dma, c[n].temp, ST_U8)

static const struct state_field dma_fields[] = {
    DMA_CTRL_FIELDS(0),
    DMA_CTRL_FIELDS(1),
    STATE_ARRAY(struct dma, page, ST_BYTES, 16),
    STATE_END
};
const struct state_table dma_state = { "dma", 1, dma_fields };
