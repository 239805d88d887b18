/*
 * vga_render.c - host rendering speed of the VGA/VBE frame: frames per
 * second of vga_render() in mode 13h (320x200, chain-4, 256 colours) and in
 * the Bochs VBE mode 1024x768x32, with every pixel of display memory changed
 * before each frame (so every line is re-rendered).  The guest-side stores
 * go through the memory map as CPU stores would (A0000h window, linear frame
 * buffer); their time is reported separately.
 * usage: bench_vga_render [FRAMES]   (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/machine.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void out16(struct machine *m, uint16_t port, uint16_t v) { portbus_out(&m->io, port, v, 2); }

static void mode13(struct machine *m)
{
    static const uint16_t regs[][2] = {
        { 0x3C4, 0x0101 }, { 0x3C4, 0x0F02 }, { 0x3C4, 0x0E04 }, { 0x3CE, 0x4005 }, { 0x3CE, 0x0506 },
        { 0x3D4, 0x4109 }, { 0x3D4, 0x4014 }, { 0x3D4, 0xA317 },
    };
    for (unsigned k = 0; k < sizeof(regs) / sizeof(regs[0]); k++)
        out16(m, regs[k][0], regs[k][1]);
    portbus_in(&m->io, 0x3DA, 1);
    portbus_out(&m->io, 0x3C0, 0x10, 1);
    portbus_out(&m->io, 0x3C0, 0x41, 1);
    portbus_out(&m->io, 0x3C0, 0x20, 1);
}

static void vbe(struct machine *m, uint16_t w, uint16_t h, uint16_t bpp)
{
    const uint16_t regs[][2] = { { 1, w }, { 2, h }, { 3, bpp }, { 4, 0x41 } };
    for (unsigned k = 0; k < 4; k++) {
        out16(m, 0x1CE, regs[k][0]);
        out16(m, 0x1CF, regs[k][1]);
    }
}

static void run(struct machine *m, const char *name, uint32_t base, uint32_t bytes, int frames)
{
    double t_store = 0, t_render = 0;
    const struct vga_frame *f = vga_render(&m->vga);
    for (int i = 0; i < frames; i++) {
        double t0 = now_s();
        uint32_t v = 0x01010101u * (uint32_t)(i & 0xFF);
        for (uint32_t a = 0; a < bytes; a += 4)
            memmap_write(&m->mem, base + a, v + a, 4);
        double t1 = now_s();
        f = vga_render(&m->vga);
        double t2 = now_s();
        t_store += t1 - t0;
        t_render += t2 - t1;
        if (f->nrects == 0) {
            fprintf(stderr, "bench: frame %d rendered nothing\n", i);
            exit(1);
        }
    }
    printf("%-22s %4dx%-4d  render %8.1f frames/s (%6.3f ms/frame)   guest stores %7.1f MB/s\n", name, f->width,
           f->height, frames / t_render, t_render * 1e3 / frames, bytes * (double)frames / t_store / 1e6);
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 200;
    if (frames <= 0)
        frames = 200;
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 16;
    char err[256];
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    mode13(m);
    run(m, "mode 13h", 0xA0000, 64000, frames);
    vbe(m, 1024, 768, 32);
    run(m, "VBE 1024x768x32 (LFB)", VGA_LFB_BASE, 1024 * 768 * 4, frames);
    machine_destroy(m);
    return 0;
}
