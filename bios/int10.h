/*
 * int10.h - shared between the built-in BIOS's video files: int10.c (text,
 * cursor, scrolling, characters and pixels), int10_mode.c (mode tables,
 * fonts, palettes, the EGA/VGA information calls) and vbe_bios.c (VBE 2.0).
 */
#ifndef TARSIER_INT10_H
#define TARSIER_INT10_H

#include "bios/bios.h"

#define BDA 0x400u

/* ROM layout of the video BIOS data (offsets in segment F000h) */
#define VROM_FONT16 0xA000u
#define VROM_FONT14 0xB000u
#define VROM_VBE 0xBE00u        /* VBE OEM string and mode list */
#define VROM_STATIC 0xBF80u     /* INT 10h/1Bh static functionality table */
#define VROM_FONT8 0xC000u
#define VROM_FONT8_LOW 0xFA6Eu  /* the IBM location of the lower 128 8x8 glyphs */

enum vkind { VK_TEXT, VK_MONO, VK_CGA4, VK_CGA2, VK_PLANAR, VK_LINEAR8 };

struct vmode {
    uint8_t mode, kind, char_h;
    uint16_t cols, width, height;
    uint8_t misc, seq[4], crtc[25], attr[20], gc[9];
};

const struct vmode *int10_find_mode(uint8_t mode);
const struct vmode *int10_cur_mode(struct bios *b);
int int10_set_mode(struct bios *b, uint8_t al);
void int10_palette(struct bios *b, struct cpu *c);
void int10_font(struct bios *b, struct cpu *c);
void int10_info(struct bios *b, struct cpu *c);
void int10_load_font(struct bios *b, const uint8_t *font, unsigned h, unsigned first, unsigned count,
                     unsigned block);
void int10_load_dac(struct bios *b, int kind);
void int10_vbe(struct bios *b, struct cpu *c);
void int10_rom_init(struct bios *b);
void int10_put_pixel(struct bios *b, const struct vmode *m, unsigned x, unsigned y, uint8_t color);
uint8_t int10_get_pixel(struct bios *b, const struct vmode *m, unsigned x, unsigned y);

static inline void vga_out(struct bios *b, uint16_t port, uint8_t v) { portbus_out(b->io, port, v, 1); }
static inline uint8_t vga_in(struct bios *b, uint16_t port) { return (uint8_t)portbus_in(b->io, port, 1); }
static inline void vga_idx(struct bios *b, uint16_t port, uint8_t idx, uint8_t v)
{
    portbus_out(b->io, port, idx, 1);
    portbus_out(b->io, (uint16_t)(port + 1), v, 1);
}

#endif
