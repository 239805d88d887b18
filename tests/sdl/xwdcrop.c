/*
 * xwdcrop.c - turn a window dump from xwd (X Window Dump format, version 7:
 * a header of big-endian 32-bit fields, the window name, the colour map,
 * then the pixels) into a PNG of a rectangle of it, for comparing what the
 * SDL window shows with tarsier's own screendump.  Handles the ZPixmap
 * formats of TrueColor visuals with 24 or 32 bits per pixel in either byte
 * order.  Prints the number of pixels outside the rectangle that are not
 * black (the letterbox bars must be).
 *
 * usage: xwdcrop IN.xwd OUT.png [X Y W H]   (default: the whole window)
 * exit status 0, or 2 on a bad file or rectangle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/png.h"

enum { XWD_HEADER_SIZE, XWD_FILE_VERSION, XWD_PIXMAP_FORMAT, XWD_PIXMAP_DEPTH, XWD_PIXMAP_WIDTH, XWD_PIXMAP_HEIGHT, XWD_XOFFSET,
       XWD_BYTE_ORDER, XWD_BITMAP_UNIT, XWD_BITMAP_BIT_ORDER, XWD_BITMAP_PAD, XWD_BITS_PER_PIXEL, XWD_BYTES_PER_LINE, XWD_VISUAL_CLASS,
       XWD_RED_MASK, XWD_GREEN_MASK, XWD_BLUE_MASK, XWD_BITS_PER_RGB, XWD_COLORMAP_ENTRIES, XWD_NCOLORS, XWD_NFIELDS = 25 };

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The 8-bit value of the mask's bits in px. */
static uint32_t channel(uint32_t px, uint32_t mask)
{
    if (!mask)
        return 0;
    int shift = 0;
    while (!((mask >> shift) & 1))
        shift++;
    uint32_t v = (px & mask) >> shift, max = mask >> shift;
    return (v * 255 + max / 2) / max;
}

static int fail(const char *msg, const char *path)
{
    fprintf(stderr, "xwdcrop: %s: %s\n", path, msg);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 7) {
        fprintf(stderr, "usage: xwdcrop IN.xwd OUT.png [X Y W H]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return fail("cannot open", argv[1]);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < XWD_NFIELDS * 4 || size > (1l << 30)) {
        fclose(f);
        return fail("not an xwd file", argv[1]);
    }
    uint8_t *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return fail("cannot read", argv[1]);
    }
    fclose(f);
    uint32_t h[XWD_NFIELDS];
    for (int i = 0; i < XWD_NFIELDS; i++)
        h[i] = be32(buf + 4 * i);
    uint32_t w = h[XWD_PIXMAP_WIDTH], ht = h[XWD_PIXMAP_HEIGHT], bpp = h[XWD_BITS_PER_PIXEL], bpl = h[XWD_BYTES_PER_LINE];
    uint64_t data = (uint64_t)h[XWD_HEADER_SIZE] + (uint64_t)h[XWD_NCOLORS] * 12;
    if (h[XWD_FILE_VERSION] != 7 || h[XWD_PIXMAP_FORMAT] != 2 || (bpp != 24 && bpp != 32) || !w || !ht ||
        w > 16384 || ht > 16384 || (uint64_t)bpl < (uint64_t)w * bpp / 8 ||
        data + (uint64_t)bpl * ht > (uint64_t)size) {
        free(buf);
        return fail("unsupported xwd (need version 7, ZPixmap, 24/32 bits per pixel)", argv[1]);
    }
    long x0 = 0, y0 = 0, cw = w, ch = ht;
    if (argc == 7) {
        x0 = atol(argv[3]);
        y0 = atol(argv[4]);
        cw = atol(argv[5]);
        ch = atol(argv[6]);
    }
    if (x0 < 0 || y0 < 0 || cw <= 0 || ch <= 0 || x0 + cw > (long)w || y0 + ch > (long)ht) {
        free(buf);
        return fail("rectangle outside the window", argv[1]);
    }
    uint32_t *px = malloc((size_t)w * ht * 4);
    if (!px) {
        free(buf);
        return fail("out of memory", argv[1]);
    }
    unsigned bytes = bpp / 8;
    long outside = 0;
    for (uint32_t y = 0; y < ht; y++)
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *p = buf + data + (uint64_t)y * bpl + (uint64_t)x * bytes;
            uint32_t v = 0;
            for (unsigned k = 0; k < bytes; k++) /* byte order 0: least significant byte first */
                v |= (uint32_t)p[h[XWD_BYTE_ORDER] ? k : bytes - 1 - k] << (8 * (bytes - 1 - k));
            uint32_t rgb = channel(v, h[XWD_RED_MASK]) << 16 | channel(v, h[XWD_GREEN_MASK]) << 8 |
                           channel(v, h[XWD_BLUE_MASK]);
            px[(size_t)y * w + x] = rgb;
            if (rgb && ((long)x < x0 || (long)x >= x0 + cw || (long)y < y0 || (long)y >= y0 + ch))
                outside++;
        }
    char err[256];
    int rc = png_write_xrgb(argv[2], px + (size_t)y0 * w + (size_t)x0, (int)cw, (int)ch, (int)w, err, sizeof(err));
    if (rc)
        fprintf(stderr, "xwdcrop: %s\n", err);
    else
        printf("%ld\n", outside);
    free(px);
    free(buf);
    return rc ? 2 : 0;
}
