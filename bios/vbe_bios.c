/*
 * vbe_bios.c - VESA BIOS Extension 2.0 (VESA VBE Core Functions 2.0) of the
 * built-in BIOS over the Bochs VBE dispi registers (ports 1CEh/1CFh):
 * 4F00h controller information with the mode list, 4F01h mode information
 * (window A at A000h, 64 KiB granules, the linear frame buffer address:
 * BAR0 of the PCI display function, where POST or the OS put it),
 * 4F02h set mode (bit 14: linear frame buffer, bit 15: keep memory),
 * 4F03h current mode, 4F05h window control, 4F06h scan line length, 4F07h
 * display start, 4F08h DAC width, 4F09h palette data.  Standard VGA modes
 * (below 100h) go through the VGA mode set.  A mode that is not in the
 * list, or does not fit, is refused with AX=014Fh; a scan line length that
 * does not fit with AX=024Fh.
 * Left out: 4F04h save/restore state, 4F0Ah protected-mode interface, DDC
 * (all answer 014Fh), 4-bit planar VBE modes, refresh-rate control (VBE 3).
 */
#include <string.h>

#include "bios/int10.h"
#include "bios/pcibios.h"

#define VRAM_64K 256u         /* 16 MiB */

enum { DISPI_ID, DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE, DISPI_BANK, DISPI_VIRT_W, DISPI_VIRT_H,
       DISPI_XOFF, DISPI_YOFF };

struct vbe_mode {
    uint16_t mode, w, h;
    uint8_t bpp;
};

static const struct vbe_mode vbe_modes[] = {
    { 0x100, 640, 400, 8 },    { 0x101, 640, 480, 8 },     { 0x103, 800, 600, 8 },     { 0x105, 1024, 768, 8 },
    { 0x107, 1280, 1024, 8 },  { 0x10D, 320, 200, 15 },    { 0x10E, 320, 200, 16 },    { 0x10F, 320, 200, 24 },
    { 0x110, 640, 480, 15 },   { 0x111, 640, 480, 16 },    { 0x112, 640, 480, 24 },    { 0x113, 800, 600, 15 },
    { 0x114, 800, 600, 16 },   { 0x115, 800, 600, 24 },    { 0x116, 1024, 768, 15 },   { 0x117, 1024, 768, 16 },
    { 0x118, 1024, 768, 24 },  { 0x119, 1280, 1024, 15 },  { 0x11A, 1280, 1024, 16 },  { 0x11B, 1280, 1024, 24 },
    { 0x140, 320, 200, 32 },   { 0x141, 640, 400, 32 },    { 0x142, 640, 480, 32 },    { 0x143, 800, 600, 32 },
    { 0x144, 1024, 768, 32 },  { 0x145, 1280, 1024, 32 },  { 0x146, 1600, 1200, 8 },   { 0x147, 1600, 1200, 16 },
    { 0x148, 1600, 1200, 32 },
};
#define NMODES (sizeof(vbe_modes) / sizeof(vbe_modes[0]))

static uint16_t dispi_rd(struct bios *b, unsigned idx)
{
    portbus_out(b->io, 0x1CE, idx, 2);
    return (uint16_t)portbus_in(b->io, 0x1CF, 2);
}

static void dispi_wr(struct bios *b, unsigned idx, uint16_t v)
{
    portbus_out(b->io, 0x1CE, idx, 2);
    portbus_out(b->io, 0x1CF, v, 2);
}

static unsigned bytes_pp(unsigned bpp) { return (bpp + 7) / 8; }

static const struct vbe_mode *find(uint16_t mode)
{
    for (unsigned k = 0; k < NMODES; k++)
        if (vbe_modes[k].mode == (mode & 0x1FF))
            return &vbe_modes[k];
    return NULL;
}

static bool fits(const struct vbe_mode *m)
{
    return (uint32_t)m->w * m->h * bytes_pp(m->bpp) <= VRAM_64K * 65536u;
}

/* The OEM strings and the mode list in the ROM (F000:VROM_VBE). */
static void rom_tables(struct bios *b)
{
    uint8_t *p = b->rom + VROM_VBE;
    static const char oem[] = "tarsier VBE (Bochs dispi)";
    memcpy(p, oem, sizeof(oem));          /* OEM string, vendor, product, revision at +0 */
    memcpy(p + 0x20, "tarsier", 8);
    memcpy(p + 0x28, "VGA/VBE", 8);
    memcpy(p + 0x30, "1.0", 4);
    unsigned n = 0;
    for (unsigned k = 0; k < NMODES; k++)
        if (fits(&vbe_modes[k])) {
            p[0x40 + 2 * n] = (uint8_t)vbe_modes[k].mode;
            p[0x41 + 2 * n] = (uint8_t)(vbe_modes[k].mode >> 8);
            n++;
        }
    p[0x40 + 2 * n] = 0xFF;
    p[0x41 + 2 * n] = 0xFF;
}

static void controller_info(struct bios *b, struct cpu *c)
{
    uint32_t d = bios_seg_lin(c, SEG_ES, c->r[R_EDI]);
    bool vbe2 = bios_rd32(b, d) == 0x32454256u; /* "VBE2": the caller has room for 512 bytes */
    rom_tables(b);
    for (unsigned i = 0; i < (vbe2 ? 512u : 256u); i++)
        bios_wr8(b, d + i, 0);
    bios_wr32(b, d, 0x41534556u);                       /* "VESA" */
    bios_wr16(b, d + 4, 0x0200);
    bios_wr32(b, d + 6, 0xF0000000u | VROM_VBE);       /* OEM string */
    bios_wr32(b, d + 10, 0x00000001u);                 /* DAC width switchable */
    bios_wr32(b, d + 14, 0xF0000000u | (VROM_VBE + 0x40)); /* mode list */
    bios_wr16(b, d + 18, VRAM_64K);
    if (vbe2) {
        bios_wr16(b, d + 20, 0x0100);
        bios_wr32(b, d + 22, 0xF0000000u | (VROM_VBE + 0x20));
        bios_wr32(b, d + 26, 0xF0000000u | (VROM_VBE + 0x28));
        bios_wr32(b, d + 30, 0xF0000000u | (VROM_VBE + 0x30));
    }
    set16(c, R_EAX, 0x004F);
}

static void mode_info(struct bios *b, struct cpu *c)
{
    const struct vbe_mode *m = find((uint16_t)c->r[R_ECX]);
    if (!m || !fits(m)) {
        set16(c, R_EAX, 0x014F);
        return;
    }
    uint32_t d = bios_seg_lin(c, SEG_ES, c->r[R_EDI]);
    unsigned bpx = bytes_pp(m->bpp), pitch = m->w * bpx;
    for (unsigned i = 0; i < 256; i++)
        bios_wr8(b, d + i, 0);
    uint32_t lfb = bios_pci_lfb(b);
    /* supported, colour, graphics, and a linear frame buffer while the BAR decodes */
    bios_wr16(b, d + 0x00, lfb ? 0x009B : 0x001B);
    bios_wr8(b, d + 0x02, 0x07);    /* window A: exists, readable, writable */
    bios_wr16(b, d + 0x04, 64);
    bios_wr16(b, d + 0x06, 64);
    bios_wr16(b, d + 0x08, 0xA000);
    bios_wr16(b, d + 0x10, (uint16_t)pitch);
    bios_wr16(b, d + 0x12, m->w);
    bios_wr16(b, d + 0x14, m->h);
    bios_wr8(b, d + 0x16, 8);
    bios_wr8(b, d + 0x17, 16);
    bios_wr8(b, d + 0x18, 1);
    bios_wr8(b, d + 0x19, m->bpp);
    bios_wr8(b, d + 0x1A, 1);
    bios_wr8(b, d + 0x1B, m->bpp == 8 ? 4 : 6); /* packed pixel / direct colour */
    uint32_t pages = VRAM_64K * 65536u / (pitch * m->h);
    bios_wr8(b, d + 0x1D, (uint8_t)(pages > 256 ? 255 : pages - 1));
    bios_wr8(b, d + 0x1E, 1);
    static const uint8_t masks[4][8] = { { 5, 10, 5, 5, 5, 0, 1, 15 }, { 5, 11, 6, 5, 5, 0, 0, 0 },
                                         { 8, 16, 8, 8, 8, 0, 0, 0 },  { 8, 16, 8, 8, 8, 0, 8, 24 } };
    if (m->bpp > 8) {
        const uint8_t *mk = masks[m->bpp == 15 ? 0 : m->bpp == 16 ? 1 : m->bpp == 24 ? 2 : 3];
        for (unsigned i = 0; i < 8; i++)
            bios_wr8(b, d + 0x1F + i, mk[i]);
    }
    bios_wr32(b, d + 0x28, lfb);
    set16(c, R_EAX, 0x004F);
}

static void set_mode(struct bios *b, struct cpu *c)
{
    uint16_t bx = (uint16_t)c->r[R_EBX];
    if ((bx & 0x1FF) < 0x100) {
        if (int10_set_mode(b, (uint8_t)((bx & 0x7F) | (bx & 0x8000 ? 0x80 : 0))) == 0)
            set16(c, R_EAX, 0x004F);
        else
            set16(c, R_EAX, 0x014F);
        return;
    }
    const struct vbe_mode *m = find(bx);
    if (!m || !fits(m)) {
        set16(c, R_EAX, 0x014F);
        return;
    }
    uint16_t dac8 = dispi_rd(b, DISPI_ENABLE) & 0x20;
    dispi_wr(b, DISPI_ENABLE, 0);
    if (m->bpp == 8)
        int10_load_dac(b, VK_LINEAR8);
    dispi_wr(b, DISPI_BPP, m->bpp);
    dispi_wr(b, DISPI_XRES, m->w);
    dispi_wr(b, DISPI_YRES, m->h);
    dispi_wr(b, DISPI_BANK, 0);
    dispi_wr(b, DISPI_ENABLE, (uint16_t)(0x01 | dac8 | (bx & 0x4000 ? 0x40 : 0) | (bx & 0x8000 ? 0x80 : 0)));
    if (!(dispi_rd(b, DISPI_ENABLE) & 0x01)) {
        set16(c, R_EAX, 0x014F);
        return;
    }
    bios_wr8(b, BDA + 0x87, (uint8_t)((bios_rd8(b, BDA + 0x87) & 0x7F) | (bx & 0x8000 ? 0x80 : 0)));
    set16(c, R_EAX, 0x004F);
}

static const struct vbe_mode *current(struct bios *b)
{
    if (!(dispi_rd(b, DISPI_ENABLE) & 1))
        return NULL;
    unsigned w = dispi_rd(b, DISPI_XRES), h = dispi_rd(b, DISPI_YRES), bpp = dispi_rd(b, DISPI_BPP);
    for (unsigned k = 0; k < NMODES; k++)
        if (vbe_modes[k].w == w && vbe_modes[k].h == h && vbe_modes[k].bpp == bpp)
            return &vbe_modes[k];
    return NULL;
}

static void scan_lines(struct bios *b, struct cpu *c, const struct vbe_mode *m)
{
    uint8_t bl = reg8_lo(c, R_EBX);
    unsigned bpx = bytes_pp(m->bpp), cx = c->r[R_ECX] & 0xFFFF;
    if (bl == 0 || bl == 2) {
        unsigned px = bl == 0 ? cx : cx / bpx;
        if (px < m->w || (uint64_t)px * bpx * m->h > VRAM_64K * 65536ull || px > 0xFFFF) {
            set16(c, R_EAX, 0x024F);
            return;
        }
        dispi_wr(b, DISPI_VIRT_W, (uint16_t)px);
    } else if (bl == 3) {
        unsigned maxpx = VRAM_64K * 65536u / bpx / m->h;
        if (maxpx > 0xFFFF)
            maxpx = 0xFFFF;
        set16(c, R_EBX, (uint16_t)(maxpx * bpx > 0xFFFF ? 0xFFFF : maxpx * bpx));
        set16(c, R_ECX, (uint16_t)maxpx);
        set16(c, R_EAX, 0x004F);
        return;
    } else if (bl != 1) {
        set16(c, R_EAX, 0x014F);
        return;
    }
    unsigned vw = dispi_rd(b, DISPI_VIRT_W);
    set16(c, R_EBX, (uint16_t)(vw * bpx));
    set16(c, R_ECX, (uint16_t)vw);
    set16(c, R_EDX, dispi_rd(b, DISPI_VIRT_H));
    set16(c, R_EAX, 0x004F);
}

void int10_vbe(struct bios *b, struct cpu *c)
{
    uint8_t al = reg8_lo(c, R_EAX), bl = reg8_lo(c, R_EBX), bh = reg8_hi(c, R_EBX);
    const struct vbe_mode *m;
    switch (al) {
    case 0x00: controller_info(b, c); return;
    case 0x01: mode_info(b, c); return;
    case 0x02: set_mode(b, c); return;
    case 0x03:
        m = current(b);
        set16(c, R_EBX, m ? (uint16_t)(m->mode | (dispi_rd(b, DISPI_ENABLE) & 0x40 ? 0x4000 : 0))
                          : bios_rd8(b, BDA + 0x49));
        set16(c, R_EAX, 0x004F);
        return;
    case 0x05:
        if (!current(b) || bl > 1) {
            set16(c, R_EAX, 0x014F);
            return;
        }
        if (bh == 0) {
            if (bl != 0 || (c->r[R_EDX] & 0xFFFF) >= VRAM_64K) {
                set16(c, R_EAX, 0x014F);
                return;
            }
            dispi_wr(b, DISPI_BANK, (uint16_t)c->r[R_EDX]);
        } else {
            set16(c, R_EDX, dispi_rd(b, DISPI_BANK));
        }
        set16(c, R_EAX, 0x004F);
        return;
    case 0x06:
        if (!(m = current(b))) {
            set16(c, R_EAX, 0x014F);
            return;
        }
        scan_lines(b, c, m);
        return;
    case 0x07:
        if (!current(b)) {
            set16(c, R_EAX, 0x014F);
            return;
        }
        if (bl == 0x00 || bl == 0x80) {
            dispi_wr(b, DISPI_XOFF, (uint16_t)c->r[R_ECX]);
            dispi_wr(b, DISPI_YOFF, (uint16_t)c->r[R_EDX]);
        } else if (bl == 0x01) {
            set_hi(c, R_EBX, 0);
            set16(c, R_ECX, dispi_rd(b, DISPI_XOFF));
            set16(c, R_EDX, dispi_rd(b, DISPI_YOFF));
        } else {
            set16(c, R_EAX, 0x014F);
            return;
        }
        set16(c, R_EAX, 0x004F);
        return;
    case 0x08: {
        uint16_t en = dispi_rd(b, DISPI_ENABLE);
        if (bl == 0) {
            en = (uint16_t)(bh >= 8 ? en | 0x20 : en & ~0x20);
            dispi_wr(b, DISPI_ENABLE, en);
        } else if (bl != 1) {
            set16(c, R_EAX, 0x014F);
            return;
        }
        set_hi(c, R_EBX, (dispi_rd(b, DISPI_ENABLE) & 0x20) ? 8 : 6);
        set16(c, R_EAX, 0x004F);
        return;
    }
    case 0x09: {
        unsigned n = c->r[R_ECX] & 0xFFFF, first = c->r[R_EDX] & 0xFFFF;
        uint32_t t = bios_seg_lin(c, SEG_ES, c->r[R_EDI]);
        if (first + n > 256 || (bl & 0x7F) > 1) {
            set16(c, R_EAX, 0x014F);
            return;
        }
        for (unsigned i = 0; i < n; i++) {
            if ((bl & 0x7F) == 0) { /* table entries: blue, green, red, alignment */
                vga_out(b, 0x3C8, (uint8_t)(first + i));
                vga_out(b, 0x3C9, bios_rd8(b, t + 4 * i + 2));
                vga_out(b, 0x3C9, bios_rd8(b, t + 4 * i + 1));
                vga_out(b, 0x3C9, bios_rd8(b, t + 4 * i));
            } else {
                vga_out(b, 0x3C7, (uint8_t)(first + i));
                uint8_t r = vga_in(b, 0x3C9), g = vga_in(b, 0x3C9), bb = vga_in(b, 0x3C9);
                bios_wr8(b, t + 4 * i, bb);
                bios_wr8(b, t + 4 * i + 1, g);
                bios_wr8(b, t + 4 * i + 2, r);
                bios_wr8(b, t + 4 * i + 3, 0);
            }
        }
        set16(c, R_EAX, 0x004F);
        return;
    }
    default:
        set16(c, R_EAX, 0x014F);
        return;
    }
}
