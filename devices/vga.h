/*
 * vga.h - the VGA register file (see vga.c): ports 3B0h-3DFh.
 */
#ifndef TARSIER_VGA_H
#define TARSIER_VGA_H

#include <stddef.h>
#include <stdint.h>

#include "machine/io.h"
#include "machine/state.h"

struct vga {
    uint8_t misc;
    uint8_t crtc_index, crtc[64];
    uint8_t seq_index, seq[8];
    uint8_t gc_index, gc[16];
    uint8_t attr_index, attr_flip, attr[32];
    uint8_t dac[256][3];
    uint8_t dac_read, dac_write, dac_comp, dac_state;
    /* virtual time for the retrace status (set by the board) */
    uint64_t (*now)(void *opaque);
    void *now_opaque;
};

extern const struct io_ops vga_ops;   /* register at 0x3B0, 0x30 ports */
extern const struct state_table vga_state;

void vga_init(struct vga *v);
/* Byte offset into the text buffer of the first displayed character. */
uint32_t vga_text_start(const struct vga *v);

#endif
