/*
 * vga.c - the VGA registers (IBM VGA Technical Reference): CRT controller at
 * 3D4h/3D5h or 3B4h/3B5h and input status 1 at 3DAh or 3BAh (colour or
 * monochrome addressing per miscellaneous output bit 0; the other pair does
 * not answer), sequencer 3C4h/3C5h, graphics controller 3CEh/3CFh, attribute
 * controller 3C0h/3C1h with its index/data flip-flop (reset by reading input
 * status 1), miscellaneous output 3C2h (read at 3CCh), feature control
 * 3BAh/3DAh (read at 3CAh), input status 0 at 3C2h, video subsystem enable
 * 3C3h, and the DAC: PEL mask 3C6h, read index 3C7h (reads back the DAC
 * state), write index 3C8h, data 3C9h with its three-step auto-increment and
 * 6-bit values (8-bit under the VBE 8-bit DAC switch).  Vertical retrace and
 * display enable are timed from the virtual clock at 70 Hz.
 * Left out: the CRTC's horizontal timing (only the displayed widths are
 * used), the light pen, vertical retrace interrupts, and the monitor sense
 * bit (input status 0 reads 0).
 */
#include <stdlib.h>
#include <string.h>

#include "devices/vga.h"

#define FRAME_NS 14285714ull  /* 70 Hz */
#define RETRACE_NS 1000000ull /* vertical retrace lasts about 1 ms of each frame */
#define LINE_NS 31778ull      /* 31.5 kHz horizontal rate */

static bool crtc_port(const struct vga *v, uint16_t port)
{
    return (port & 0xFF0) == ((v->misc & 1) ? 0x3D0 : 0x3B0);
}

static uint8_t input_status1(struct vga *v)
{
    v->attr_flip = 0; /* reading input status 1 resets the attribute flip-flop */
    uint64_t t = v->now ? v->now(v->now_opaque) : 0;
    uint64_t in_frame = t % FRAME_NS;
    uint8_t st = 0;
    if (in_frame < RETRACE_NS)
        st |= 0x08 | 0x01; /* vertical retrace, display disabled */
    else if ((t / (LINE_NS / 2)) & 1)
        st |= 0x01;        /* horizontal blanking, toggling at the line rate */
    return st;
}

static uint32_t vga_read(void *opaque, uint32_t off, int size)
{
    struct vga *v = opaque;
    uint16_t port = (uint16_t)(0x3B0 + off);
    if (size == 2)
        return vga_read(opaque, off, 1) | vga_read(opaque, off + 1, 1) << 8;
    switch (port) {
    case 0x3B4: case 0x3D4: return crtc_port(v, port) ? v->crtc_index : 0xFF;
    case 0x3B5: case 0x3D5: return crtc_port(v, port) ? v->crtc[v->crtc_index & 0x3F] : 0xFF;
    case 0x3BA: case 0x3DA: return crtc_port(v, port) ? input_status1(v) : 0xFF;
    case 0x3C0: return v->attr_index;
    case 0x3C1: return v->attr[v->attr_index & 0x1F];
    case 0x3C2: return 0x00;
    case 0x3C3: return 0x01;
    case 0x3C4: return v->seq_index;
    case 0x3C5: return v->seq[v->seq_index & 7];
    case 0x3C6: return v->pel_mask;
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
    case 0x3CA: return v->feature;
    case 0x3CC: return v->misc;
    case 0x3CE: return v->gc_index;
    case 0x3CF: return v->gc[v->gc_index & 15];
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
    case 0x3B4: case 0x3D4:
        if (crtc_port(v, port))
            v->crtc_index = b;
        return;
    case 0x3B5: case 0x3D5: {
        unsigned i = v->crtc_index & 0x3F;
        if (!crtc_port(v, port) || ((v->crtc[0x11] & 0x80) && i < 8 && i != 7))
            return; /* CR0-CR6 write-protected (CR7 keeps its line compare bit writable) */
        if ((v->crtc[0x11] & 0x80) && i == 7)
            b = (uint8_t)((v->crtc[7] & ~0x10) | (b & 0x10));
        if (v->crtc[i] == b)
            return;
        v->crtc[i] = b;
        v->all_dirty = true;
        return;
    }
    case 0x3BA: case 0x3DA:
        if (crtc_port(v, port))
            v->feature = b;
        return;
    case 0x3C0:
        if (!v->attr_flip) {
            if ((v->attr_index ^ b) & 0x20)
                v->all_dirty = true; /* palette address source: display on/off */
            v->attr_index = b & 0x3F;
        } else if ((v->attr_index & 0x1F) < 0x15 && v->attr[v->attr_index & 0x1F] != b) {
            v->attr[v->attr_index & 0x1F] = b;
            v->all_dirty = true;
        }
        v->attr_flip ^= 1;
        return;
    case 0x3C2:
        v->misc = b;
        vga_update(v);
        return;
    case 0x3C4: v->seq_index = b; return;
    case 0x3C5:
        if ((v->seq_index & 7) == 2 && (b & 4))
            v->font_dirty = true;
        v->seq[v->seq_index & 7] = b;
        v->all_dirty = true;
        vga_update(v);
        return;
    case 0x3C6:
        if (v->pel_mask != b)
            v->all_dirty = true;
        v->pel_mask = b;
        return;
    case 0x3CE: v->gc_index = b; return;
    case 0x3CF:
        v->gc[v->gc_index & 15] = b;
        if ((v->gc_index & 15) >= 5)
            v->all_dirty = true;
        vga_update(v);
        return;
    case 0x3C7: v->dac_read = b; v->dac_comp = 0; v->dac_state = 3; return;
    case 0x3C8: v->dac_write = b; v->dac_comp = 0; v->dac_state = 0; return;
    case 0x3C9:
        v->dac[v->dac_write][v->dac_comp] = (v->vbe[VBE_ENABLE] & VBE_EN_8BIT_DAC) ? b : b & 0x3F;
        v->all_dirty = true;
        if (++v->dac_comp == 3) {
            v->dac_comp = 0;
            v->dac_write++;
        }
        return;
    }
}

const struct io_ops vga_ops = { vga_read, vga_write, IO_SIZE8 | IO_SIZE16 };

void vga_update(struct vga *v)
{
    static const uint32_t base[4] = { 0, 0, 0x10000, 0x18000 };
    static const uint32_t size[4] = { 0x20000, 0x10000, 0x8000, 0x8000 };
    unsigned map = (v->gc[6] >> 2) & 3;
    v->win_base = base[map];
    v->win_size = size[map];
    /* graphics-controller state in which a CPU byte lands unchanged */
    bool plain = (v->gc[5] & 3) == 0 && (v->gc[1] & 0x0F) == 0 && (v->gc[3] & 0x1F) == 0 && v->gc[8] == 0xFF;
    v->wfast = VGA_FAST_NONE;
    if (plain) {
        if (v->seq[4] & 0x08)
            v->wfast = VGA_FAST_CHAIN4;
        else if (!(v->seq[4] & 0x04))
            v->wfast = VGA_FAST_ODDEVEN;
        else
            v->wfast = VGA_FAST_PLANAR;
    }
}

/* Power-on: the 80x25 colour text registers (mode 03h) and the EGA palette. */
int vga_init(struct vga *v)
{
    static const uint8_t seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
    static const uint8_t crtc[25] = { 0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
                                      0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF };
    static const uint8_t gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF };
    static const uint8_t attr[21] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
                                      0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00 };
    uint64_t (*now)(void *) = v->now;
    void *opaque = v->now_opaque;
    uint8_t *vram = v->vram;
    uint32_t *fb = v->fb;
    memset(v, 0, sizeof(*v));
    v->now = now;
    v->now_opaque = opaque;
    v->vram = vram ? vram : calloc(1, VGA_VRAM_SIZE);
    v->fb = fb ? fb : calloc((size_t)VGA_MAX_W * VGA_MAX_H, sizeof(uint32_t));
    if (!v->vram || !v->fb) {
        vga_free(v);
        return -1;
    }
    memset(v->vram, 0, VGA_VRAM_SIZE);
    v->misc = 0x67;
    memcpy(v->seq, seq, sizeof(seq));
    memcpy(v->crtc, crtc, sizeof(crtc));
    memcpy(v->gc, gc, sizeof(gc));
    memcpy(v->attr, attr, sizeof(attr));
    v->attr_index = 0x20;
    v->pel_mask = 0xFF;
    for (int i = 0; i < 64; i++) { /* rgbRGB: secondary bits weigh 15h, primary 2Ah */
        v->dac[i][0] = (uint8_t)(((i >> 2) & 1) * 0x2A + ((i >> 5) & 1) * 0x15);
        v->dac[i][1] = (uint8_t)(((i >> 1) & 1) * 0x2A + ((i >> 4) & 1) * 0x15);
        v->dac[i][2] = (uint8_t)((i & 1) * 0x2A + ((i >> 3) & 1) * 0x15);
    }
    v->vbe[VBE_ID] = VBE_ID5;
    v->vbe[VBE_VIDEO_MEMORY_64K] = VGA_VRAM_SIZE >> 16;
    v->all_dirty = v->font_dirty = true;
    vga_update(v);
    return 0;
}

void vga_free(struct vga *v)
{
    free(v->vram);
    free(v->fb);
    v->vram = NULL;
    v->fb = NULL;
}

uint32_t vga_text_start(const struct vga *v)
{
    return ((uint32_t)v->crtc[0x0C] << 8 | v->crtc[0x0D]) * 2u;
}

static const struct state_field vga_fields[] = {
    STATE_FIELD(struct vga, misc, ST_U8),
    STATE_FIELD(struct vga, feature, ST_U8),
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
    STATE_FIELD(struct vga, pel_mask, ST_U8),
    STATE_ARRAY(struct vga, latch, ST_U8, 4),
    STATE_FIELD(struct vga, vbe_index, ST_U16),
    STATE_ARRAY(struct vga, vbe, ST_U16, VBE_NREGS),
    STATE_END
};
const struct state_table vga_state = { "vga", 2, vga_fields };
