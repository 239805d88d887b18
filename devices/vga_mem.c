/*
 * vga_mem.c - VGA display memory as the CPU sees it (IBM VGA Technical
 * Reference, graphics controller and sequencer memory mode): four 64 KiB
 * planes stored interleaved (plane p of address a at vram[4a + p]), the
 * A0000h-BFFFFh window chosen by the memory map select, chain-4 (plane = A1:0,
 * plane address = A & ~3), odd/even (plane = A0, plane address = A & ~1,
 * reads per the graphics mode register), write modes 0-3 with data rotate,
 * logical function, set/reset, enable set/reset and bit mask, the map mask,
 * the four latches, and read modes 0 (read map select) and 1 (colour compare
 * with colour don't care).  Under the Bochs VBE the window is a 64 KiB bank
 * of the linear frame buffer, which is also mapped whole (vga_lfb_ops).
 * Writes in the plain states (text, mode 13h, planar with the default
 * graphics controller) take a fast path.
 * Left out: the odd/even page select bit of the miscellaneous output
 * register (plane address bit 0 stays 0), and 4-bit planar VBE modes.
 */
#include "devices/vga.h"

static uint32_t rotate(uint8_t val, unsigned n)
{
    n &= 7;
    return (uint8_t)((val >> n) | (val << ((8 - n) & 7)));
}

static uint32_t expand(unsigned bits4) /* one byte of all ones per set plane bit */
{
    return (bits4 & 1 ? 0xFFu : 0) | (bits4 & 2 ? 0xFF00u : 0) | (bits4 & 4 ? 0xFF0000u : 0) |
           (bits4 & 8 ? 0xFF000000u : 0);
}

static uint32_t latch32(const struct vga *v)
{
    return (uint32_t)v->latch[0] | (uint32_t)v->latch[1] << 8 | (uint32_t)v->latch[2] << 16 |
           (uint32_t)v->latch[3] << 24;
}

static void write_planes(struct vga *v, uint32_t addr, uint32_t data, unsigned mask)
{
    uint8_t *p = v->vram + (size_t)(addr & 0xFFFF) * 4;
    for (int k = 0; k < 4; k++)
        if (mask & (1u << k))
            p[k] = (uint8_t)(data >> (8 * k));
    vga_mark(v, (addr & 0xFFFF) * 4);
}

/* The graphics controller's write data path (write modes 0-3). */
static void gc_write(struct vga *v, uint32_t addr, uint8_t val, unsigned mask)
{
    uint32_t latch = latch32(v), data, bitmask = v->gc[8];
    unsigned mode = v->gc[5] & 3;
    switch (mode) {
    case 0:
        data = rotate(val, v->gc[3]) * 0x01010101u;
        data = (data & ~expand(v->gc[1])) | (expand(v->gc[0]) & expand(v->gc[1]));
        break;
    case 1:
        write_planes(v, addr, latch, mask);
        return;
    case 2:
        data = expand(val & 0x0F);
        break;
    default:
        bitmask &= rotate(val, v->gc[3]);
        data = expand(v->gc[0]);
        break;
    }
    if (mode != 1) {
        switch ((v->gc[3] >> 3) & 3) {
        case 1: data &= latch; break;
        case 2: data |= latch; break;
        case 3: data ^= latch; break;
        }
        uint32_t bm = bitmask * 0x01010101u;
        data = (data & bm) | (latch & ~bm);
    }
    write_planes(v, addr, data, mask);
}

static void window_write8(struct vga *v, uint32_t off, uint8_t val)
{
    if (vga_vbe_enabled(v)) {
        if (off < 0x10000) {
            uint32_t a = ((uint32_t)v->vbe[VBE_BANK] << 16) + off;
            if (a < VGA_VRAM_SIZE) {
                v->vram[a] = val;
                vga_mark(v, a);
            }
        }
        return;
    }
    off -= v->win_base;
    if (off >= v->win_size)
        return;
    unsigned mapmask = v->seq[2] & 0x0F;
    uint32_t addr;
    unsigned mask;
    switch (v->wfast) {
    case VGA_FAST_ODDEVEN:
        if (mapmask & (1u << (off & 1))) {
            uint32_t a = (off & 0xFFFE) * 4 + (off & 1);
            v->vram[a] = val;
            vga_mark(v, a);
        }
        if (!(mapmask & (4u << (off & 1))))
            return;
        break; /* planes 2/3 too: the general path */
    case VGA_FAST_CHAIN4:
        if (mapmask & (1u << (off & 3))) {
            uint32_t a = (off & 0xFFFC) * 4 + (off & 3);
            v->vram[a] = val;
            vga_mark(v, a);
        }
        return;
    case VGA_FAST_PLANAR:
        if (mapmask == 0x0F) {
            uint32_t a = (off & 0xFFFF) * 4;
            v->vram[a] = v->vram[a + 1] = v->vram[a + 2] = v->vram[a + 3] = val;
            vga_mark(v, a);
            return;
        }
        break;
    }
    if (v->seq[4] & 0x08) {
        addr = off & ~3u;
        mask = mapmask & (1u << (off & 3));
    } else if (!(v->seq[4] & 0x04)) {
        addr = off & ~1u;
        mask = mapmask & ((off & 1) ? 0x0A : 0x05);
    } else {
        addr = off;
        mask = mapmask;
    }
    if (mask & 4)
        v->font_dirty = true;
    if (mask)
        gc_write(v, addr, val, mask);
}

static uint8_t window_read8(struct vga *v, uint32_t off)
{
    if (vga_vbe_enabled(v)) {
        uint32_t a = ((uint32_t)v->vbe[VBE_BANK] << 16) + off;
        return off < 0x10000 && a < VGA_VRAM_SIZE ? v->vram[a] : 0xFF;
    }
    off -= v->win_base;
    if (off >= v->win_size)
        return 0xFF;
    uint32_t addr;
    unsigned plane;
    if (v->seq[4] & 0x08) {
        addr = off & ~3u;
        plane = off & 3;
    } else if (v->gc[5] & 0x10) {
        addr = off & ~1u;
        plane = (v->gc[4] & 2) | (off & 1);
    } else {
        addr = off;
        plane = v->gc[4] & 3;
    }
    const uint8_t *p = v->vram + (size_t)(addr & 0xFFFF) * 4;
    for (int k = 0; k < 4; k++)
        v->latch[k] = p[k];
    if (!(v->gc[5] & 0x08))
        return p[plane];
    /* read mode 1: colour compare over the planes that are not "don't care" */
    uint8_t r = 0xFF;
    for (int k = 0; k < 4; k++)
        if (v->gc[7] & (1u << k))
            r &= (uint8_t)~(p[k] ^ ((v->gc[2] >> k) & 1 ? 0xFF : 0x00));
    return r;
}

static uint32_t mem_read(void *opaque, uint32_t off, int size)
{
    struct vga *v = opaque;
    uint32_t r = 0;
    for (int k = 0; k < size; k++)
        r |= (uint32_t)window_read8(v, off + (uint32_t)k) << (8 * k);
    return r;
}

static void mem_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct vga *v = opaque;
    for (int k = 0; k < size; k++)
        window_write8(v, off + (uint32_t)k, (uint8_t)(val >> (8 * k)));
}

const struct io_ops vga_mem_ops = { mem_read, mem_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

static uint32_t lfb_read(void *opaque, uint32_t off, int size)
{
    struct vga *v = opaque;
    uint32_t r = 0;
    for (int k = 0; k < size; k++) {
        uint32_t a = off + (uint32_t)k;
        r |= (uint32_t)(a < VGA_VRAM_SIZE ? v->vram[a] : 0xFF) << (8 * k);
    }
    return r;
}

static void lfb_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct vga *v = opaque;
    if (off + (uint32_t)size <= VGA_VRAM_SIZE && off + (uint32_t)size > off) {
        uint8_t *p = v->vram + off;
        for (int k = 0; k < size; k++)
            p[k] = (uint8_t)(val >> (8 * k));
        vga_mark(v, off);
        vga_mark(v, off + (uint32_t)size - 1);
    }
}

const struct io_ops vga_lfb_ops = { lfb_read, lfb_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

uint16_t vga_text_peek(const struct vga *v, uint32_t off)
{
    uint32_t a = off & 0xFFFE;
    if (v->seq[4] & 0x04) /* not odd/even: a plain plane-0/1 byte pair */
        return (uint16_t)(v->vram[(size_t)a * 4] | v->vram[(size_t)(a + 1) * 4] << 8);
    return (uint16_t)(v->vram[(size_t)a * 4] | v->vram[(size_t)a * 4 + 1] << 8);
}
