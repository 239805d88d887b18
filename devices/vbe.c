/*
 * vbe.c - the Bochs VBE display interface ("dispi", as documented with the
 * Bochs and QEMU standard VGA): an index port at 1CEh and a 16-bit data port
 * at 1CFh.  Registers: ID (B0C0h-B0C5h accepted, B0C5h reported), XRES,
 * YRES, BPP (8, 15, 16, 24, 32), ENABLE (enabled, get-capabilities, 8-bit
 * DAC, linear frame buffer, no-clear-memory), BANK (64 KiB granules of the
 * A0000h window), VIRT_WIDTH/VIRT_HEIGHT, X/Y_OFFSET (the display start) and
 * VIDEO_MEMORY_64K (read-only).  A mode that does not fit the 16 MiB of
 * display memory, or has a zero or oversized resolution, is not enabled.
 * Left out: 4 bpp planar modes (refused like any other unsupported depth).
 */
#include <string.h>

#include "devices/vga.h"

bool vga_vbe_enabled(const struct vga *v)
{
    return (v->vbe[VBE_ENABLE] & VBE_EN_ENABLED) != 0;
}

static unsigned bytes_pp(unsigned bpp)
{
    return (bpp + 7) / 8;
}

static bool bpp_ok(unsigned bpp)
{
    return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

/* Keep the virtual size and offsets consistent with the mode and memory. */
static void vbe_fixup(struct vga *v)
{
    uint16_t *r = v->vbe;
    unsigned bpp = bpp_ok(r[VBE_BPP]) ? r[VBE_BPP] : 8;
    if (r[VBE_VIRT_WIDTH] < r[VBE_XRES])
        r[VBE_VIRT_WIDTH] = r[VBE_XRES];
    uint32_t pitch = (uint32_t)r[VBE_VIRT_WIDTH] * bytes_pp(bpp);
    uint32_t lines = pitch ? VGA_VRAM_SIZE / pitch : 0;
    if (lines > 0xFFFF)
        lines = 0xFFFF;
    r[VBE_VIRT_HEIGHT] = (uint16_t)lines;
}

static bool mode_fits(const struct vga *v)
{
    const uint16_t *r = v->vbe;
    if (!bpp_ok(r[VBE_BPP]) || r[VBE_XRES] == 0 || r[VBE_YRES] == 0 || r[VBE_XRES] > VBE_MAX_XRES ||
        r[VBE_YRES] > VBE_MAX_YRES)
        return false;
    uint64_t need = (uint64_t)r[VBE_XRES] * r[VBE_YRES] * bytes_pp(r[VBE_BPP]);
    return need <= VGA_VRAM_SIZE;
}

static uint32_t vbe_read(void *opaque, uint32_t off, int size)
{
    struct vga *v = opaque;
    if (off == 0)
        return v->vbe_index;
    if (v->vbe_index >= VBE_NREGS) /* data at 1CFh and its alias 1D0h */
        return size == 2 ? 0xFFFF : 0xFF;
    uint16_t val = v->vbe[v->vbe_index];
    if (v->vbe[VBE_ENABLE] & VBE_EN_GETCAPS) {
        if (v->vbe_index == VBE_XRES)
            val = VBE_MAX_XRES;
        else if (v->vbe_index == VBE_YRES)
            val = VBE_MAX_YRES;
        else if (v->vbe_index == VBE_BPP)
            val = 32;
    }
    return size == 2 ? val : (uint8_t)val;
}

static void vbe_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct vga *v = opaque;
    if (off == 0) {
        v->vbe_index = (uint16_t)val;
        return;
    }
    if (v->vbe_index >= VBE_NREGS)
        return;
    uint16_t *r = v->vbe;
    uint16_t w = (uint16_t)val;
    bool on = vga_vbe_enabled(v);
    switch (v->vbe_index) {
    case VBE_ID:
        if (w >= VBE_ID0 && w <= VBE_ID5)
            r[VBE_ID] = w;
        return;
    case VBE_XRES:
    case VBE_YRES:
    case VBE_BPP:
        if (!on) /* the mode registers are latched while the mode is enabled */
            r[v->vbe_index] = w;
        return;
    case VBE_BANK:
        r[VBE_BANK] = (uint16_t)(w & 0xFF); /* 256 banks of 64 KiB = 16 MiB */
        return;
    case VBE_ENABLE:
        if ((w & VBE_EN_ENABLED) && !on) {
            if (!mode_fits(v)) {
                r[VBE_ENABLE] = (uint16_t)(w & VBE_EN_GETCAPS);
                return;
            }
            r[VBE_VIRT_WIDTH] = r[VBE_XRES];
            r[VBE_X_OFFSET] = r[VBE_Y_OFFSET] = 0;
            r[VBE_BANK] = 0;
            vbe_fixup(v);
            if (!(w & VBE_EN_NOCLEAR))
                memset(v->vram, 0, VGA_VRAM_SIZE);
        }
        r[VBE_ENABLE] = (uint16_t)(w & (VBE_EN_ENABLED | VBE_EN_GETCAPS | VBE_EN_8BIT_DAC | VBE_EN_LFB |
                                        VBE_EN_NOCLEAR));
        if (!(w & VBE_EN_8BIT_DAC) && (r[VBE_ENABLE] & VBE_EN_ENABLED) == 0)
            for (int i = 0; i < 256; i++)
                for (int k = 0; k < 3; k++)
                    v->dac[i][k] &= 0x3F;
        v->all_dirty = true;
        return;
    case VBE_VIRT_WIDTH:
        r[VBE_VIRT_WIDTH] = w;
        vbe_fixup(v);
        v->all_dirty = true;
        return;
    case VBE_X_OFFSET:
    case VBE_Y_OFFSET:
        r[v->vbe_index] = w;
        v->all_dirty = true;
        return;
    default:
        return; /* VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only */
    }
}

const struct io_ops vbe_ops = { vbe_read, vbe_write, IO_SIZE8 | IO_SIZE16 };
