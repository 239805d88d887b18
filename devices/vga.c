/*
 * vga.c - the VGA register file (IBM VGA Technical Reference): CRT controller
 * at 3D4h/3D5h (and the MDA alias 3B4h/3B5h), sequencer 3C4h/3C5h, graphics
 * controller 3CEh/3CFh, attribute controller 3C0h/3C1h with its index/data
 * flip-flop, miscellaneous output 3C2h/3CCh, DAC 3C7h-3C9h, and input status
 * 1 (3DAh/3BAh) with vertical retrace timed from the virtual clock (70 Hz).
 * Left out for now: the display memory planes, read/write modes, latches and
 * rendering (text mode memory is plain RAM at B8000h) - the next VGA step.
 * The text-screen dump reads the CRTC start address from here, which is how
 * Linux's vgacon scrolls.
 */
#include <string.h>

#include "devices/vga.h"

#define FRAME_NS 14285714ull  /* 70 Hz */
#define RETRACE_NS 1000000ull /* vertical retrace lasts about 1 ms of each frame */

static uint32_t vga_read(void *opaque, uint32_t off, int size)
{
    struct vga *v = opaque;
    uint16_t port = (uint16_t)(0x3B0 + off);
    switch (port) {
    case 0x3B4: case 0x3D4: return v->crtc_index;
    case 0x3B5: case 0x3D5: return v->crtc[v->crtc_index & 0x3F];
    case 0x3C0: return v->attr_index;
    case 0x3C1: return v->attr[v->attr_index & 0x1F];
    case 0x3C4: return v->seq_index;
    case 0x3C5: return v->seq[v->seq_index & 7];
    case 0x3CC: return v->misc;
    case 0x3CE: return v->gc_index;
    case 0x3CF: return v->gc[v->gc_index & 15];
    case 0x3C7: return v->dac_state;
    case 0x3C8: return v->dac_write;
    case 0x3C9: {
        uint8_t val = v->dac[v->dac_read][v->dac_comp];
        if (++v->dac_comp == 3) {
            v->dac_comp = 0;
            v->dac_read++;
        }
        return val;
    }
    case 0x3BA: case 0x3DA: {
        v->attr_flip = 0; /* reading input status resets the attribute flip-flop */
        uint64_t t = v->now ? v->now(v->now_opaque) : 0;
        uint64_t in_frame = t % FRAME_NS;
        uint8_t st = 0;
        if (in_frame < RETRACE_NS)
            st |= 0x08 | 0x01; /* vertical retrace, display disabled */
        else if ((t / 31778ull) & 1)
            st |= 0x01;        /* horizontal blanking, toggling at the line rate */
        return st;
    }
    }
    return 0xFF;
}

static void vga_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct vga *v = opaque;
    uint16_t port = (uint16_t)(0x3B0 + off);
    uint8_t b = (uint8_t)val;
    if (size == 2) { /* index and data in one word access */
        vga_write(opaque, off, val & 0xFF, 1);
        vga_write(opaque, off + 1, (val >> 8) & 0xFF, 1);
        return;
    }
    switch (port) {
    case 0x3B4: case 0x3D4: v->crtc_index = b; return;
    case 0x3B5: case 0x3D5:
        if ((v->crtc[0x11] & 0x80) && (v->crtc_index & 0x3F) < 8)
            return; /* CR0-CR7 write-protected */
        v->crtc[v->crtc_index & 0x3F] = b;
        return;
    case 0x3C0:
        if (!v->attr_flip)
            v->attr_index = b;
        else
            v->attr[v->attr_index & 0x1F] = b;
        v->attr_flip ^= 1;
        return;
    case 0x3C2: v->misc = b; return;
    case 0x3C4: v->seq_index = b; return;
    case 0x3C5: v->seq[v->seq_index & 7] = b; return;
    case 0x3CE: v->gc_index = b; return;
    case 0x3CF: v->gc[v->gc_index & 15] = b; return;
    case 0x3C7: v->dac_read = b; v->dac_comp = 0; v->dac_state = 0; return;
    case 0x3C8: v->dac_write = b; v->dac_comp = 0; v->dac_state = 3; return;
    case 0x3C9:
        v->dac[v->dac_write][v->dac_comp] = b & 0x3F;
        if (++v->dac_comp == 3) {
            v->dac_comp = 0;
            v->dac_write++;
        }
        return;
    }
}

const struct io_ops vga_ops = { vga_read, vga_write, IO_SIZE8 | IO_SIZE16 };

void vga_init(struct vga *v)
{
    uint64_t (*now)(void *) = v->now;
    void *opaque = v->now_opaque;
    memset(v, 0, sizeof(*v));
    v->now = now;
    v->now_opaque = opaque;
    v->misc = 0x67;          /* colour emulation: CRTC at 3D4h */
    v->crtc[0x0A] = 0x0D;    /* cursor start/end as the BIOS leaves them */
    v->crtc[0x0B] = 0x0E;
}

uint32_t vga_text_start(const struct vga *v)
{
    return ((uint32_t)v->crtc[0x0C] << 8 | v->crtc[0x0D]) * 2u;
}

static const struct state_field vga_fields[] = {
    STATE_FIELD(struct vga, misc, ST_U8),
    STATE_FIELD(struct vga, crtc_index, ST_U8),
    STATE_ARRAY(struct vga, crtc, ST_U8, 64),
    STATE_FIELD(struct vga, seq_index, ST_U8),
    STATE_ARRAY(struct vga, seq, ST_U8, 8),
    STATE_FIELD(struct vga, gc_index, ST_U8),
    STATE_ARRAY(struct vga, gc, ST_U8, 16),
    STATE_FIELD(struct vga, attr_index, ST_U8),
    STATE_FIELD(struct vga, attr_flip, ST_U8),
    STATE_ARRAY(struct vga, attr, ST_U8, 32),
    { "dac", offsetof(struct vga, dac), ST_BYTES, 256 * 3, 1 },
    STATE_FIELD(struct vga, dac_read, ST_U8),
    STATE_FIELD(struct vga, dac_write, ST_U8),
    STATE_FIELD(struct vga, dac_comp, ST_U8),
    STATE_FIELD(struct vga, dac_state, ST_U8),
    STATE_END
};
const struct state_table vga_state = { "vga", 1, vga_fields };
