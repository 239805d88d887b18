/*
 * png.h - a small PNG encoder (ISO/IEC 15948: signature, IHDR, one zlib
 * IDAT stream, IEND, CRC-32 per chunk) for screenshots: 8-bit RGB, no
 * interlace, filter type Sub on every row.
 */
#ifndef TARSIER_PNG_H
#define TARSIER_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Write w x h XRGB8888 pixels (0x00RRGGBB, stride in pixels) to path as an
 * RGB PNG.  Returns 0, or -1 with a message in err. */
int png_write_xrgb(const char *path, const uint32_t *px, int w, int h, int stride, char *err, size_t errlen);

#endif
