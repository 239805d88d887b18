/*
 * vga_fontgen.c - generates bios/vga_font.c, the built-in BIOS's 8x16, 8x14
 * and 8x8 code page 437 fonts (see docs/vga.md).  Letters, digits and
 * symbols come from the public-domain X11 misc-fixed bitmap fonts 8x13,
 * 7x14 and 5x8 (Debian package xfonts-base, read through FreeType), placed
 * in the cell; box drawing, block and shade characters (B0h-DFh) are drawn
 * here geometrically so that they join across cells.
 * Run: apt-get install xfonts-base libfreetype-dev;
 *      cc -O2 scripts/vga_fontgen.c $(pkg-config --cflags --libs freetype2) -o fontgen &&
 *      ./fontgen /usr/share/fonts/X11/misc > bios/vga_font.c
 */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned short cp437[256] = {
    0x0000, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640,
    0x266A, 0x266B, 0x263C, 0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8, 0x2191, 0x2193,
    0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC,
    ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', '0', '1', '2', '3', '4',
    '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', '@', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I',
    'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '[', '\\', ']', '^',
    '_', '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 0x2302,
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE,
    0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6,
    0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA,
    0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D,
    0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554,
    0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553,
    0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E,
    0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219,
    0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

/* Box drawing B3h-DAh: arms up, down, left, right (0 none, 1 single, 2 double). */
static const char *const box[] = {
    /* B3 */ "1100", "1110", "1120", "2210", "0210", "0120", "2220", "2200", "0220", "2020", "2010", "1020", "0110",
    /* C0 */ "1001", "1011", "0111", "1101", "0011", "1111", "1102", "2201", "2002", "0202", "2022", "0222", "2202",
    /* CD */ "0022", "2222", "1022", "2011", "0122", "0211", "2001", "1002", "0102", "0201", "2211", "1122",
    /* D9 */ "1010", "0101",
};

static void put(unsigned char *g, int x, int y, int h)
{
    if (x >= 0 && x < 8 && y >= 0 && y < h)
        g[y] |= (unsigned char)(0x80 >> x);
}

static void clr(unsigned char *g, int x, int y, int h)
{
    if (x >= 0 && x < 8 && y >= 0 && y < h)
        g[y] &= (unsigned char)~(0x80 >> x);
}

static void draw_box(unsigned char *g, int h, const char *a)
{
    int U = a[0] - '0', D = a[1] - '0', L = a[2] - '0', R = a[3] - '0';
    int c = h / 2 - 1, cx = 3;
    int vthru = U && D, hthru = L && R;
    int vd = U == 2 || D == 2, hd = L == 2 || R == 2;
    int both = vd && hd;
    /* double arms meeting double arms: 3-pixel bands, then hollow centre lines */
    if (both) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < 8; x++) {
                int in = 0;
                if (U == 2 && x >= cx - 1 && x <= cx + 1 && y <= c + 1) in = 1;
                if (D == 2 && x >= cx - 1 && x <= cx + 1 && y >= c - 1) in = 1;
                if (L == 2 && y >= c - 1 && y <= c + 1 && x <= cx + 1) in = 1;
                if (R == 2 && y >= c - 1 && y <= c + 1 && x >= cx - 1) in = 1;
                if (in)
                    put(g, x, y, h);
            }
        for (int y = 0; y < h; y++) {
            if ((U == 2 && y <= c) || (D == 2 && y >= c))
                clr(g, cx, y, h);
        }
        for (int x = 0; x < 8; x++)
            if ((L == 2 && x <= cx) || (R == 2 && x >= cx))
                clr(g, x, c, h);
    }
    /* the other arms */
    for (int arm = 0; arm < 4; arm++) {
        int w = arm == 0 ? U : arm == 1 ? D : arm == 2 ? L : R;
        if (!w || (w == 2 && both))
            continue;
        int vertical = arm < 2;
        int perp_double = vertical ? hd : vd, perp_thru = vertical ? hthru : vthru;
        int lo, hi;
        int centre = vertical ? c : cx;
        int len = vertical ? h : 8;
        if (w == 1 && perp_double && perp_thru) { /* stops at the near double line */
            lo = (arm == 0 || arm == 2) ? 0 : centre + 2;
            hi = (arm == 0 || arm == 2) ? centre - 2 : len - 1;
        } else {
            lo = (arm == 0 || arm == 2) ? 0 : centre;
            hi = (arm == 0 || arm == 2) ? centre : len - 1;
        }
        int offs[2] = { 0, 0 }, n = 1;
        if (w == 2) {
            offs[0] = -1;
            offs[1] = 1;
            n = 2;
        }
        for (int k = 0; k < n; k++)
            for (int t = lo; t <= hi; t++) {
                if (vertical)
                    put(g, cx + offs[k], t, h);
                else
                    put(g, t, c + offs[k], h);
            }
    }
}

static void draw_special(unsigned char *g, int h, int ch)
{
    for (int y = 0; y < h; y++) {
        unsigned char row = 0;
        switch (ch) {
        case 0xB0: row = (y & 1) ? 0x22 : 0x88; break;
        case 0xB1: row = (y & 1) ? 0x55 : 0xAA; break;
        case 0xB2: row = (y & 1) ? 0xDD : 0x77; break;
        case 0xDB: row = 0xFF; break;
        case 0xDC: row = y >= h / 2 ? 0xFF : 0; break;
        case 0xDD: row = 0xF0; break;
        case 0xDE: row = 0x0F; break;
        case 0xDF: row = y < h / 2 ? 0xFF : 0; break;
        }
        g[y] = row;
    }
}

struct src {
    FT_Face face;
    int h, top, ascent;          /* cell height, first row of the font's box, its ascent */
};

static void render(const struct src *f, unsigned char *g, int ch)
{
    int h = f->h;
    memset(g, 0, (size_t)h);
    if (ch >= 0xB3 && ch <= 0xDA) {
        draw_box(g, h, box[ch - 0xB3]);
        return;
    }
    if ((ch >= 0xB0 && ch <= 0xB2) || (ch >= 0xDB && ch <= 0xDF)) {
        draw_special(g, h, ch);
        return;
    }
    unsigned cp = cp437[ch];
    if (cp == 0 || cp == 0x20 || cp == 0xA0)
        return;
    FT_UInt gi = FT_Get_Char_Index(f->face, cp);
    if (!gi || FT_Load_Glyph(f->face, gi, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO | FT_LOAD_MONOCHROME)) {
        fprintf(stderr, "%d rows: no glyph for %02X (U+%04X)\n", h, ch, cp);
        return;
    }
    FT_GlyphSlot s = f->face->glyph;
    int adv = (int)(s->advance.x >> 6);
    int x0 = s->bitmap_left + (8 - adv + 1) / 2;
    int y0 = f->top + f->ascent - s->bitmap_top;
    for (unsigned r = 0; r < s->bitmap.rows; r++)
        for (unsigned col = 0; col < s->bitmap.width; col++) {
            const unsigned char *row = s->bitmap.buffer + r * (unsigned)s->bitmap.pitch;
            if (row[col >> 3] & (0x80 >> (col & 7)))
                put(g, x0 + (int)col, y0 + (int)r, h);
        }
}

static void emit(const struct src *f, const char *name)
{
    printf("const uint8_t %s[256 * %d] = {\n", name, f->h);
    for (int ch = 0; ch < 256; ch++) {
        unsigned char g[16];
        render(f, g, ch);
        printf("    ");
        for (int y = 0; y < f->h; y++)
            printf("0x%02x,%s", g[y], y + 1 < f->h ? " " : "");
        printf(" /* %02x */\n", ch);
    }
    printf("};\n\n");
}

static int open_font(FT_Library lib, const char *dir, const char *file, struct src *f, int h, int top)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (FT_New_Face(lib, path, 0, &f->face)) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    FT_Select_Charmap(f->face, FT_ENCODING_UNICODE);
    if (f->face->num_fixed_sizes > 0)
        FT_Select_Size(f->face, 0);
    f->h = h;
    f->top = top;
    f->ascent = (int)(f->face->size->metrics.ascender >> 6);
    return 0;
}

int main(int argc, char **argv)
{
    FT_Library lib;
    struct src f16, f14, f8;
    if (argc != 2 || FT_Init_FreeType(&lib)) {
        fprintf(stderr, "usage: fontgen /usr/share/fonts/X11/misc\n");
        return 1;
    }
    if (open_font(lib, argv[1], "8x13.pcf.gz", &f16, 16, 2) || open_font(lib, argv[1], "7x14.pcf.gz", &f14, 14, 0) ||
        open_font(lib, argv[1], "5x8.pcf.gz", &f8, 8, 0))
        return 1;
    printf("/*\n * vga_font.c - the built-in BIOS's code page 437 fonts, 8x16, 8x14 and 8x8.\n"
           " * Generated by scripts/vga_fontgen.c from the public-domain X11 misc-fixed\n"
           " * fonts 8x13, 7x14 and 5x8 (\"Public domain font.  Share and enjoy.\"); box\n"
           " * drawing, block and shade characters are drawn by the generator.  Do not\n"
           " * edit by hand; see docs/vga.md.\n */\n"
           "#include \"bios/vga_font.h\"\n\n");
    emit(&f16, "vga_font8x16");
    emit(&f14, "vga_font8x14");
    emit(&f8, "vga_font8x8");
    return 0;
}
