/*
 * int10_mode.c - the built-in video BIOS's mode set (INT 10h AH=00h) with the
 * standard VGA register tables for modes 00h-07h and 0Dh-13h (the values of
 * the IBM VGA Technical Reference's parameter tables), font loading into
 * plane 2 (AH=11h) from the project's own fonts (bios/vga_font.c), the
 * palette and DAC calls (AH=10h), alternate select (AH=12h), display
 * combination (AH=1Ah) and functionality/state information (AH=1Bh).
 * Left out: save/restore state (AH=1Ch), the 200/350-line selections of
 * AH=12h BL=30h (accepted, ignored), light pen.
 */
#include <string.h>

#include "bios/int10.h"
#include "bios/vga_font.h"

#define TEXT_ATTR { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, \
                    0x0C, 0x00, 0x0F, 0x08 }
#define EGA_ATTR { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, \
                   0x01, 0x00, 0x0F, 0x00 }
#define LOW_ATTR { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, \
                   0x01, 0x00, 0x0F, 0x00 }
#define CRTC40 { 0x2D, 0x27, 0x28, 0x90, 0x2B, 0xA0, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, \
                 0x9C, 0x8E, 0x8F, 0x14, 0x1F, 0x96, 0xB9, 0xA3, 0xFF }
#define CRTC80 { 0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, \
                 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF }
#define CRTC_CGA40 { 0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
                     0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF }
#define CRTC_0D { 0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
                  0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xE3, 0xFF }
#define CRTC_0E { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
                  0x9C, 0x8E, 0x8F, 0x28, 0x00, 0x96, 0xB9, 0xE3, 0xFF }
#define CRTC_350 { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
                   0x83, 0x85, 0x5D, 0x28, 0x0F, 0x63, 0xBA, 0xE3, 0xFF }
#define CRTC_480 { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
                   0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF }
#define GC_TEXT { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF }
#define GC_PLANAR { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF }

static const struct vmode modes[] = {
    { 0x00, VK_TEXT, 16, 40, 360, 400, 0x67, { 0x08, 0x03, 0x00, 0x02 }, CRTC40, TEXT_ATTR, GC_TEXT },
    { 0x01, VK_TEXT, 16, 40, 360, 400, 0x67, { 0x08, 0x03, 0x00, 0x02 }, CRTC40, TEXT_ATTR, GC_TEXT },
    { 0x02, VK_TEXT, 16, 80, 720, 400, 0x67, { 0x00, 0x03, 0x00, 0x02 }, CRTC80, TEXT_ATTR, GC_TEXT },
    { 0x03, VK_TEXT, 16, 80, 720, 400, 0x67, { 0x00, 0x03, 0x00, 0x02 }, CRTC80, TEXT_ATTR, GC_TEXT },
    { 0x04, VK_CGA4, 8, 40, 320, 200, 0x63, { 0x09, 0x03, 0x00, 0x02 }, CRTC_CGA40,
      { 0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x01, 0x00,
        0x03, 0x00 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x00, 0xFF } },
    { 0x05, VK_CGA4, 8, 40, 320, 200, 0x63, { 0x09, 0x03, 0x00, 0x02 }, CRTC_CGA40,
      { 0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x01, 0x00,
        0x03, 0x00 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x00, 0xFF } },
    { 0x06, VK_CGA2, 8, 80, 640, 200, 0x63, { 0x01, 0x01, 0x00, 0x06 },
      { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
        0x8F, 0x28, 0x00, 0x96, 0xB9, 0xC2, 0xFF },
      { 0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x01, 0x00,
        0x01, 0x00 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0D, 0x00, 0xFF } },
    { 0x07, VK_MONO, 16, 80, 720, 400, 0x66, { 0x00, 0x03, 0x00, 0x02 },
      { 0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
        0x8F, 0x28, 0x0F, 0x96, 0xB9, 0xA3, 0xFF },
      { 0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x10, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, 0x0E, 0x00,
        0x0F, 0x08 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0A, 0x00, 0xFF } },
    { 0x0D, VK_PLANAR, 8, 40, 320, 200, 0x63, { 0x09, 0x0F, 0x00, 0x06 }, CRTC_0D, LOW_ATTR, GC_PLANAR },
    { 0x0E, VK_PLANAR, 8, 80, 640, 200, 0x63, { 0x01, 0x0F, 0x00, 0x06 }, CRTC_0E, LOW_ATTR, GC_PLANAR },
    { 0x0F, VK_PLANAR, 14, 80, 640, 350, 0xA2, { 0x01, 0x0F, 0x00, 0x06 }, CRTC_350,
      { 0x00, 0x08, 0x00, 0x00, 0x18, 0x18, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x0B, 0x00,
        0x05, 0x00 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x05, 0xFF } },
    { 0x10, VK_PLANAR, 14, 80, 640, 350, 0xA3, { 0x01, 0x0F, 0x00, 0x06 }, CRTC_350, EGA_ATTR, GC_PLANAR },
    { 0x11, VK_PLANAR, 16, 80, 640, 480, 0xE3, { 0x01, 0x0F, 0x00, 0x06 },
      { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xEA, 0x8C,
        0xDF, 0x28, 0x00, 0xE7, 0x04, 0xC3, 0xFF },
      { 0x00, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x01, 0x00,
        0x0F, 0x00 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0xFF } },
    { 0x12, VK_PLANAR, 16, 80, 640, 480, 0xE3, { 0x01, 0x0F, 0x00, 0x06 }, CRTC_480, EGA_ATTR, GC_PLANAR },
    { 0x13, VK_LINEAR8, 8, 40, 320, 200, 0x63, { 0x01, 0x0F, 0x00, 0x0E },
      { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
        0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF },
      { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00,
        0x0F, 0x00 },
      { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF } },
};

const struct vmode *int10_find_mode(uint8_t mode)
{
    for (unsigned k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
        if (modes[k].mode == mode)
            return &modes[k];
    return NULL;
}

const struct vmode *int10_cur_mode(struct bios *b)
{
    const struct vmode *m = int10_find_mode(bios_rd8(b, BDA + 0x49));
    return m ? m : &modes[3];
}

/* ---- DAC ---- */

static void dac_set(struct bios *b, unsigned i, uint8_t r, uint8_t g, uint8_t bl)
{
    vga_out(b, 0x3C8, (uint8_t)i);
    vga_out(b, 0x3C9, r);
    vga_out(b, 0x3C9, g);
    vga_out(b, 0x3C9, bl);
}

static void ega_rgb(unsigned i, uint8_t rgb[3])
{
    rgb[0] = (uint8_t)(((i >> 2) & 1) * 0x2A + ((i >> 5) & 1) * 0x15);
    rgb[1] = (uint8_t)(((i >> 1) & 1) * 0x2A + ((i >> 4) & 1) * 0x15);
    rgb[2] = (uint8_t)((i & 1) * 0x2A + ((i >> 3) & 1) * 0x15);
}

/* kind: VK_LINEAR8 the default 256-colour palette, VK_MONO grey levels,
 * VK_CGA4 the CGA-compatible 64 entries of the 200-line modes (bit 4
 * intensity, bits 2-0 RGB, entry 6 brown), anything else the 64-colour EGA
 * palette (rgbRGB). */
void int10_load_dac(struct bios *b, int kind)
{
    uint8_t rgb[3];
    if (kind == VK_CGA4) {
        for (unsigned i = 0; i < 64; i++) {
            uint8_t in = (i & 0x10) ? 0x15 : 0;
            uint8_t g = (i & 2) ? ((i & 7) == 6 && !in ? 0x15 : 0x2A) : 0;
            dac_set(b, i, (uint8_t)(((i & 4) ? 0x2A : 0) + in), (uint8_t)(g + in), (uint8_t)(((i & 1) ? 0x2A : 0) + in));
        }
        return;
    }
    if (kind == VK_MONO) {
        for (unsigned i = 0; i < 64; i++) {
            uint8_t l = (uint8_t)(((i >> 3) & 1) * 0x2A + ((i >> 4) & 1) * 0x15);
            dac_set(b, i, l, l, l);
        }
        return;
    }
    if (kind != VK_LINEAR8) {
        for (unsigned i = 0; i < 64; i++) {
            ega_rgb(i, rgb);
            dac_set(b, i, rgb[0], rgb[1], rgb[2]);
        }
        return;
    }
    static const uint8_t cga[16] = { 0, 1, 2, 3, 4, 5, 20, 7, 56, 57, 58, 59, 60, 61, 62, 63 };
    static const uint8_t grey[16] = { 0, 5, 8, 11, 14, 17, 20, 24, 28, 32, 36, 40, 45, 50, 56, 63 };
    static const uint8_t lv[9][5] = { { 0, 16, 31, 47, 63 }, { 31, 39, 47, 55, 63 }, { 45, 49, 54, 58, 63 },
                                      { 0, 7, 14, 21, 28 },  { 14, 17, 21, 24, 28 }, { 20, 22, 24, 26, 28 },
                                      { 0, 4, 8, 12, 16 },   { 8, 10, 12, 14, 16 },  { 11, 12, 13, 15, 16 } };
    unsigned n = 0;
    for (unsigned i = 0; i < 16; i++) {
        ega_rgb(cga[i], rgb);
        dac_set(b, n++, rgb[0], rgb[1], rgb[2]);
    }
    for (unsigned i = 0; i < 16; i++, n++)
        dac_set(b, n, grey[i], grey[i], grey[i]);
    for (unsigned g = 0; g < 9; g++) {
        const uint8_t *L = lv[g];
        /* the hue circle: blue, magenta, red, yellow, green, cyan, back to blue */
        for (unsigned h = 0; h < 24; h++, n++) {
            unsigned seg = h / 4, s = h % 4;
            uint8_t r = 0, gg = 0, bb = 0;
            switch (seg) {
            case 0: r = L[s]; gg = L[0]; bb = L[4]; break;
            case 1: r = L[4]; gg = L[0]; bb = L[4 - s]; break;
            case 2: r = L[4]; gg = L[s]; bb = L[0]; break;
            case 3: r = L[4 - s]; gg = L[4]; bb = L[0]; break;
            case 4: r = L[0]; gg = L[4]; bb = L[s]; break;
            default: r = L[0]; gg = L[4 - s]; bb = L[4]; break;
            }
            dac_set(b, n, r, gg, bb);
        }
    }
    for (; n < 256; n++)
        dac_set(b, n, 0, 0, 0);
}

/* ---- fonts ---- */

/* Copy glyphs into plane 2 (32 bytes a glyph, character map block 0-7). */
void int10_load_font(struct bios *b, const uint8_t *font, unsigned h, unsigned first, unsigned count,
                     unsigned block)
{
    static const uint16_t block_off[8] = { 0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000 };
    uint8_t sr2, sr4, gc4, gc5, gc6;
    vga_out(b, 0x3C4, 2); sr2 = vga_in(b, 0x3C5);
    vga_out(b, 0x3C4, 4); sr4 = vga_in(b, 0x3C5);
    vga_out(b, 0x3CE, 4); gc4 = vga_in(b, 0x3CF);
    vga_out(b, 0x3CE, 5); gc5 = vga_in(b, 0x3CF);
    vga_out(b, 0x3CE, 6); gc6 = vga_in(b, 0x3CF);
    vga_idx(b, 0x3C4, 2, 0x04);  /* plane 2 only */
    vga_idx(b, 0x3C4, 4, 0x07);  /* sequential addressing */
    vga_idx(b, 0x3CE, 4, 0x02);
    vga_idx(b, 0x3CE, 5, 0x00);
    vga_idx(b, 0x3CE, 6, 0x04);  /* A0000h, 64 KiB, no odd/even */
    uint32_t base = 0xA0000u + block_off[block & 7];
    if (h > 32)
        h = 32;
    for (unsigned k = 0; k < count && first + k < 256; k++)
        for (unsigned r = 0; r < 32; r++)
            memmap_write(b->mem, base + (first + k) * 32 + r, r < h ? font[k * h + r] : 0, 1);
    vga_idx(b, 0x3C4, 2, sr2);
    vga_idx(b, 0x3C4, 4, sr4);
    vga_idx(b, 0x3CE, 4, gc4);
    vga_idx(b, 0x3CE, 5, gc5);
    vga_idx(b, 0x3CE, 6, gc6);
}

static const uint8_t *rom_font(unsigned h)
{
    return h == 8 ? vga_font8x8 : h == 14 ? vga_font8x14 : vga_font8x16;
}

static uint16_t rom_font_off(unsigned h)
{
    return h == 8 ? VROM_FONT8 : h == 14 ? VROM_FONT14 : VROM_FONT16;
}

/* ---- mode set ---- */

static void set_attr(struct bios *b, unsigned idx, uint8_t v)
{
    vga_in(b, 0x3DA);
    vga_in(b, 0x3BA);
    vga_out(b, 0x3C0, (uint8_t)idx);
    vga_out(b, 0x3C0, v);
    vga_out(b, 0x3C0, 0x20);
}

static void clear_memory(struct bios *b, const struct vmode *m)
{
    if (m->kind == VK_TEXT || m->kind == VK_MONO) {
        uint32_t base = m->kind == VK_MONO ? 0xB0000 : 0xB8000;
        for (uint32_t a = 0; a < 0x8000; a += 2)
            memmap_write(b->mem, base + a, 0x0720, 2);
    } else if (m->kind == VK_CGA4 || m->kind == VK_CGA2) {
        for (uint32_t a = 0; a < 0x8000; a += 4)
            memmap_write(b->mem, 0xB8000 + a, 0, 4);
    } else { /* planar / chained: all planes through the map mask 0Fh */
        for (uint32_t a = 0; a < 0x10000; a += 4)
            memmap_write(b->mem, 0xA0000 + a, 0, 4);
    }
}

int int10_set_mode(struct bios *b, uint8_t al)
{
    const struct vmode *m = int10_find_mode(al & 0x7F);
    if (!m)
        return -1;
    portbus_out(b->io, 0x1CE, 4, 2); /* Bochs VBE ENABLE = 0: leave any VBE mode */
    portbus_out(b->io, 0x1CF, 0, 2);
    uint16_t crtc = m->kind == VK_MONO ? 0x3B4 : 0x3D4;
    vga_idx(b, 0x3C4, 0, 0x01); /* synchronous reset while the clocks change */
    vga_out(b, 0x3C2, m->misc);
    for (unsigned i = 0; i < 4; i++)
        vga_idx(b, 0x3C4, (uint8_t)(i + 1), m->seq[i] | (i == 0 ? 0x20 : 0)); /* screen off while loading */
    vga_idx(b, 0x3C4, 0, 0x03);
    vga_idx(b, crtc, 0x11, 0x00); /* unlock CR0-CR7 */
    for (unsigned i = 0; i < 25; i++)
        vga_idx(b, crtc, (uint8_t)i, m->crtc[i]);
    for (unsigned i = 0; i < 9; i++)
        vga_idx(b, 0x3CE, (uint8_t)i, m->gc[i]);
    vga_in(b, (uint16_t)(crtc + 6));
    for (unsigned i = 0; i < 20; i++) {
        vga_out(b, 0x3C0, (uint8_t)i);
        vga_out(b, 0x3C0, m->attr[i]);
    }
    vga_out(b, 0x3C0, 0x14);
    vga_out(b, 0x3C0, 0x00);
    vga_out(b, 0x3C6, 0xFF);
    bool cga = m->kind == VK_CGA4 || m->kind == VK_CGA2 || (m->kind == VK_PLANAR && m->height == 200);
    int10_load_dac(b, m->kind == VK_LINEAR8 || m->kind == VK_MONO ? m->kind : cga ? VK_CGA4 : VK_PLANAR);
    if (!(al & 0x80))
        clear_memory(b, m);
    if (m->kind == VK_TEXT || m->kind == VK_MONO) {
        int10_load_font(b, vga_font8x16, 16, 0, 256, 0);
        vga_idx(b, 0x3C4, 3, 0x00);
    }
    vga_in(b, (uint16_t)(crtc + 6));
    vga_out(b, 0x3C0, 0x20); /* palette address source: display on */
    vga_idx(b, 0x3C4, 1, m->seq[0]);
    /* the BIOS data area */
    unsigned rows = m->height / m->char_h;
    uint16_t page = m->kind == VK_TEXT || m->kind == VK_MONO ? (m->cols == 40 ? 0x800 : 0x1000)
                  : m->kind == VK_LINEAR8 ? 0xFA00 : m->kind == VK_PLANAR ? (uint16_t)(m->width / 8 * m->height)
                                                                        : 0x4000;
    bios_wr8(b, BDA + 0x49, m->mode);
    bios_wr16(b, BDA + 0x4A, m->cols);
    bios_wr16(b, BDA + 0x4C, page);
    bios_wr16(b, BDA + 0x4E, 0);
    for (unsigned p = 0; p < 8; p++)
        bios_wr16(b, BDA + 0x50 + 2 * p, 0);
    bios_wr16(b, BDA + 0x60, m->kind == VK_TEXT || m->kind == VK_MONO ? 0x0E0D : 0);
    bios_wr8(b, BDA + 0x62, 0);
    bios_wr16(b, BDA + 0x63, crtc);
    bios_wr8(b, BDA + 0x65, m->kind == VK_TEXT ? 0x29 : m->kind == VK_MONO ? 0x29 : 0x1E);
    bios_wr8(b, BDA + 0x66, m->kind == VK_CGA4 ? 0x30 : 0x3F);
    bios_wr8(b, BDA + 0x84, (uint8_t)(rows - 1));
    bios_wr16(b, BDA + 0x85, m->char_h);
    bios_wr8(b, BDA + 0x87, (uint8_t)(0x60 | (al & 0x80)));
    bios_wr8(b, BDA + 0x88, 0x09);
    bios_wr8(b, BDA + 0x89, 0x51);
    bios_wr8(b, BDA + 0x8A, 0x08);
    uint16_t equip = bios_rd16(b, BDA + 0x10);
    bios_wr16(b, BDA + 0x10, (uint16_t)((equip & ~0x30u) | (m->kind == VK_MONO ? 0x30 : 0x20)));
    /* the graphics character set for this mode (INT 43h) and the upper 8x8 half (INT 1Fh) */
    bios_wr32(b, 0x43 * 4, 0xF0000000u | rom_font_off(m->kind == VK_TEXT || m->kind == VK_MONO ? 8 : m->char_h));
    bios_wr32(b, 0x1F * 4, 0xF0000000u | (VROM_FONT8 + 128 * 8));
    return 0;
}

/* ---- AH=10h: palette registers and the DAC ---- */

static uint8_t get_attr(struct bios *b, unsigned idx)
{
    vga_in(b, 0x3DA);
    vga_in(b, 0x3BA);
    vga_out(b, 0x3C0, (uint8_t)(idx | 0x20));
    uint8_t v = vga_in(b, 0x3C1);
    vga_in(b, 0x3DA);
    vga_in(b, 0x3BA);
    return v;
}

void int10_palette(struct bios *b, struct cpu *c)
{
    uint8_t al = reg8_lo(c, R_EAX), bl = reg8_lo(c, R_EBX), bh = reg8_hi(c, R_EBX);
    unsigned bx = c->r[R_EBX] & 0xFFFF, cx = c->r[R_ECX] & 0xFFFF;
    uint32_t es_dx = bios_seg_lin(c, SEG_ES, c->r[R_EDX]);
    switch (al) {
    case 0x00: if (bl < 16) set_attr(b, bl, bh); return;
    case 0x01: set_attr(b, 0x11, bh); return;
    case 0x02:
        for (unsigned i = 0; i < 17; i++)
            set_attr(b, i < 16 ? i : 0x11, bios_rd8(b, es_dx + i));
        return;
    case 0x03: set_attr(b, 0x10, (uint8_t)((get_attr(b, 0x10) & ~0x08) | (bl & 1 ? 0x08 : 0))); return;
    case 0x07: if (bl < 16) set_hi(c, R_EBX, get_attr(b, bl)); return;
    case 0x08: set_hi(c, R_EBX, get_attr(b, 0x11)); return;
    case 0x09:
        for (unsigned i = 0; i < 17; i++)
            bios_wr8(b, es_dx + i, get_attr(b, i < 16 ? i : 0x11));
        return;
    case 0x10: dac_set(b, bx & 0xFF, reg8_hi(c, R_EDX), reg8_hi(c, R_ECX), reg8_lo(c, R_ECX)); return;
    case 0x12:
        vga_out(b, 0x3C8, (uint8_t)bx);
        for (unsigned i = 0; i < cx * 3 && i < 768; i++)
            vga_out(b, 0x3C9, bios_rd8(b, es_dx + i));
        return;
    case 0x13: return; /* colour paging: accepted */
    case 0x15:
        vga_out(b, 0x3C7, (uint8_t)bx);
        set_hi(c, R_EDX, vga_in(b, 0x3C9));
        set_hi(c, R_ECX, vga_in(b, 0x3C9));
        set_lo(c, R_ECX, vga_in(b, 0x3C9));
        return;
    case 0x17:
        vga_out(b, 0x3C7, (uint8_t)bx);
        for (unsigned i = 0; i < cx * 3 && i < 768; i++)
            bios_wr8(b, es_dx + i, vga_in(b, 0x3C9));
        return;
    case 0x18: vga_out(b, 0x3C6, bl); return;
    case 0x19: set_lo(c, R_EBX, vga_in(b, 0x3C6)); return;
    case 0x1A: set16(c, R_EBX, 0); return;
    case 0x1B: /* sum to grey shades: 30% red, 59% green, 11% blue */
        for (unsigned i = 0; i < cx && bx + i < 256; i++) {
            vga_out(b, 0x3C7, (uint8_t)(bx + i));
            unsigned r = vga_in(b, 0x3C9), g = vga_in(b, 0x3C9), bb = vga_in(b, 0x3C9);
            uint8_t y = (uint8_t)((r * 77 + g * 151 + bb * 28 + 128) >> 8);
            dac_set(b, bx + i, y, y, y);
        }
        return;
    }
}

/* ---- AH=11h: character generator ---- */

static void text_rows(struct bios *b, unsigned h)
{
    uint16_t crtc = bios_rd16(b, BDA + 0x63);
    vga_out(b, crtc, 0x09);
    uint8_t r9 = vga_in(b, (uint16_t)(crtc + 1));
    vga_idx(b, crtc, 0x09, (uint8_t)((r9 & 0xE0) | (h - 1)));
    vga_idx(b, crtc, 0x0A, (uint8_t)(h > 2 ? h - 2 : 0));
    vga_idx(b, crtc, 0x0B, (uint8_t)(h - 1));
    vga_out(b, crtc, 0x12);
    unsigned vde = vga_in(b, (uint16_t)(crtc + 1));
    vga_out(b, crtc, 0x07);
    uint8_t ov = vga_in(b, (uint16_t)(crtc + 1));
    vde |= (ov & 2u) << 7 | (ov & 0x40u) << 3;
    unsigned rows = (vde + 1) / h;
    bios_wr8(b, BDA + 0x84, (uint8_t)(rows - 1));
    bios_wr16(b, BDA + 0x85, (uint16_t)h);
    bios_wr16(b, BDA + 0x4C, (uint16_t)(rows * bios_rd16(b, BDA + 0x4A) * 2));
    bios_wr16(b, BDA + 0x60, (uint16_t)((h - 2) << 8 | (h - 1)));
}

void int10_font(struct bios *b, struct cpu *c)
{
    uint8_t al = reg8_lo(c, R_EAX), bl = reg8_lo(c, R_EBX), bh = reg8_hi(c, R_EBX);
    unsigned cx = c->r[R_ECX] & 0xFFFF, dx = c->r[R_EDX] & 0xFFFF;
    switch (al) {
    case 0x00: case 0x10: { /* user font at ES:BP */
        uint8_t buf[256 * 32];
        unsigned h = bh ? bh : 16, n = cx > 256 ? 256 : cx;
        if (h > 32)
            h = 32;
        uint32_t src = bios_seg_lin(c, SEG_ES, c->r[R_EBP]);
        for (unsigned i = 0; i < n * h; i++)
            buf[i] = bios_rd8(b, src + i);
        int10_load_font(b, buf, h, dx & 0xFF, n, bl);
        if (al == 0x10)
            text_rows(b, h);
        return;
    }
    case 0x01: case 0x11: case 0x02: case 0x12: case 0x04: case 0x14: {
        unsigned h = (al & 0x0F) == 1 ? 14 : (al & 0x0F) == 2 ? 8 : 16;
        int10_load_font(b, rom_font(h), h, 0, 256, bl);
        if (al & 0x10)
            text_rows(b, h);
        return;
    }
    case 0x03: vga_idx(b, 0x3C4, 3, bl); return;
    case 0x20: bios_wr32(b, 0x1F * 4, (uint32_t)c->seg[SEG_ES].sel << 16 | (c->r[R_EBP] & 0xFFFF)); return;
    case 0x21: case 0x22: case 0x23: case 0x24: {
        unsigned h = al == 0x21 ? cx : al == 0x22 ? 14 : al == 0x23 ? 8 : 16;
        uint32_t ptr = al == 0x21 ? (uint32_t)c->seg[SEG_ES].sel << 16 | (c->r[R_EBP] & 0xFFFF)
                                  : 0xF0000000u | rom_font_off(h);
        bios_wr32(b, 0x43 * 4, ptr);
        if (h) {
            bios_wr16(b, BDA + 0x85, (uint16_t)h);
            unsigned rows = bl == 1 ? 14 : bl == 2 ? 25 : bl == 3 ? 43 : (unsigned)reg8_lo(c, R_EDX);
            if (rows)
                bios_wr8(b, BDA + 0x84, (uint8_t)(rows - 1));
        }
        return;
    }
    case 0x30: {
        uint32_t ptr;
        switch (bh) {
        case 0: ptr = bios_rd32(b, 0x1F * 4); break;
        case 1: ptr = bios_rd32(b, 0x43 * 4); break;
        case 2: case 5: ptr = 0xF0000000u | VROM_FONT14; break;
        case 3: ptr = 0xF0000000u | VROM_FONT8; break;
        case 4: ptr = 0xF0000000u | (VROM_FONT8 + 128 * 8); break;
        default: ptr = 0xF0000000u | VROM_FONT16; break;
        }
        cpu_load_seg_real(c, SEG_ES, (uint16_t)(ptr >> 16));
        set16(c, R_EBP, (uint16_t)ptr);
        set16(c, R_ECX, bios_rd16(b, BDA + 0x85));
        set_lo(c, R_EDX, bios_rd8(b, BDA + 0x84));
        return;
    }
    }
}

/* ---- AH=12h alternate select, AH=1Ah display combination, AH=1Bh state ---- */

void int10_info(struct bios *b, struct cpu *c)
{
    uint8_t ah = reg8_hi(c, R_EAX), al = reg8_lo(c, R_EAX), bl = reg8_lo(c, R_EBX);
    if (ah == 0x12) {
        if (bl == 0x10) { /* EGA/VGA information: colour, 256 KiB, switches 9 */
            set_hi(c, R_EBX, bios_rd16(b, BDA + 0x63) == 0x3B4);
            set_lo(c, R_EBX, 3);
            set16(c, R_ECX, 0x0009);
        } else if (bl >= 0x30 && bl <= 0x36) {
            set_lo(c, R_EAX, 0x12); /* supported (scan lines, palette loading, video enable...) */
        }
        return;
    }
    if (ah == 0x1A) {
        if (al <= 1) {
            set_lo(c, R_EAX, 0x1A);
            if (al == 0)
                set16(c, R_EBX, bios_rd16(b, BDA + 0x63) == 0x3B4 ? 0x0007 : 0x0008);
        }
        return;
    }
    if (ah == 0x1B && (c->r[R_EBX] & 0xFFFF) == 0) {
        uint32_t d = bios_seg_lin(c, SEG_ES, c->r[R_EDI]);
        bios_wr32(b, d, 0xF0000000u | VROM_STATIC);
        for (unsigned i = 0; i < 30; i++) /* mode, columns, page size, start, cursors, shape, page, CRTC */
            bios_wr8(b, d + 4 + i, bios_rd8(b, BDA + 0x49 + i));
        bios_wr8(b, d + 0x22, bios_rd8(b, BDA + 0x84) + 1u);
        bios_wr16(b, d + 0x23, bios_rd16(b, BDA + 0x85));
        bios_wr8(b, d + 0x25, bios_rd16(b, BDA + 0x63) == 0x3B4 ? 7 : 8);
        bios_wr8(b, d + 0x26, 0);
        const struct vmode *m = int10_cur_mode(b);
        bios_wr16(b, d + 0x27, m->kind == VK_LINEAR8 ? 256 : m->kind == VK_CGA4 ? 4 : m->kind == VK_CGA2 ? 2 : 16);
        bios_wr8(b, d + 0x29, m->kind == VK_TEXT ? 8 : 1);
        bios_wr8(b, d + 0x2A, m->height >= 480 ? 3 : m->height >= 400 ? 2 : m->height >= 350 ? 1 : 0);
        for (unsigned i = 0x2B; i < 0x40; i++)
            bios_wr8(b, d + i, 0);
        bios_wr8(b, d + 0x31, 3); /* 256 KiB */
        set_lo(c, R_EAX, 0x1B);
    }
}

/* ---- ROM data: fonts, static functionality table ---- */

void int10_rom_init(struct bios *b)
{
    memcpy(b->rom + VROM_FONT16, vga_font8x16, sizeof(vga_font8x16));
    memcpy(b->rom + VROM_FONT14, vga_font8x14, sizeof(vga_font8x14));
    memcpy(b->rom + VROM_FONT8, vga_font8x8, sizeof(vga_font8x8));
    memcpy(b->rom + VROM_FONT8_LOW, vga_font8x8, 128 * 8);
    /* modes 00h-07h, 0Dh-13h; 200/350/400 scan lines; font, palette, DCC and state calls */
    static const uint8_t stat[16] = { 0xFF, 0xE0, 0x0F, 0x00, 0x00, 0x00, 0x00, 0x07,
                                      0x02, 0x08, 0xFF, 0x0E, 0x00, 0x00, 0x00, 0x00 };
    memcpy(b->rom + VROM_STATIC, stat, sizeof(stat));
}
