/*
 * png.c - the PNG encoder of png.h.  The image data is deflated with zlib in
 * one pass; the chunk CRCs use zlib's crc32 (the PNG CRC is the same
 * polynomial).  Left out: palette/alpha/16-bit formats, interlacing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "machine/png.h"

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t hdr[8];
    be32(hdr, len);
    memcpy(hdr + 4, type, 4);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, len);
    uint8_t tail[4];
    be32(tail, (uint32_t)crc);
    return fwrite(hdr, 1, 8, f) != 8 || (len && fwrite(data, 1, len, f) != len) || fwrite(tail, 1, 4, f) != 4
               ? -1
               : 0;
}

int png_write_xrgb(const char *path, const uint32_t *px, int w, int h, int stride, char *err, size_t errlen)
{
    if (w <= 0 || h <= 0 || stride < w) {
        snprintf(err, errlen, "%s: empty image", path);
        return -1;
    }
    size_t rowlen = (size_t)w * 3 + 1, rawlen = rowlen * (size_t)h;
    uint8_t *raw = malloc(rawlen);
    uLongf zlen = compressBound((uLong)rawlen);
    uint8_t *z = malloc(zlen);
    if (!raw || !z) {
        free(raw);
        free(z);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    for (int y = 0; y < h; y++) {
        uint8_t *r = raw + (size_t)y * rowlen;
        const uint32_t *s = px + (size_t)y * (size_t)stride;
        r[0] = 1; /* filter Sub: each byte minus the same channel of the pixel to its left */
        uint8_t prev[3] = { 0, 0, 0 };
        for (int x = 0; x < w; x++) {
            uint8_t c[3] = { (uint8_t)(s[x] >> 16), (uint8_t)(s[x] >> 8), (uint8_t)s[x] };
            for (int k = 0; k < 3; k++) {
                r[1 + 3 * x + k] = (uint8_t)(c[k] - prev[k]);
                prev[k] = c[k];
            }
        }
    }
    int rc = compress2(z, &zlen, raw, (uLong)rawlen, 6);
    free(raw);
    if (rc != Z_OK) {
        free(z);
        snprintf(err, errlen, "%s: zlib error %d", path, rc);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    uint8_t ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, adaptive filtering, no interlace */
    int bad = fwrite(sig, 1, 8, f) != 8 || chunk(f, "IHDR", ihdr, 13) || chunk(f, "IDAT", z, (uint32_t)zlen) ||
              chunk(f, "IEND", NULL, 0);
    free(z);
    if (fclose(f) || bad) {
        snprintf(err, errlen, "cannot write '%s'", path);
        return -1;
    }
    return 0;
}
