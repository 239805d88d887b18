/*
 * pngcmp.c - compare two PNG images pixel by pixel (the screenshots of the
 * VGA tests and their goldens).  Decodes 8-bit RGB and RGBA, non-interlaced
 * PNGs with any of the five row filters (zlib for the IDAT stream); exits 0
 * when both have the same size and the same RGB values everywhere, 1 when
 * they differ (with the first difference and a count), 2 on a bad file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct img {
    uint32_t w, h;
    uint8_t *rgb;
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static int load(const char *path, struct img *im)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "pngcmp: cannot open %s\n", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    uint8_t *d = malloc((size_t)n);
    if (!d || fread(d, 1, (size_t)n, f) != (size_t)n || n < 8 || memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
        fprintf(stderr, "pngcmp: %s is not a PNG file\n", path);
        fclose(f);
        free(d);
        return -1;
    }
    fclose(f);
    uint8_t *z = NULL;
    size_t zlen = 0;
    int bpp = 0;
    im->w = im->h = 0;
    for (long p = 8; p + 12 <= n;) {
        uint32_t len = be32(d + p);
        if ((long)len > n - p - 12)
            break;
        const uint8_t *type = d + p + 4, *body = d + p + 8;
        if (!memcmp(type, "IHDR", 4) && len >= 13) {
            im->w = be32(body);
            im->h = be32(body + 4);
            bpp = body[9] == 2 ? 3 : body[9] == 6 ? 4 : 0;
            if (body[8] != 8 || !bpp || body[12] != 0 || im->w > 16384 || im->h > 16384) {
                fprintf(stderr, "pngcmp: %s: only 8-bit RGB/RGBA, non-interlaced\n", path);
                free(d);
                return -1;
            }
        } else if (!memcmp(type, "IDAT", 4)) {
            z = realloc(z, zlen + len);
            memcpy(z + zlen, body, len);
            zlen += len;
        }
        p += 12 + (long)len;
    }
    free(d);
    if (!im->w || !im->h || !z) {
        fprintf(stderr, "pngcmp: %s: no image data\n", path);
        free(z);
        return -1;
    }
    size_t stride = (size_t)im->w * (size_t)bpp, rawlen = (stride + 1) * im->h;
    uint8_t *raw = malloc(rawlen);
    uLongf got = (uLongf)rawlen;
    if (!raw || uncompress(raw, &got, z, (uLong)zlen) != Z_OK || got != rawlen) {
        fprintf(stderr, "pngcmp: %s: bad image data\n", path);
        free(z);
        free(raw);
        return -1;
    }
    free(z);
    im->rgb = malloc((size_t)im->w * im->h * 3);
    uint8_t *prev = calloc(stride, 1), *cur = malloc(stride);
    if (!im->rgb || !prev || !cur) {
        fprintf(stderr, "pngcmp: %s: out of memory\n", path);
        free(im->rgb);
        free(prev);
        free(cur);
        free(raw);
        return -1;
    }
    for (uint32_t y = 0; y < im->h; y++) {
        const uint8_t *r = raw + y * (stride + 1);
        for (size_t x = 0; x < stride; x++) {
            int a = x >= (size_t)bpp ? cur[x - (size_t)bpp] : 0, b = prev[x], c = x >= (size_t)bpp ? prev[x - (size_t)bpp] : 0;
            int v = r[1 + x];
            switch (r[0]) {
            case 1: v += a; break;
            case 2: v += b; break;
            case 3: v += (a + b) / 2; break;
            case 4: v += paeth(a, b, c); break;
            }
            cur[x] = (uint8_t)v;
        }
        for (uint32_t x = 0; x < im->w; x++)
            memcpy(im->rgb + ((size_t)y * im->w + x) * 3, cur + (size_t)x * (size_t)bpp, 3);
        memcpy(prev, cur, stride);
    }
    free(prev);
    free(cur);
    free(raw);
    return 0;
}

/* pngcmp --text FILE W H MINROWS: FILE is WxH and at least MINROWS pixel
 * rows hold both lit and dark pixels (text drawn on a console). */
static int text_check(const char *path, uint32_t w, uint32_t h, uint32_t minrows)
{
    struct img a;
    if (load(path, &a))
        return 2;
    if (a.w != w || a.h != h) {
        printf("pngcmp: %s is %ux%u, expected %ux%u\n", path, a.w, a.h, w, h);
        free(a.rgb);
        return 1;
    }
    uint32_t rows = 0;
    for (uint32_t y = 0; y < a.h; y++) {
        uint32_t lit = 0;
        for (uint32_t x = 0; x < a.w; x++) {
            const uint8_t *p = a.rgb + 3 * ((size_t)y * a.w + x);
            lit += p[0] + p[1] + p[2] > 96;
        }
        rows += lit > 0 && lit < a.w;
    }
    printf("pngcmp: %s: %ux%u, %u rows with text\n", path, a.w, a.h, rows);
    free(a.rgb);
    return rows >= minrows ? 0 : 1;
}

static int compare(const struct img *a, const struct img *b);

int main(int argc, char **argv)
{
    struct img a, b;
    if (argc == 6 && !strcmp(argv[1], "--text"))
        return text_check(argv[2], (uint32_t)atoi(argv[3]), (uint32_t)atoi(argv[4]), (uint32_t)atoi(argv[5]));
    if (argc != 3) {
        fprintf(stderr, "usage: pngcmp A.png B.png | pngcmp --text FILE W H MINROWS\n");
        return 2;
    }
    if (load(argv[1], &a))
        return 2;
    if (load(argv[2], &b)) {
        free(a.rgb);
        return 2;
    }
    int rc = compare(&a, &b);
    free(a.rgb);
    free(b.rgb);
    return rc;
}

static int compare(const struct img *a, const struct img *b)
{
    if (a->w != b->w || a->h != b->h) {
        printf("pngcmp: sizes differ: %ux%u vs %ux%u\n", a->w, a->h, b->w, b->h);
        return 1;
    }
    size_t diff = 0, first = 0;
    for (size_t i = 0; i < (size_t)a->w * a->h; i++)
        if (memcmp(a->rgb + 3 * i, b->rgb + 3 * i, 3) && !diff++)
            first = i;
    if (diff) {
        const uint8_t *p = a->rgb + 3 * first, *q = b->rgb + 3 * first;
        printf("pngcmp: %zu pixels differ; first at (%zu,%zu): %02x%02x%02x vs %02x%02x%02x\n", diff,
               first % a->w, first / a->w, p[0], p[1], p[2], q[0], q[1], q[2]);
        return 1;
    }
    printf("pngcmp: %ux%u, identical\n", a->w, a->h);
    return 0;
}
