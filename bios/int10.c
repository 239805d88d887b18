/*
 * int10.c - INT 10h video services of the built-in BIOS, following the IBM
 * PC/AT and VGA Technical References: cursor shape and position, active
 * page, scroll up/down, read/write character and attribute, teletype, write
 * string and get mode, in the text modes and (characters drawn from the
 * INT 43h font, pixels) in the CGA, planar and 256-colour graphics modes;
 * the dispatcher for the mode set, palette, font and information calls
 * (int10_mode.c) and VBE (vbe_bios.c).  The hardware cursor is programmed
 * through the CRTC at the address the BIOS data area records.
 * Left out: light pen (AH=04h), save/restore state (AH=1Ch).
 */
#include "bios/int10.h"

static bool is_text(const struct vmode *m) { return m->kind == VK_TEXT || m->kind == VK_MONO; }
static unsigned cols(struct bios *b) { return bios_rd16(b, BDA + 0x4A); }
static unsigned rows(struct bios *b) { return (unsigned)bios_rd8(b, BDA + 0x84) + 1; }
static unsigned page_size(struct bios *b) { return bios_rd16(b, BDA + 0x4C); }
static unsigned char_h(struct bios *b) { unsigned h = bios_rd16(b, BDA + 0x85); return h ? h : 8; }

static uint32_t text_base(const struct vmode *m)
{
    return m->kind == VK_MONO ? 0xB0000u : 0xB8000u;
}

static uint32_t cell(struct bios *b, const struct vmode *m, unsigned page, unsigned row, unsigned col)
{
    return text_base(m) + page * page_size(b) + (row * cols(b) + col) * 2;
}

static void get_cursor(struct bios *b, unsigned page, unsigned *row, unsigned *col)
{
    uint16_t pos = bios_rd16(b, BDA + 0x50 + 2 * (page & 7));
    *col = pos & 0xFF;
    *row = pos >> 8;
}

static void hw_cursor(struct bios *b, unsigned page)
{
    if (page != bios_rd8(b, BDA + 0x62) || !is_text(int10_cur_mode(b)))
        return;
    unsigned r, cl;
    get_cursor(b, page, &r, &cl);
    uint16_t crtc = bios_rd16(b, BDA + 0x63);
    uint16_t off = (uint16_t)(page * page_size(b) / 2 + r * cols(b) + cl);
    vga_idx(b, crtc, 0x0E, (uint8_t)(off >> 8));
    vga_idx(b, crtc, 0x0F, (uint8_t)off);
}

static void set_cursor(struct bios *b, unsigned page, unsigned row, unsigned col)
{
    bios_wr16(b, BDA + 0x50 + 2 * (page & 7), (uint16_t)(row << 8 | col));
    hw_cursor(b, page);
}

/* ---- graphics characters and pixels ---- */

static uint32_t cga_addr(unsigned y, unsigned byte)
{
    return 0xB8000u + (y & 1) * 0x2000u + (y >> 1) * 80u + byte;
}

static void gc_set(struct bios *b, uint8_t idx, uint8_t v) { vga_idx(b, 0x3CE, idx, v); }

/* Write the bits of one planar byte in colour fg (bit 7: XOR), others bg. */
static void planar_byte(struct bios *b, uint32_t a, uint8_t bits, uint8_t fg, int bg)
{
    gc_set(b, 1, 0x0F);
    gc_set(b, 3, (fg & 0x80) ? 0x18 : 0x00);
    if (bg >= 0) {
        gc_set(b, 0, (uint8_t)bg);
        gc_set(b, 8, (uint8_t)~bits);
        memmap_read(b->mem, a, 1);
        memmap_write(b->mem, a, 0xFF, 1);
    }
    gc_set(b, 0, fg & 0x0F);
    gc_set(b, 8, bits);
    memmap_read(b->mem, a, 1);
    memmap_write(b->mem, a, 0xFF, 1);
    gc_set(b, 0, 0);
    gc_set(b, 1, 0);
    gc_set(b, 3, 0);
    gc_set(b, 8, 0xFF);
}

void int10_put_pixel(struct bios *b, const struct vmode *m, unsigned x, unsigned y, uint8_t color)
{
    if (x >= m->width || y >= m->height)
        return;
    switch (m->kind) {
    case VK_LINEAR8: {
        memmap_write(b->mem, 0xA0000u + y * 320u + x, color, 1); /* all 8 bits are colour */
        return;
    }
    case VK_CGA4: {
        uint32_t a = cga_addr(y, x >> 2);
        unsigned sh = 6 - 2 * (x & 3);
        uint8_t v = (uint8_t)memmap_read(b->mem, a, 1);
        uint8_t c = (uint8_t)((color & 3) << sh);
        v = (color & 0x80) ? (uint8_t)(v ^ c) : (uint8_t)((v & ~(3u << sh)) | c);
        memmap_write(b->mem, a, v, 1);
        return;
    }
    case VK_CGA2: {
        uint32_t a = cga_addr(y, x >> 3);
        uint8_t bit = (uint8_t)(0x80 >> (x & 7)), v = (uint8_t)memmap_read(b->mem, a, 1);
        v = (color & 0x80) ? (uint8_t)(v ^ ((color & 1) ? bit : 0)) : (uint8_t)((v & ~bit) | ((color & 1) ? bit : 0));
        memmap_write(b->mem, a, v, 1);
        return;
    }
    case VK_PLANAR:
        planar_byte(b, 0xA0000u + y * (m->width / 8u) + (x >> 3), (uint8_t)(0x80 >> (x & 7)), color, -1);
        return;
    default:
        return;
    }
}

uint8_t int10_get_pixel(struct bios *b, const struct vmode *m, unsigned x, unsigned y)
{
    if (x >= m->width || y >= m->height)
        return 0;
    switch (m->kind) {
    case VK_LINEAR8: return (uint8_t)memmap_read(b->mem, 0xA0000u + y * 320u + x, 1);
    case VK_CGA4: return (uint8_t)((memmap_read(b->mem, cga_addr(y, x >> 2), 1) >> (6 - 2 * (x & 3))) & 3);
    case VK_CGA2: return (uint8_t)((memmap_read(b->mem, cga_addr(y, x >> 3), 1) >> (7 - (x & 7))) & 1);
    case VK_PLANAR: {
        uint8_t v = 0;
        for (unsigned p = 0; p < 4; p++) {
            gc_set(b, 4, (uint8_t)p);
            uint8_t byte = (uint8_t)memmap_read(b->mem, 0xA0000u + y * (m->width / 8u) + (x >> 3), 1);
            v |= (uint8_t)(((byte >> (7 - (x & 7))) & 1) << p);
        }
        gc_set(b, 4, 0);
        return v;
    }
    default: return 0;
    }
}

/* Draw character ch at a character cell of a graphics mode. */
static void gfx_char(struct bios *b, const struct vmode *m, unsigned row, unsigned col, uint8_t ch, uint8_t color)
{
    unsigned h = char_h(b);
    uint32_t fp = bios_rd32(b, 0x43 * 4);
    uint32_t font = ((fp >> 16) << 4) + (fp & 0xFFFF) + ch * h;
    for (unsigned r = 0; r < h; r++) {
        uint8_t bits = bios_rd8(b, font + r);
        unsigned y = row * h + r;
        switch (m->kind) {
        case VK_LINEAR8:
            for (unsigned k = 0; k < 8; k++) {
                uint32_t a = 0xA0000u + y * 320u + col * 8 + k;
                uint8_t on = (bits >> (7 - k)) & 1;
                if (color & 0x80)
                    memmap_write(b->mem, a, memmap_read(b->mem, a, 1) ^ (on ? (color & 0x7F) : 0), 1);
                else
                    memmap_write(b->mem, a, on ? color : 0, 1);
            }
            break;
        case VK_CGA4: {
            uint16_t w = 0;
            for (unsigned k = 0; k < 8; k++)
                if ((bits >> (7 - k)) & 1)
                    w |= (uint16_t)((color & 3u) << (14 - 2 * k));
            for (unsigned k = 0; k < 2; k++) {
                uint32_t a = cga_addr(y, col * 2 + k);
                uint8_t v = (uint8_t)(w >> (8 - 8 * k));
                memmap_write(b->mem, a, (color & 0x80) ? (memmap_read(b->mem, a, 1) ^ v) : v, 1);
            }
            break;
        }
        case VK_CGA2: {
            uint32_t a = cga_addr(y, col);
            uint8_t v = (color & 1) ? bits : 0;
            memmap_write(b->mem, a, (color & 0x80) ? (memmap_read(b->mem, a, 1) ^ v) : v, 1);
            break;
        }
        case VK_PLANAR:
            planar_byte(b, 0xA0000u + y * (m->width / 8u) + col, bits, color, (color & 0x80) ? -1 : 0);
            break;
        default:
            break;
        }
    }
}

/* Copy or clear character rows of a graphics mode (scrolling). */
static void gfx_row_copy(struct bios *b, const struct vmode *m, unsigned dst, int src, unsigned c0, unsigned c1,
                         uint8_t fill)
{
    unsigned h = char_h(b);
    unsigned bpc = m->kind == VK_LINEAR8 ? 8 : m->kind == VK_CGA4 ? 2 : 1; /* bytes per cell per line */
    for (unsigned r = 0; r < h; r++) {
        unsigned yd = dst * h + r, ys = src >= 0 ? (unsigned)src * h + r : 0;
        for (unsigned x = c0 * bpc; x < (c1 + 1) * bpc; x++) {
            if (m->kind == VK_PLANAR) {
                uint32_t bpl = m->width / 8u, ad = 0xA0000u + yd * bpl + x;
                if (src >= 0) {
                    gc_set(b, 5, 0x01); /* write mode 1: the latches */
                    memmap_read(b->mem, 0xA0000u + ys * bpl + x, 1);
                    memmap_write(b->mem, ad, 0, 1);
                    gc_set(b, 5, 0x00);
                } else {
                    planar_byte(b, ad, 0xFF, fill & 0x0F, -1);
                }
            } else {
                uint32_t ad, as;
                if (m->kind == VK_LINEAR8) {
                    ad = 0xA0000u + yd * 320u + x;
                    as = 0xA0000u + ys * 320u + x;
                } else {
                    ad = cga_addr(yd, x);
                    as = cga_addr(ys, x);
                }
                uint8_t fv = m->kind == VK_LINEAR8 ? fill : m->kind == VK_CGA4 ? (uint8_t)((fill & 3) * 0x55)
                                                                                 : (uint8_t)((fill & 1) ? 0xFF : 0);
                memmap_write(b->mem, ad, src >= 0 ? memmap_read(b->mem, as, 1) : fv, 1);
            }
        }
    }
}

/* Scroll the window (r0,c0)-(r1,c1) up or down by n lines; n = 0 clears. */
static void scroll(struct bios *b, unsigned page, int up, unsigned n, uint8_t attr, unsigned r0, unsigned c0,
                   unsigned r1, unsigned c1)
{
    const struct vmode *m = int10_cur_mode(b);
    unsigned nr = rows(b), nc = cols(b);
    if (r1 >= nr)
        r1 = nr - 1;
    if (c1 >= nc)
        c1 = nc - 1;
    if (r0 > r1 || c0 > c1)
        return;
    unsigned h = r1 - r0 + 1;
    if (n == 0 || n > h)
        n = h;
    for (unsigned k = 0; k < h; k++) {
        unsigned dst = up ? r0 + k : r1 - k;
        int src = up ? (int)(dst + n) : (int)dst - (int)n;
        bool copy = (up && src <= (int)r1) || (!up && src >= (int)r0);
        if (!is_text(m)) {
            gfx_row_copy(b, m, dst, copy ? src : -1, c0, c1, attr);
            continue;
        }
        for (unsigned col = c0; col <= c1; col++) {
            uint16_t v = (uint16_t)(attr << 8 | ' ');
            if (copy)
                v = bios_rd16(b, cell(b, m, page, (unsigned)src, col));
            bios_wr16(b, cell(b, m, page, dst, col), v);
        }
    }
}

static void put_char(struct bios *b, unsigned page, unsigned r, unsigned cl, uint8_t ch, int use_attr,
                     uint8_t attr)
{
    const struct vmode *m = int10_cur_mode(b);
    if (!is_text(m))
        gfx_char(b, m, r, cl, ch, use_attr ? attr : 0x0F);
    else if (use_attr)
        bios_wr16(b, cell(b, m, page, r, cl), (uint16_t)(attr << 8 | ch));
    else
        bios_wr8(b, cell(b, m, page, r, cl), ch);
}

static void tty_char(struct bios *b, unsigned page, uint8_t ch, int use_attr, uint8_t attr)
{
    const struct vmode *m = int10_cur_mode(b);
    unsigned r, cl;
    get_cursor(b, page, &r, &cl);
    switch (ch) {
    case 7: return; /* bell */
    case 8: if (cl > 0) cl--; break;
    case 10: r++; break;
    case 13: cl = 0; break;
    default:
        put_char(b, page, r, cl, ch, use_attr || !is_text(m), attr);
        if (++cl >= cols(b)) {
            cl = 0;
            r++;
        }
    }
    if (r >= rows(b)) {
        uint8_t a = is_text(m) ? bios_rd8(b, cell(b, m, page, rows(b) - 1, 0) + 1) : 0;
        scroll(b, page, 1, 1, is_text(m) && !a ? 0x07 : a, 0, 0, rows(b) - 1, cols(b) - 1);
        r = rows(b) - 1;
    }
    set_cursor(b, page, r, cl);
}

void bios_tty_puts(struct bios *b, const char *s)
{
    while (*s)
        tty_char(b, bios_rd8(b, BDA + 0x62), (uint8_t)*s++, 1, 0x07);
}

void bios_video_init(struct bios *b)
{
    int10_rom_init(b);
    int10_set_mode(b, 3);
    hw_cursor(b, 0);
}

static void set_page(struct bios *b, unsigned p)
{
    uint16_t start = (uint16_t)(p * page_size(b));
    bios_wr8(b, BDA + 0x62, (uint8_t)p);
    bios_wr16(b, BDA + 0x4E, start);
    uint16_t crtc = bios_rd16(b, BDA + 0x63);
    unsigned cnt = is_text(int10_cur_mode(b)) ? start / 2u : start;
    vga_idx(b, crtc, 0x0C, (uint8_t)(cnt >> 8));
    vga_idx(b, crtc, 0x0D, (uint8_t)cnt);
    hw_cursor(b, p);
}

void bios_int10(struct bios *b, struct cpu *c)
{
    uint8_t ah = reg8_hi(c, R_EAX), al = reg8_lo(c, R_EAX);
    uint8_t bh = reg8_hi(c, R_EBX), bl = reg8_lo(c, R_EBX);
    unsigned page = bh & 7, r, cl;
    const struct vmode *m = int10_cur_mode(b);
    switch (ah) {
    case 0x00:
        if (int10_set_mode(b, al) == 0) {
            set_lo(c, R_EAX, (al & 0x7F) == 6 ? 0x3F : (al & 0x7F) > 7 ? 0x20 : 0x30);
            hw_cursor(b, 0);
        }
        return;
    case 0x01: {
        uint16_t shape = (uint16_t)(c->r[R_ECX] & 0xFFFF), crtc = bios_rd16(b, BDA + 0x63);
        bios_wr16(b, BDA + 0x60, shape);
        vga_idx(b, crtc, 0x0A, (uint8_t)(shape >> 8) & 0x3F);
        vga_idx(b, crtc, 0x0B, (uint8_t)shape & 0x1F);
        return;
    }
    case 0x02: set_cursor(b, page, reg8_hi(c, R_EDX), reg8_lo(c, R_EDX)); return;
    case 0x03:
        get_cursor(b, page, &r, &cl);
        set16(c, R_EDX, (uint16_t)(r << 8 | cl));
        set16(c, R_ECX, bios_rd16(b, BDA + 0x60));
        return;
    case 0x05: set_page(b, al & 7); return;
    case 0x06:
    case 0x07:
        scroll(b, bios_rd8(b, BDA + 0x62), ah == 0x06, al, bh, reg8_hi(c, R_ECX), reg8_lo(c, R_ECX),
               reg8_hi(c, R_EDX), reg8_lo(c, R_EDX));
        return;
    case 0x08:
        get_cursor(b, page, &r, &cl);
        set16(c, R_EAX, is_text(m) ? bios_rd16(b, cell(b, m, page, r, cl)) : 0);
        return;
    case 0x09:
    case 0x0A: {
        get_cursor(b, page, &r, &cl);
        unsigned n = c->r[R_ECX] & 0xFFFF, nc = cols(b), nr = rows(b);
        for (unsigned k = 0; k < n; k++) {
            unsigned pos = r * nc + cl + k;
            if (pos >= nr * nc)
                break;
            if (is_text(m))
                put_char(b, page, pos / nc, pos % nc, al, ah == 0x09, bl);
            else
                gfx_char(b, m, pos / nc, pos % nc, al, bl);
        }
        return;
    }
    case 0x0B: /* CGA palette: BH=0 background/border, BH=1 palette 0/1 */
        if (m->kind == VK_CGA4 || m->kind == VK_CGA2) {
            vga_in(b, 0x3DA);
            if (bh == 0) {
                vga_out(b, 0x3C0, 0x00);
                vga_out(b, 0x3C0, (uint8_t)((bl & 7) | (bl & 0x08 ? 0x10 : 0)));
            } else if (m->kind == VK_CGA4) {
                for (unsigned i = 1; i < 4; i++) {
                    vga_out(b, 0x3C0, (uint8_t)i);
                    vga_out(b, 0x3C0, (uint8_t)(((bl & 1) ? 0x11 : 0x10) + 2 * i));
                }
            }
            vga_out(b, 0x3C0, 0x20);
        }
        return;
    case 0x0C: int10_put_pixel(b, m, c->r[R_ECX] & 0xFFFF, c->r[R_EDX] & 0xFFFF, al); return;
    case 0x0D: set_lo(c, R_EAX, int10_get_pixel(b, m, c->r[R_ECX] & 0xFFFF, c->r[R_EDX] & 0xFFFF)); return;
    case 0x0E: tty_char(b, bios_rd8(b, BDA + 0x62), al, !is_text(m), bl); return;
    case 0x0F:
        set_lo(c, R_EAX, (uint8_t)(bios_rd8(b, BDA + 0x49) | (bios_rd8(b, BDA + 0x87) & 0x80)));
        set_hi(c, R_EAX, (uint8_t)cols(b));
        set_hi(c, R_EBX, bios_rd8(b, BDA + 0x62));
        return;
    case 0x10: int10_palette(b, c); return;
    case 0x11: int10_font(b, c); return;
    case 0x12: case 0x1A: case 0x1B: int10_info(b, c); return;
    case 0x13: { /* write string ES:BP, CX chars, at DH,DL */
        unsigned n = c->r[R_ECX] & 0xFFFF;
        unsigned orow, ocol;
        get_cursor(b, page, &orow, &ocol);
        set_cursor(b, page, reg8_hi(c, R_EDX), reg8_lo(c, R_EDX));
        uint32_t p = bios_seg_lin(c, SEG_ES, c->r[R_EBP]);
        for (unsigned k = 0; k < n; k++) {
            uint8_t ch = bios_rd8(b, p++), at = bl;
            if (al & 2)
                at = bios_rd8(b, p++);
            tty_char(b, page, ch, 1, at);
        }
        if (!(al & 1))
            set_cursor(b, page, orow, ocol);
        return;
    }
    case 0x4F: int10_vbe(b, c); return;
    }
}
