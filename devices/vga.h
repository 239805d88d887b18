/*
 * vga.h - the VGA (IBM VGA Technical Reference) with the Bochs VBE "dispi"
 * extension: registers (vga.c), display memory and its CPU window
 * (vga_mem.c), rendering into a host-neutral XRGB frame (vga_render.c) and
 * the VBE registers at 1CEh/1CFh (vbe.c).  See docs/vga.md.
 */
#ifndef TARSIER_VGA_H
#define TARSIER_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/io.h"
#include "machine/state.h"

#define VGA_VRAM_SIZE (16u << 20)    /* the VBE frame buffer; the VGA planes are its first 256 KiB */
#define VGA_PLANE_SIZE 0x10000u      /* 64 KiB per plane, four planes interleaved byte by byte */
#define VGA_LFB_BASE 0xE0000000u     /* where the built-in BIOS puts the frame buffer (PCI BAR0) */
#define VGA_MAX_W 1600               /* largest frame the renderer produces */
#define VGA_MAX_H 1200
#define VGA_MAX_RECTS 16
#define VGA_DIRTY_PAGES (VGA_VRAM_SIZE >> 12)

/* Bochs VBE dispi register indexes (port 1CEh selects, 1CFh reads/writes) */
enum {
    VBE_ID, VBE_XRES, VBE_YRES, VBE_BPP, VBE_ENABLE, VBE_BANK, VBE_VIRT_WIDTH, VBE_VIRT_HEIGHT,
    VBE_X_OFFSET, VBE_Y_OFFSET, VBE_VIDEO_MEMORY_64K, VBE_NREGS
};
#define VBE_ID0 0xB0C0
#define VBE_ID5 0xB0C5
#define VBE_EN_ENABLED 0x01
#define VBE_EN_GETCAPS 0x02
#define VBE_EN_8BIT_DAC 0x20
#define VBE_EN_LFB 0x40
#define VBE_EN_NOCLEAR 0x80
#define VBE_MAX_XRES VGA_MAX_W
#define VBE_MAX_YRES VGA_MAX_H

/* A changed part of the frame, in frame pixels. */
struct vga_rect {
    int x, y, w, h;
};

/* The rendered frame: XRGB8888 (0x00RRGGBB) pixels, row after row. */
struct vga_frame {
    const uint32_t *pixels;
    int width, height, stride;        /* stride in pixels */
    int nrects;                       /* changed since the previous vga_render (0: nothing) */
    struct vga_rect rects[VGA_MAX_RECTS];
};

struct vga {
    /* registers */
    uint8_t misc, feature;
    uint8_t crtc_index, crtc[64];
    uint8_t seq_index, seq[8];
    uint8_t gc_index, gc[16];
    uint8_t attr_index, attr_flip, attr[32];
    uint8_t dac[256][3];
    uint8_t dac_read, dac_write, dac_comp, dac_state, pel_mask;
    uint8_t latch[4];
    uint16_t vbe_index, vbe[VBE_NREGS];
    /* display memory: VGA_VRAM_SIZE bytes (host allocation, saved separately) */
    uint8_t *vram;
    /* derived from the registers (vga_update) */
    uint32_t win_base, win_size;      /* CPU window inside A0000-BFFFF, offsets from A0000 */
    uint8_t wfast;                    /* VGA_FAST_*: a write needs no graphics-controller logic */
    /* change tracking for the renderer */
    uint64_t dirty[VGA_DIRTY_PAGES / 64];
    bool all_dirty, font_dirty;
    unsigned blink_phase;
    /* the frame (vga_render.c) */
    uint32_t *fb;
    int fb_w, fb_h;
    struct vga_frame frame;
    /* virtual time for the retrace status and blinking (set by the board) */
    uint64_t (*now)(void *opaque);
    void *now_opaque;
};

enum { VGA_FAST_NONE, VGA_FAST_ODDEVEN, VGA_FAST_CHAIN4, VGA_FAST_PLANAR };

extern const struct io_ops vga_ops;      /* register at 0x3B0, 0x30 ports */
extern const struct io_ops vga_mem_ops;  /* MMIO at 0xA0000, 0x20000 bytes */
extern const struct io_ops vga_lfb_ops;  /* MMIO: the linear frame buffer, VGA_VRAM_SIZE bytes */
extern const struct io_ops vbe_ops;      /* register at 0x1CE, 3 ports (index, data, data alias) */
extern const struct state_table vga_state;

/* Allocate display memory and reset to the power-on state (80x25 text
 * registers); keeps now/now_opaque.  Returns 0 or -1 (out of memory). */
int vga_init(struct vga *v);
void vga_free(struct vga *v);
/* Recompute the derived fields after a register change (or a load). */
void vga_update(struct vga *v);
/* Byte offset into the text buffer of the first displayed character. */
uint32_t vga_text_start(const struct vga *v);
/* A text cell as the CPU sees it at B8000h+off (char | attr << 8), without
 * touching the latches (text dumps). */
uint16_t vga_text_peek(const struct vga *v, uint32_t off);
/* Mark display memory [off, off+len) (VRAM byte offsets) as changed. */
static inline void vga_mark(struct vga *v, uint32_t off)
{
    uint32_t p = (off >> 12) & (VGA_DIRTY_PAGES - 1);
    v->dirty[p >> 6] |= 1ull << (p & 63);
}
bool vga_vbe_enabled(const struct vga *v);

/* Render the current frame (only what changed since the last call) and
 * return it; the pixels stay valid until the next call or vga_free. */
const struct vga_frame *vga_render(struct vga *v);
/* Render and write the frame as a PNG file; 0 or -1 with a message. */
int vga_screendump(struct vga *v, const char *path, char *err, size_t errlen);

#endif
