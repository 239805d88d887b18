/*
 * vga_render.c - the VGA's display side (IBM VGA Technical Reference: CRT
 * controller address generation, attribute controller, DAC) rendered into a
 * host-neutral XRGB8888 frame, scan line by scan line, re-rendering only the
 * lines whose display memory (or whose registers) changed.
 *
 * The frame has the mode's own resolution: text 9 or 8 dots per character
 * (40-column modes are drawn twice as wide), 200-line graphics modes 200
 * lines (a row repeated by double scan or the maximum scan line is drawn
 * once), 256-colour modes four pixels per character clock.  Covered: text
 * with fonts from plane 2 (character map select A/B), the cursor (start/end,
 * blink), blink/intensity, 9th-dot line graphics, mono underline; CGA
 * 4-colour (shift register interleave) and planar 16-colour graphics; the
 * 256-colour shift mode chained (mode 13h) or not (mode X); byte/word/dword
 * address counting; CGA/Hercules row-scan address substitution; start
 * address, offset, line compare (split screen), horizontal PEL panning, the
 * palette, colour plane enable, colour select, PEL mask; screen off.  The
 * Bochs VBE modes (8/15/16/24/32 bpp) come from the linear frame buffer with
 * the virtual width and display start.
 * Left out: horizontal/vertical timing beyond the displayed sizes, the
 * border (overscan) colour, cursor skew, the count-by-two/four bits.
 */
#include <string.h>

#include "devices/vga.h"
#include "machine/png.h"

#define FRAME_NS 14285714ull  /* 70 Hz */

struct geom {
    int w, h;                 /* frame size */
    unsigned lines;           /* displayed scan lines */
    unsigned factor;          /* scan lines per frame line */
    unsigned msl, dbl, lc, offset, start, hchars, pan;
    bool dword, word, cga13, herc14, text, wide9, double_w, split_pan0;
    unsigned wbit;
};

static uint32_t dac_rgb(const struct vga *v, unsigned i)
{
    const uint8_t *d = v->dac[i & v->pel_mask];
    if (v->vbe[VBE_ENABLE] & VBE_EN_8BIT_DAC)
        return (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
    uint32_t r = d[0] & 0x3F, g = d[1] & 0x3F, b = d[2] & 0x3F;
    return (r << 2 | r >> 4) << 16 | (g << 2 | g >> 4) << 8 | (b << 2 | b >> 4);
}

static uint32_t crtc_addr(const struct geom *g, uint32_t c, unsigned rs)
{
    uint32_t a;
    if (g->dword)
        a = (c << 2) | ((c >> 14) & 3);
    else if (g->word)
        a = (c << 1) | ((c >> g->wbit) & 1);
    else
        a = c;
    if (g->cga13)
        a = (a & ~0x2000u) | ((rs & 1u) << 13);
    if (g->herc14)
        a = (a & ~0x4000u) | ((rs & 2u) << 13);
    return a & 0xFFFF;
}

static void geometry(const struct vga *v, struct geom *g)
{
    const uint8_t *cr = v->crtc;
    memset(g, 0, sizeof(*g));
    g->text = !(v->gc[6] & 1);
    g->lines = (cr[0x12] | (cr[7] & 2u) << 7 | (cr[7] & 0x40u) << 3) + 1u;
    g->msl = cr[9] & 0x1F;
    g->dbl = (cr[9] & 0x80) != 0;
    g->lc = cr[0x18] | (cr[7] & 0x10u) << 4 | (cr[9] & 0x40u) << 3;
    g->offset = cr[0x13] * 2u;
    g->start = (unsigned)cr[0x0C] << 8 | cr[0x0D];
    g->hchars = cr[1] + 1u;
    g->dword = (cr[0x14] & 0x40) != 0;
    g->word = !(cr[0x17] & 0x40);
    g->wbit = (cr[0x17] & 0x20) ? 15 : 13;
    g->cga13 = !(cr[0x17] & 1);
    g->herc14 = !(cr[0x17] & 2);
    g->split_pan0 = (v->attr[0x10] & 0x20) != 0;
    unsigned pan = v->attr[0x13] & 0x0F;
    bool c256 = (v->attr[0x10] & 0x40) != 0;
    if (g->text) {
        g->wide9 = !(v->seq[1] & 1);
        g->double_w = (v->seq[1] & 0x08) != 0;
        g->w = (int)(g->hchars * (g->wide9 ? 9u : 8u) * (g->double_w ? 2u : 1u));
        g->pan = g->wide9 ? (pan >= 8 ? 0 : pan + 1) : pan & 7;
        g->factor = g->dbl ? 2 : 1;
    } else {
        g->w = (int)(g->hchars * (c256 ? 4u : 8u));
        g->pan = c256 ? (pan & 7) >> 1 : pan & 7;
        g->factor = (g->dbl ? 2u : 1u) * (g->cga13 || g->herc14 ? 1u : g->msl + 1u);
    }
    g->h = (int)(g->lines / g->factor);
    if (g->w > VGA_MAX_W)
        g->w = VGA_MAX_W;
    if (g->h > VGA_MAX_H)
        g->h = VGA_MAX_H;
    if (g->w < 8 || g->h < 1) { /* nonsense timings: show a small blank frame */
        g->w = 8;
        g->h = 8;
    }
}

/* Has display memory behind [first, last] (plane addresses) changed? */
static bool range_dirty(const struct vga *v, uint32_t lo, uint32_t hi)
{
    if (hi < lo)
        return true;
    for (uint32_t p = lo >> 12; p <= hi >> 12 && p < VGA_DIRTY_PAGES; p++)
        if (v->dirty[p >> 6] & (1ull << (p & 63)))
            return true;
    return false;
}

struct pal {
    uint32_t dac[256];
    uint32_t c16[16];
};

static void build_palette(const struct vga *v, struct pal *p)
{
    for (unsigned i = 0; i < 256; i++)
        p->dac[i] = dac_rgb(v, i);
    for (unsigned i = 0; i < 16; i++) {
        unsigned c = v->attr[i & v->attr[0x12] & 0x0F] & 0x3F;
        if (v->attr[0x10] & 0x80)
            c = (c & 0x0F) | (v->attr[0x14] & 3u) << 4;
        c |= (v->attr[0x14] & 0x0Cu) << 4;
        p->c16[i] = p->dac[c];
    }
}

/* One text scan line: row scan rs of the character row at counter c. */
static void text_line(const struct vga *v, const struct geom *g, const struct pal *p, uint32_t *out,
                      uint32_t c, unsigned rs, unsigned phase)
{
    unsigned cw = g->wide9 ? 9 : 8;
    uint8_t sr3 = v->seq[3];
    unsigned sel_a = ((sr3 >> 5) & 1u) << 2 | ((sr3 >> 2) & 3u), sel_b = ((sr3 >> 4) & 1u) << 2 | (sr3 & 3u);
    uint32_t font_a = (sel_a & 3) * 0x4000u + (sel_a >> 2) * 0x2000u;
    uint32_t font_b = (sel_b & 3) * 0x4000u + (sel_b >> 2) * 0x2000u;
    uint32_t cursor = (uint32_t)v->crtc[0x0E] << 8 | v->crtc[0x0F];
    unsigned cs = v->crtc[0x0A] & 0x1F, ce = v->crtc[0x0B] & 0x1F;
    bool cur_line = !(v->crtc[0x0A] & 0x20) && rs >= cs && rs <= ce && (phase & 1);
    bool blink = (v->attr[0x10] & 0x08) != 0, lge = (v->attr[0x10] & 0x04) != 0;
    bool ul = (v->attr[0x10] & 0x02) && rs == (v->crtc[0x14] & 0x1Fu);
    unsigned step = g->double_w ? 2 : 1;
    for (unsigned i = 0; i < g->hchars + 1; i++) {
        uint32_t a = crtc_addr(g, (c + i) & 0xFFFF, rs);
        uint8_t ch = v->vram[(size_t)a * 4], at = v->vram[(size_t)a * 4 + 1];
        uint32_t font = (at & 0x08) ? font_a : font_b;
        uint8_t bits = v->vram[(size_t)((font + ch * 32u + (rs & 31)) & 0xFFFF) * 4 + 2];
        unsigned fg = at & 0x0F, bg = at >> 4;
        if (blink) {
            bg &= 7;
            if ((at & 0x80) && !(phase & 2))
                fg = bg;
        }
        if (ul && (at & 0x77) == 0x01)
            bits = 0xFF;
        if (cur_line && ((c + i) & 0xFFFF) == cursor)
            bits = 0xFF;
        unsigned ninth = (cw == 9 && lge && ch >= 0xC0 && ch <= 0xDF) ? (bits & 1) : (cw == 9 && bits == 0xFF);
        uint32_t cf = p->c16[fg], cb = p->c16[bg];
        uint32_t *o = out + (size_t)i * cw * step;
        for (unsigned x = 0; x < cw; x++) {
            unsigned on = x < 8 ? (bits >> (7 - x)) & 1 : ninth;
            for (unsigned s = 0; s < step; s++)
                o[x * step + s] = on ? cf : cb;
        }
    }
}

static void gfx_line(const struct vga *v, const struct geom *g, const struct pal *p, uint32_t *out, uint32_t c,
                     unsigned rs)
{
    const uint8_t *vr = v->vram;
    unsigned n = g->hchars + 1;
    if (v->attr[0x10] & 0x40) { /* 256 colours: one byte per pixel from the four planes */
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *q = vr + (size_t)crtc_addr(g, (c + i) & 0xFFFF, rs) * 4;
            out[4 * i] = p->dac[q[0]];
            out[4 * i + 1] = p->dac[q[1]];
            out[4 * i + 2] = p->dac[q[2]];
            out[4 * i + 3] = p->dac[q[3]];
        }
    } else if (v->gc[5] & 0x20) { /* CGA 4 colours: 2 bits per pixel, planes 0 then 1 */
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *q = vr + (size_t)crtc_addr(g, (c + i) & 0xFFFF, rs) * 4;
            for (unsigned k = 0; k < 8; k++) {
                uint8_t byte = q[k >> 2];
                out[8 * i + k] = p->c16[(byte >> (6 - 2 * (k & 3))) & 3];
            }
        }
    } else { /* planar 16 colours */
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *q = vr + (size_t)crtc_addr(g, (c + i) & 0xFFFF, rs) * 4;
            for (unsigned k = 0; k < 8; k++) {
                unsigned b = 7 - k;
                unsigned idx = ((q[0] >> b) & 1) | ((q[1] >> b) & 1) << 1 | ((q[2] >> b) & 1) << 2 |
                               ((q[3] >> b) & 1) << 3;
                out[8 * i + k] = p->c16[idx];
            }
        }
    }
}

static void add_rect(struct vga *v, int y0, int y1)
{
    struct vga_frame *f = &v->frame;
    if (f->nrects && f->rects[f->nrects - 1].y + f->rects[f->nrects - 1].h == y0) {
        f->rects[f->nrects - 1].h += y1 - y0;
        return;
    }
    if (f->nrects == VGA_MAX_RECTS) { /* too many bands: the last one grows */
        struct vga_rect *r = &f->rects[VGA_MAX_RECTS - 1];
        r->h = y1 - r->y;
        return;
    }
    f->rects[f->nrects++] = (struct vga_rect){ 0, y0, v->fb_w, y1 - y0 };
}

static void render_vga(struct vga *v, const struct geom *g, bool all)
{
    uint32_t line[257 * 18]; /* up to 256 character clocks of 18 dots, plus one for panning */
    struct pal p;
    build_palette(v, &p);
    unsigned phase = v->blink_phase;
    bool off = (v->seq[1] & 0x20) || !(v->attr_index & 0x20);
    uint32_t row = g->start, rs = 0, sub = 0;
    bool split = false;
    int last_y = -1, band = -1;
    for (unsigned phys = 0; phys < g->lines; phys++) {
        if (phys == g->lc) {
            row = 0;
            rs = 0;
            sub = 0;
            split = true;
        }
        int y = (int)(phys / g->factor);
        if (phys % g->factor == 0 && y < g->h && y != last_y) {
            last_y = y;
            uint32_t lo = crtc_addr(g, row & 0xFFFF, rs), hi = crtc_addr(g, (row + g->hchars) & 0xFFFF, rs);
            bool redo = all || range_dirty(v, lo * 4, hi * 4 + 3);
            if (redo) {
                uint32_t *dst = v->fb + (size_t)y * (size_t)g->w;
                if (off) {
                    memset(dst, 0, (size_t)g->w * 4);
                } else {
                    unsigned pan = split && g->split_pan0 ? 0 : g->pan;
                    if (g->text)
                        text_line(v, g, &p, line, row, rs, phase);
                    else
                        gfx_line(v, g, &p, line, row, rs);
                    if (g->text && g->double_w)
                        pan *= 2;
                    memcpy(dst, line + pan, (size_t)g->w * 4);
                }
                if (band < 0)
                    band = y;
            } else if (band >= 0) {
                add_rect(v, band, y);
                band = -1;
            }
        }
        if (g->dbl && !sub) {
            sub = 1;
            continue;
        }
        sub = 0;
        if (rs >= g->msl) {
            rs = 0;
            row += g->offset;
        } else {
            rs++;
        }
    }
    if (band >= 0)
        add_rect(v, band, last_y + 1);
}

static void render_vbe(struct vga *v, bool all)
{
    const uint16_t *r = v->vbe;
    unsigned bpp = r[VBE_BPP], bpx = (bpp + 7) / 8;
    int w = r[VBE_XRES] < VGA_MAX_W ? r[VBE_XRES] : VGA_MAX_W, h = r[VBE_YRES] < VGA_MAX_H ? r[VBE_YRES] : VGA_MAX_H;
    uint64_t pitch = (uint64_t)r[VBE_VIRT_WIDTH] * bpx;
    uint64_t base = (uint64_t)r[VBE_Y_OFFSET] * pitch + (uint64_t)r[VBE_X_OFFSET] * bpx;
    uint32_t pal[256];
    if (bpp == 8)
        for (unsigned i = 0; i < 256; i++)
            pal[i] = dac_rgb(v, i);
    int band = -1;
    for (int y = 0; y < h; y++) {
        uint64_t o = base + (uint64_t)y * pitch, end = o + (uint64_t)w * bpx;
        bool inside = end <= VGA_VRAM_SIZE;
        if (!all && inside && !range_dirty(v, (uint32_t)o, (uint32_t)end - 1)) {
            if (band >= 0) {
                add_rect(v, band, y);
                band = -1;
            }
            continue;
        }
        if (band < 0)
            band = y;
        uint32_t *dst = v->fb + (size_t)y * (size_t)w;
        if (!inside) {
            memset(dst, 0, (size_t)w * 4);
            continue;
        }
        const uint8_t *s = v->vram + o;
        switch (bpp) {
        case 8:
            for (int x = 0; x < w; x++)
                dst[x] = pal[s[x]];
            break;
        case 15:
        case 16:
            for (int x = 0; x < w; x++) {
                uint32_t px = s[2 * x] | (uint32_t)s[2 * x + 1] << 8, rr, gg, bb;
                if (bpp == 15) {
                    rr = (px >> 10) & 31; gg = (px >> 5) & 31; bb = px & 31;
                    gg = gg << 3 | gg >> 2;
                } else {
                    rr = px >> 11; gg = (px >> 5) & 63; bb = px & 31;
                    gg = gg << 2 | gg >> 4;
                }
                dst[x] = (rr << 3 | rr >> 2) << 16 | gg << 8 | (bb << 3 | bb >> 2);
            }
            break;
        case 24:
            for (int x = 0; x < w; x++)
                dst[x] = (uint32_t)s[3 * x + 2] << 16 | (uint32_t)s[3 * x + 1] << 8 | s[3 * x];
            break;
        default:
            for (int x = 0; x < w; x++)
                dst[x] = ((uint32_t)s[4 * x + 2] << 16 | (uint32_t)s[4 * x + 1] << 8 | s[4 * x]);
            break;
        }
    }
    if (band >= 0)
        add_rect(v, band, h);
}

const struct vga_frame *vga_render(struct vga *v)
{
    struct vga_frame *f = &v->frame;
    int w, h;
    struct geom g;
    bool vbe = vga_vbe_enabled(v);
    if (vbe) {
        w = v->vbe[VBE_XRES] < VGA_MAX_W ? v->vbe[VBE_XRES] : VGA_MAX_W;
        h = v->vbe[VBE_YRES] < VGA_MAX_H ? v->vbe[VBE_YRES] : VGA_MAX_H;
        if (w < 1 || h < 1)
            w = h = 8;
    } else {
        geometry(v, &g);
        w = g.w;
        h = g.h;
        unsigned phase = (unsigned)((v->now ? v->now(v->now_opaque) : 0) / FRAME_NS / 16);
        if (g.text && phase != v->blink_phase)
            v->all_dirty = true;
        v->blink_phase = phase;
        if (g.text && v->font_dirty)
            v->all_dirty = true;
    }
    if (w != v->fb_w || h != v->fb_h)
        v->all_dirty = true;
    v->fb_w = w;
    v->fb_h = h;
    f->nrects = 0;
    if (vbe)
        render_vbe(v, v->all_dirty);
    else
        render_vga(v, &g, v->all_dirty);
    memset(v->dirty, 0, sizeof(v->dirty));
    v->all_dirty = v->font_dirty = false;
    f->pixels = v->fb;
    f->width = f->stride = w;
    f->height = h;
    return f;
}

int vga_screendump(struct vga *v, const char *path, char *err, size_t errlen)
{
    const struct vga_frame *f = vga_render(v);
    return png_write_xrgb(path, f->pixels, f->width, f->height, f->stride, err, errlen);
}
