/*
 * unit_vga.c - Check unit tests of the VGA and the Bochs VBE registers,
 * driven through ports and the A0000h window of a real board: the DAC's
 * index auto-increment, 6-bit values and PEL mask, the attribute flip-flop,
 * colour/mono CRTC addressing, the retrace bit on the virtual clock, write
 * modes 0-3 with latches, set/reset, function and bit mask, read modes 0/1,
 * chain-4 and odd/even addressing, the memory map select, dispi mode
 * checks, and the renderer's survival of nonsense register values.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/testlib.h"

/* A board with the default ROM (the VGA's view of A0000h is what counts). */
static struct machine *board(void)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.no_rom = false;
    return testlib_create(&cfg);
}

static void gc(struct machine *m, uint8_t i, uint8_t v) { outw(m, 0x3CE, (uint16_t)(v << 8 | i)); }
static void seq(struct machine *m, uint8_t i, uint8_t v) { outw(m, 0x3C4, (uint16_t)(v << 8 | i)); }
static uint8_t rd(struct machine *m, uint32_t a) { return (uint8_t)memmap_read(&m->mem, a, 1); }
static void wr(struct machine *m, uint32_t a, uint8_t v) { memmap_write(&m->mem, a, v, 1); }

/* The byte of plane p at a, through read mode 0's read map select. */
static uint8_t plane_rd(struct machine *m, uint8_t p, uint32_t a)
{
    gc(m, 4, p);
    return rd(m, a);
}

/* Load the latches from `from`, then write v to a in write mode `mode`. */
static void latched_wr(struct machine *m, uint32_t from, uint8_t mode, uint32_t a, uint8_t v)
{
    rd(m, from);
    gc(m, 5, mode);
    wr(m, a, v);
    gc(m, 5, 0x00);
}

/* Planar 16-colour state (mode 12h's sequencer and graphics controller). */
static void planar(struct machine *m)
{
    seq(m, 2, 0x0F);
    seq(m, 4, 0x06);
    gc(m, 5, 0x00);
    gc(m, 6, 0x05);
    gc(m, 8, 0xFF);
}

START_TEST(test_dac)
{
    struct machine *m = board();
    outb(m, 0x3C8, 10);
    ck_assert_uint_eq(inb(m, 0x3C7) & 3, 0); /* write mode */
    const uint8_t v[6] = { 0x3F, 0x41, 0x12, 0x01, 0x02, 0xFF };
    for (int k = 0; k < 6; k++)
        outb(m, 0x3C9, v[k]);
    ck_assert_uint_eq(inb(m, 0x3C8), 12); /* index advanced by two entries */
    outb(m, 0x3C7, 10);
    ck_assert_uint_eq(inb(m, 0x3C7) & 3, 3);
    const uint8_t want[6] = { 0x3F, 0x01, 0x12, 0x01, 0x02, 0x3F }; /* 6-bit values */
    for (int k = 0; k < 6; k++)
        ck_assert_uint_eq(inb(m, 0x3C9), want[k]);
    outb(m, 0x3C6, 0x0F);
    ck_assert_uint_eq(inb(m, 0x3C6), 0x0F);
    machine_destroy(m);
}
END_TEST

START_TEST(test_attr_crtc_retrace)
{
    struct machine *m = board();
    inb(m, 0x3DA);             /* flip-flop to index */
    outb(m, 0x3C0, 0x05);
    outb(m, 0x3C0, 0x2A);      /* data */
    outb(m, 0x3C0, 0x25);      /* index again, palette source on */
    ck_assert_uint_eq(inb(m, 0x3C1), 0x2A);
    ck_assert_uint_eq(inb(m, 0x3C0), 0x25);
    /* colour addressing: CRTC at 3D4h; 3B4h does not answer */
    outb(m, 0x3D4, 0x0C);
    outb(m, 0x3D5, 0x12);
    ck_assert_uint_eq(inb(m, 0x3B5), 0xFF);
    outb(m, 0x3C2, 0x66);      /* mono addressing */
    outb(m, 0x3B4, 0x0C);
    ck_assert_uint_eq(inb(m, 0x3B5), 0x12);
    ck_assert_uint_eq(inb(m, 0x3D5), 0xFF);
    ck_assert_uint_eq(inb(m, 0x3CC), 0x66);
    outb(m, 0x3C2, 0x67);
    /* vertical retrace in the first millisecond of each 70 Hz frame */
    m->cpu.icount = 0;
    machine_sync_clock(m);
    int seen_on = inb(m, 0x3DA) & 8;
    m->cpu.icount = 5000000 / MACHINE_NS_PER_INSN; /* 5 ms */
    machine_sync_clock(m);
    int seen_off = inb(m, 0x3DA) & 8;
    ck_assert_int_ne(seen_on, 0);
    ck_assert_int_eq(seen_off, 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_write_modes)
{
    struct machine *m = board();
    planar(m);
    /* write mode 0 with set/reset on planes 0 and 2, CPU data on 1 and 3 */
    gc(m, 0, 0x05);
    gc(m, 1, 0x05);
    wr(m, 0xA0000, 0x3C);
    gc(m, 1, 0x00);
    for (uint8_t p = 0; p < 4; p++)
        ck_assert_uint_eq(plane_rd(m, p, 0xA0000), p == 0 || p == 2 ? 0xFF : 0x3C);
    /* latches + bit mask: only bits 0F change, the rest keep the latched byte */
    gc(m, 8, 0x0F);
    latched_wr(m, 0xA0000, 0x00, 0xA0000, 0x00);
    gc(m, 8, 0xFF);
    ck_assert_uint_eq(plane_rd(m, 1, 0xA0000), 0x30);
    /* function XOR with rotate 4: data 0F rotated -> F0 */
    gc(m, 3, 0x18 | 4);
    latched_wr(m, 0xA0000, 0x00, 0xA0000, 0x0F);
    gc(m, 3, 0);
    ck_assert_uint_eq(plane_rd(m, 1, 0xA0000), 0x30 ^ 0xF0);
    /* write mode 1 copies the latches of another address */
    latched_wr(m, 0xA0000, 0x01, 0xA0010, 0x55);
    for (uint8_t p = 0; p < 4; p++)
        ck_assert_uint_eq(plane_rd(m, p, 0xA0010), rd(m, 0xA0000));
    /* write mode 2: colour 9 (planes 0 and 3) under bit mask 81h */
    gc(m, 8, 0x81);
    latched_wr(m, 0xA0020, 0x02, 0xA0020, 0x09);
    gc(m, 8, 0xFF);
    ck_assert_uint_eq(plane_rd(m, 0, 0xA0020), 0x81);
    ck_assert_uint_eq(plane_rd(m, 1, 0xA0020), 0x00);
    /* write mode 3: set/reset colour 6 through the CPU byte as bit mask */
    gc(m, 0, 0x06);
    latched_wr(m, 0xA0030, 0x03, 0xA0030, 0xF0);
    ck_assert_uint_eq(plane_rd(m, 1, 0xA0030), 0xF0);
    ck_assert_uint_eq(plane_rd(m, 0, 0xA0030), 0x00);
    /* read mode 1: where is colour 9 at A0020h? bits 7 and 0 */
    gc(m, 2, 0x09);
    gc(m, 7, 0x0F);
    gc(m, 5, 0x08);
    ck_assert_uint_eq(rd(m, 0xA0020), 0x81);
    gc(m, 7, 0x00); /* every plane "don't care": all ones */
    ck_assert_uint_eq(rd(m, 0xA0020), 0xFF);
    machine_destroy(m);
}
END_TEST

START_TEST(test_chain4_oddeven_window)
{
    struct machine *m = board();
    /* power-on text mode: odd/even at B8000h, A0000h not decoded */
    wr(m, 0xB8000, 'A');
    wr(m, 0xB8001, 0x1E);
    ck_assert_uint_eq(rd(m, 0xB8000), 'A');
    ck_assert_uint_eq(rd(m, 0xB8001), 0x1E);
    ck_assert_uint_eq(vga_text_peek(&m->vga, 0), 0x1E41);
    ck_assert_uint_eq(rd(m, 0xA0000), 0xFF);
    ck_assert_uint_eq(m->vga.vram[0], 'A');  /* plane 0, address 0 */
    ck_assert_uint_eq(m->vga.vram[1], 0x1E); /* plane 1, address 0 */
    /* chain-4 (mode 13h): byte 5 lands in plane 1 at plane address 4 */
    seq(m, 4, 0x0E);
    gc(m, 5, 0x40);
    gc(m, 6, 0x05);
    wr(m, 0xA0005, 0x77);
    ck_assert_uint_eq(m->vga.vram[4 * 4 + 1], 0x77);
    ck_assert_uint_eq(rd(m, 0xA0005), 0x77);
    ck_assert_uint_eq(rd(m, 0xB8000), 0xFF); /* outside the 64 KiB window */
    /* unchained: the same byte is at plane 1, offset 4 */
    seq(m, 4, 0x06);
    gc(m, 4, 1);
    ck_assert_uint_eq(rd(m, 0xA0004), 0x77);
    machine_destroy(m);
}
END_TEST

START_TEST(test_vbe_dispi)
{
    struct machine *m = board();
    outw(m, 0x1CE, 0);
    ck_assert_uint_eq(inw(m, 0x1CF), 0xB0C5);
    outw(m, 0x1CE, 10);
    ck_assert_uint_eq(inw(m, 0x1CF), 256); /* 16 MiB in 64 KiB units */
    /* impossible modes are not enabled */
    const uint16_t bad[][3] = { { 0, 480, 8 }, { 640, 0, 8 }, { 640, 480, 7 }, { 4096, 4096, 32 } };
    for (unsigned k = 0; k < 4; k++) {
        outw(m, 0x1CE, 1); outw(m, 0x1CF, bad[k][0]);
        outw(m, 0x1CE, 2); outw(m, 0x1CF, bad[k][1]);
        outw(m, 0x1CE, 3); outw(m, 0x1CF, bad[k][2]);
        outw(m, 0x1CE, 4); outw(m, 0x1CF, 0x41);
        ck_assert_uint_eq(inw(m, 0x1CF) & 1, 0);
        ck_assert_ptr_nonnull(vga_render(&m->vga));
    }
    outw(m, 0x1CE, 1); outw(m, 0x1CF, 1024);
    outw(m, 0x1CE, 2); outw(m, 0x1CF, 768);
    outw(m, 0x1CE, 3); outw(m, 0x1CF, 32);
    outw(m, 0x1CE, 4); outw(m, 0x1CF, 0x41);
    ck_assert_uint_eq(inw(m, 0x1CF) & 1, 1);
    /* the frame buffer is BAR0 of the PCI display function 00:02.0: place it
     * and enable memory decode as firmware does */
    portbus_out(&m->io, 0xCF8, 0x80001010u, 4);
    portbus_out(&m->io, 0xCFC, VGA_LFB_BASE, 4);
    portbus_out(&m->io, 0xCF8, 0x80001004u, 4);
    portbus_out(&m->io, 0xCFC, 0x0002, 2);
    memmap_write(&m->mem, VGA_LFB_BASE + 4, 0x00123456, 4);
    /* the banked window shows the same memory */
    outw(m, 0x1CE, 5); outw(m, 0x1CF, 0);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xA0004, 4), 0x00123456);
    const struct vga_frame *f = vga_render(&m->vga);
    ck_assert_int_eq(f->width, 1024);
    ck_assert_int_eq(f->height, 768);
    ck_assert_uint_eq(f->pixels[1], 0x123456);
    ck_assert_int_gt(f->nrects, 0);
    /* nothing changed: nothing to redraw */
    f = vga_render(&m->vga);
    ck_assert_int_eq(f->nrects, 0);
    /* a display start far beyond memory renders black, never out of bounds */
    outw(m, 0x1CE, 9); outw(m, 0x1CF, 0xFFFF);
    outw(m, 0x1CE, 6); outw(m, 0x1CF, 0xFFFF);
    f = vga_render(&m->vga);
    ck_assert_uint_eq(f->pixels[0], 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_render_nonsense)
{
    struct machine *m = board();
    srand(7);
    for (int round = 0; round < 300; round++) {
        for (int k = 0; k < 40; k++) {
            outb(m, 0x3D4, (uint8_t)(rand() & 0x3F));
            outb(m, 0x3D5, (uint8_t)rand());
        }
        outb(m, 0x3C4, (uint8_t)(rand() & 7));
        outb(m, 0x3C5, (uint8_t)rand());
        outb(m, 0x3CE, (uint8_t)(rand() & 15));
        outb(m, 0x3CF, (uint8_t)rand());
        inb(m, 0x3DA);
        outb(m, 0x3C0, (uint8_t)(rand() & 0x3F));
        outb(m, 0x3C0, (uint8_t)rand());
        wr(m, 0xA0000 + (uint32_t)(rand() & 0x1FFFF), (uint8_t)rand());
        const struct vga_frame *f = vga_render(&m->vga);
        ck_assert_int_gt(f->width, 0);
        ck_assert_int_le(f->width, VGA_MAX_W);
        ck_assert_int_le(f->height, VGA_MAX_H);
    }
    machine_destroy(m);
}
END_TEST

int main(void)
{
    return testlib_main("vga", "vga", 60,
                        (const TTest *const[]){ test_dac, test_attr_crtc_retrace, test_write_modes,
                                                test_chain4_oddeven_window, test_vbe_dispi, test_render_nonsense,
                                                NULL });
}
