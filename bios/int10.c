/*
 * int10.c - INT 10h video services for the colour text modes (80x25 and
 * 40x25 at B800h, 8 pages), following the IBM PC/AT Technical Reference and
 * the VGA BIOS conventions: set mode, cursor shape and position, active page,
 * scroll up/down, read/write character and attribute, teletype, write
 * string, get mode, and the EGA/VGA identification calls DOS programs make.
 * Graphics modes only record the mode number until the VGA device exists.
 * The hardware cursor is also programmed through the CRTC (3D4h/3D5h).
 */
#include "bios/bios.h"

#define BDA 0x400u
#define TEXT_BASE 0xB8000u

static unsigned cols(struct bios *b) { return bios_rd16(b, BDA + 0x4A); }
static unsigned rows(struct bios *b) { return (unsigned)bios_rd8(b, BDA + 0x84) + 1; }
static unsigned page_size(struct bios *b) { return bios_rd16(b, BDA + 0x4C); }

static uint32_t cell(struct bios *b, unsigned page, unsigned row, unsigned col)
{
    return TEXT_BASE + page * page_size(b) + (row * cols(b) + col) * 2;
}

static void get_cursor(struct bios *b, unsigned page, unsigned *row, unsigned *col)
{
    uint16_t pos = bios_rd16(b, BDA + 0x50 + 2 * (page & 7));
    *col = pos & 0xFF;
    *row = pos >> 8;
}

static void hw_cursor(struct bios *b, unsigned page)
{
    if (page != bios_rd8(b, BDA + 0x62))
        return;
    unsigned r, cl;
    get_cursor(b, page, &r, &cl);
    uint16_t off = (uint16_t)(page * page_size(b) / 2 + r * cols(b) + cl);
    portbus_out(b->io, 0x3D4, 0x0E, 1);
    portbus_out(b->io, 0x3D5, off >> 8, 1);
    portbus_out(b->io, 0x3D4, 0x0F, 1);
    portbus_out(b->io, 0x3D5, off & 0xFF, 1);
}

static void set_cursor(struct bios *b, unsigned page, unsigned row, unsigned col)
{
    bios_wr16(b, BDA + 0x50 + 2 * (page & 7), (uint16_t)(row << 8 | col));
    hw_cursor(b, page);
}

/* Scroll the window (r0,c0)-(r1,c1) up (dir > 0) or down by n lines; n = 0 clears. */
static void scroll(struct bios *b, unsigned page, int up, unsigned n, uint8_t attr, unsigned r0, unsigned c0,
                   unsigned r1, unsigned c1)
{
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
        for (unsigned col = c0; col <= c1; col++) {
            uint16_t v = (uint16_t)(attr << 8 | ' ');
            if ((up && src <= (int)r1) || (!up && src >= (int)r0))
                v = bios_rd16(b, cell(b, page, (unsigned)src, col));
            bios_wr16(b, cell(b, page, dst, col), v);
        }
    }
}

static void tty_char(struct bios *b, unsigned page, uint8_t ch, int use_attr, uint8_t attr)
{
    unsigned r, cl;
    get_cursor(b, page, &r, &cl);
    switch (ch) {
    case 7: return; /* bell */
    case 8: if (cl > 0) cl--; break;
    case 10: r++; break;
    case 13: cl = 0; break;
    default:
        if (use_attr)
            bios_wr16(b, cell(b, page, r, cl), (uint16_t)(attr << 8 | ch));
        else
            bios_wr8(b, cell(b, page, r, cl), ch);
        cl++;
        if (cl >= cols(b)) {
            cl = 0;
            r++;
        }
    }
    if (r >= rows(b)) {
        uint8_t a = bios_rd8(b, cell(b, page, rows(b) - 1, 0) + 1);
        scroll(b, page, 1, 1, a ? a : 0x07, 0, 0, rows(b) - 1, cols(b) - 1);
        r = rows(b) - 1;
    }
    set_cursor(b, page, r, cl);
}

void bios_tty_puts(struct bios *b, const char *s)
{
    while (*s)
        tty_char(b, bios_rd8(b, BDA + 0x62), (uint8_t)*s++, 1, 0x07);
}

static void set_mode(struct bios *b, uint8_t mode)
{
    uint8_t m = mode & 0x7F;
    int text40 = m <= 1, text80 = m == 2 || m == 3 || m == 7;
    bios_wr8(b, BDA + 0x49, m);
    bios_wr16(b, BDA + 0x4A, text40 ? 40 : 80);
    bios_wr16(b, BDA + 0x4C, text40 ? 0x800 : 0x1000);
    bios_wr16(b, BDA + 0x4E, 0);
    bios_wr8(b, BDA + 0x84, 24);
    bios_wr16(b, BDA + 0x85, 16);
    bios_wr8(b, BDA + 0x62, 0);
    bios_wr16(b, BDA + 0x60, 0x0607);
    bios_wr16(b, BDA + 0x63, 0x3D4);
    for (unsigned p = 0; p < 8; p++)
        bios_wr16(b, BDA + 0x50 + 2 * p, 0);
    portbus_out(b->io, 0x3D4, 0x0C, 1); /* display from the start of the buffer */
    portbus_out(b->io, 0x3D5, 0, 1);
    portbus_out(b->io, 0x3D4, 0x0D, 1);
    portbus_out(b->io, 0x3D5, 0, 1);
    if ((text40 || text80) && !(mode & 0x80))
        for (uint32_t a = 0; a < 0x8000; a += 2)
            bios_wr16(b, TEXT_BASE + a, 0x0720);
    hw_cursor(b, 0);
}

void bios_video_init(struct bios *b)
{
    set_mode(b, 3);
}

void bios_int10(struct bios *b, struct cpu *c)
{
    uint8_t ah = reg8_hi(c, R_EAX), al = reg8_lo(c, R_EAX);
    uint8_t bh = reg8_hi(c, R_EBX), bl = reg8_lo(c, R_EBX);
    unsigned page = bh & 7, r, cl;
    switch (ah) {
    case 0x00:
        set_mode(b, al);
        set_lo(c, R_EAX, al > 7 ? 0x20 : 0x30);
        return;
    case 0x01:
        bios_wr16(b, BDA + 0x60, (uint16_t)(c->r[R_ECX] & 0xFFFF));
        return;
    case 0x02:
        set_cursor(b, page, reg8_hi(c, R_EDX), reg8_lo(c, R_EDX));
        return;
    case 0x03:
        get_cursor(b, page, &r, &cl);
        set16(c, R_EDX, (uint16_t)(r << 8 | cl));
        set16(c, R_ECX, bios_rd16(b, BDA + 0x60));
        return;
    case 0x05: {
        uint16_t start = (uint16_t)((al & 7) * page_size(b));
        bios_wr8(b, BDA + 0x62, al & 7);
        bios_wr16(b, BDA + 0x4E, start);
        portbus_out(b->io, 0x3D4, 0x0C, 1); /* CRTC start address, in characters */
        portbus_out(b->io, 0x3D5, (uint32_t)(start / 2) >> 8, 1);
        portbus_out(b->io, 0x3D4, 0x0D, 1);
        portbus_out(b->io, 0x3D5, (uint32_t)(start / 2) & 0xFF, 1);
        hw_cursor(b, al & 7);
        return;
    }
    case 0x06:
    case 0x07:
        scroll(b, bios_rd8(b, BDA + 0x62), ah == 0x06, al, bh, reg8_hi(c, R_ECX), reg8_lo(c, R_ECX),
               reg8_hi(c, R_EDX), reg8_lo(c, R_EDX));
        return;
    case 0x08:
        get_cursor(b, page, &r, &cl);
        set16(c, R_EAX, bios_rd16(b, cell(b, page, r, cl)));
        return;
    case 0x09:
    case 0x0A: {
        get_cursor(b, page, &r, &cl);
        unsigned n = c->r[R_ECX] & 0xFFFF;
        uint32_t start = cell(b, page, r, cl), end = cell(b, page, rows(b) - 1, cols(b) - 1);
        for (unsigned k = 0; k < n && start + 2 * k <= end; k++) {
            bios_wr8(b, start + 2 * k, al);
            if (ah == 0x09)
                bios_wr8(b, start + 2 * k + 1, bl);
        }
        return;
    }
    case 0x0E:
        tty_char(b, bios_rd8(b, BDA + 0x62), al, 0, 0);
        return;
    case 0x0F:
        set_lo(c, R_EAX, bios_rd8(b, BDA + 0x49));
        set_hi(c, R_EAX, (uint8_t)cols(b));
        set_hi(c, R_EBX, bios_rd8(b, BDA + 0x62));
        return;
    case 0x11:
        if (al == 0x30) { /* font information */
            set16(c, R_ECX, 16);
            set_lo(c, R_EDX, (uint8_t)(rows(b) - 1));
        }
        return;
    case 0x12:
        if (bl == 0x10) { /* EGA/VGA information: colour, 256 KiB */
            set_hi(c, R_EBX, 0);
            set_lo(c, R_EBX, 3);
            set16(c, R_ECX, 0x0009);
        }
        return;
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
    case 0x1A:
        if (al == 0) { /* display combination: VGA colour */
            set_lo(c, R_EAX, 0x1A);
            set16(c, R_EBX, 0x0008);
        }
        return;
    }
}
