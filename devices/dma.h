/*
 * dma.h - the two Intel 8237A DMA controllers of the PC/AT and their 74LS612
 * page registers.  DMA1 (ports 00h-0Fh) serves the 8-bit channels 0-3; DMA2
 * (ports C0h-DFh, one register every second port) serves the 16-bit channels
 * 4-7, its channel 4 carrying DMA1's cascade.  The page registers sit at
 * 81h-8Fh (87h/83h/81h/82h for channels 0-3, 8Bh/89h/8Ah for 5-7); 80h, the
 * 74LS612's register 0 on the AT, is the POST code latch of the debug port
 * device here.
 *
 * Devices see a channel as a struct dma_line the board hands them: they raise
 * DREQ with dma_line_dreq() and, when the controller grants the channel (the
 * board registered a service callback with dma_attach()), move a block with
 * dma_line_transfer().  The controller calls the service callback whenever a
 * channel with DREQ asserted becomes able to run (DREQ raised while unmasked,
 * or the channel unmasked while DREQ is up).
 */
#ifndef TARSIER_DMA_H
#define TARSIER_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/io.h"
#include "machine/memmap.h"
#include "machine/state.h"

struct dma_chan {
    uint16_t base_addr, base_count;  /* as programmed (written with the flip-flop) */
    uint16_t cur_addr, cur_count;    /* counters; count N means N+1 transfers left */
    uint8_t mode;                    /* mode register: 7-6 type, 5 decrement, 4 auto-init, 3-2 transfer */
};

struct dma_ctrl {
    struct dma_chan ch[4];
    uint8_t command;    /* command register (bit 2: controller disable) */
    uint8_t status;     /* bits 0-3 TC reached (cleared on read); bits 4-7 computed from requests */
    uint8_t mask;       /* bits 0-3: channel masked */
    uint8_t request;    /* software requests (request register), bits 0-3 */
    uint8_t dreq;       /* hardware DREQ lines, bits 0-3 */
    uint8_t flipflop;   /* byte pointer: 0 low byte next, 1 high byte */
    uint8_t temp;       /* temporary register */
};

struct dma_client {
    void (*service)(void *opaque);   /* the channel may transfer now */
    void *opaque;
};

struct dma {
    struct dma_ctrl c[2];            /* 0: DMA1 (channels 0-3), 1: DMA2 (channels 4-7) */
    uint8_t page[16];                /* 74LS612 page registers, index = port - 80h */
    /* wiring (not state) */
    struct memmap *mem;
    struct dma_client client[8];
    uint8_t in_service;              /* re-entrancy guard for service callbacks */
    uint8_t warned;                  /* one-time warnings given */
};

/* A device's view of one channel: a value object the board builds with dma_line(). */
struct dma_line {
    void (*dreq)(void *opaque, int ch, int level);
    uint32_t (*transfer)(void *opaque, int ch, void *buf, uint32_t len, int to_memory, int *tc);
    void *opaque;
    int ch;
};

static inline void dma_line_dreq(const struct dma_line *l, int level)
{
    if (l->dreq)
        l->dreq(l->opaque, l->ch, level);
}

/* Move up to len bytes (see dma_transfer); returns the bytes moved, 0 when the
 * channel is not connected. */
static inline uint32_t dma_line_transfer(const struct dma_line *l, void *buf, uint32_t len, int to_memory, int *tc)
{
    *tc = 0;
    return l->transfer ? l->transfer(l->opaque, l->ch, buf, len, to_memory, tc) : 0;
}

extern const struct io_ops dma1_ops;    /* 16 ports at 00h */
extern const struct io_ops dma2_ops;    /* 32 ports at C0h (A0 ignored) */
extern const struct io_ops dma_page_ops; /* 15 ports at 81h (offset 0 = port 81h) */
extern const struct state_table dma_state;

/* Power-on state (all channels masked).  Set mem first. */
void dma_init(struct dma *d);
/* Master clear of both controllers (what the RESET pin does). */
void dma_reset(struct dma *d);
/* The board registers the device serving channel ch (0-7). */
void dma_attach(struct dma *d, int ch, void (*service)(void *opaque), void *opaque);
/* The line for channel ch, to hand to a device. */
struct dma_line dma_line(struct dma *d, int ch);
/* A device raises or drops DREQ on channel ch. */
void dma_set_dreq(struct dma *d, int ch, bool level);
/* Can channel ch run now (unmasked, controller enabled, cascade open)? */
bool dma_channel_ready(const struct dma *d, int ch);
/* Move up to len bytes between buf and memory on channel ch as the channel's
 * mode says (to_memory is the device's direction: true for a device writing
 * memory).  Stops at terminal count; *tc reports whether TC was reached.
 * Returns the bytes moved (a multiple of 2 on channels 4-7), 0 when the
 * channel cannot run.  Verify transfers count but touch no memory; a device
 * direction the mode disagrees with moves nothing into memory and feeds the
 * device 0xFF bytes. */
uint32_t dma_transfer(struct dma *d, int ch, void *buf, uint32_t len, bool to_memory, bool *tc);
/* The 24-bit physical address channel ch will access next. */
uint32_t dma_address(const struct dma *d, int ch);
/* Bytes left before terminal count on channel ch. */
uint32_t dma_residue(const struct dma *d, int ch);

#endif
