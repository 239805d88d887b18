/*
 * unit_fdc.c - Check unit tests of the 8237A DMA controllers and the 82077AA
 * floppy disk controller on a real board (machine_create with floppy images),
 * driven through the ports the way a driver does: reset and the four SENSE
 * INTERRUPT STATUS polls, RECALIBRATE/SEEK/SENSE DRIVE STATUS, READ DATA
 * through DMA channel 2 into guest RAM compared with the image for the 360K,
 * 720K, 1.2M, 1.44M and 2.88M geometries, multi-sector and multi-track reads
 * with TC and end-of-cylinder termination, WRITE DATA round trips (plain,
 * read-only, -snapshot), READ ID, VERSION/DUMPREG/CONFIGURE/LOCK, media and
 * data-rate errors, non-DMA (FIFO) transfers, FORMAT TRACK and VERIFY, and
 * the DMA register semantics (flip-flop, auto-init, TC status, masks, page
 * wrap, 16-bit channels, the cascade channel).
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"

#define MSR 0x3F4
#define FIFO 0x3F5
#define DOR 0x3F2
#define DIR 0x3F7
#define BUF 0x12000u   /* DMA buffer in guest RAM */

static char tmpdir[64];

static uint8_t pattern(uint32_t lba, uint32_t i)
{
    return (uint8_t)(lba * 13u + i * 7u + (i >> 8) + 1u);
}

/* A floppy image of kib KiB whose every sector has distinct bytes. */
static char *make_image(const char *name, uint32_t kib)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ & 3];
    snprintf(p, 128, "%s/%s", tmpdir, name);
    int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    uint8_t sec[512];
    for (uint32_t lba = 0; lba < kib * 2; lba++) {
        for (uint32_t i = 0; i < 512; i++)
            sec[i] = pattern(lba, i);
        ck_assert_int_eq(write(fd, sec, 512), 512);
    }
    close(fd);
    return p;
}

static struct machine *board_cfg(const char *fda, const char *fdb, bool ro, bool snapshot)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 16;
    cfg.no_rom = true;
    cfg.fda = fda;
    cfg.fdb = fdb;
    cfg.fd_readonly[0] = ro;
    cfg.snapshot = snapshot;
    char err[256];
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

static struct machine *board(const char *fda)
{
    return board_cfg(fda, NULL, false, false);
}

static void outb(struct machine *m, uint16_t port, uint8_t v)
{
    portbus_out(&m->io, port, v, 1);
}

static uint8_t inb(struct machine *m, uint16_t port)
{
    return (uint8_t)portbus_in(&m->io, port, 1);
}

static void advance(struct machine *m, uint64_t ns)
{
    m->cpu.icount += (ns + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
    machine_sync_clock(m);
}

/* IRQ6 as the 8259A sees it */
static int irq6(struct machine *m)
{
    return (m->pic.chip[0].level >> 6) & 1;
}

static void wait_irq(struct machine *m)
{
    for (int k = 0; k < 4000 && !irq6(m); k++)
        advance(m, 5000);
    ck_assert_msg(irq6(m), "no IRQ6");
}

static void cmd(struct machine *m, const uint8_t *b, int n)
{
    for (int k = 0; k < n; k++) {
        ck_assert_msg((inb(m, MSR) & 0xC0) == 0x80, "MSR %02x before command byte %d", inb(m, MSR), k);
        outb(m, FIFO, b[k]);
    }
}

static int result(struct machine *m, uint8_t *out, int max)
{
    int n = 0;
    while ((inb(m, MSR) & 0xC0) == 0xC0 && n < max)
        out[n++] = inb(m, FIFO);
    return n;
}

static uint8_t sensei(struct machine *m, uint8_t *pcn)
{
    static const uint8_t c = 0x08;
    uint8_t r[2] = { 0, 0 };
    cmd(m, &c, 1);
    int n = result(m, r, 2);
    if (pcn)
        *pcn = n == 2 ? r[1] : 0xEE;
    return r[0];
}

/* Driver-style bring-up: reset through the DOR, the four polling statuses,
 * SPECIFY (DMA mode), data rate, drive A's motor on. */
static void fdc_up(struct machine *m, uint8_t rate)
{
    outb(m, DOR, 0x00);
    outb(m, DOR, 0x1C);
    wait_irq(m);
    for (int d = 0; d < 4; d++)
        ck_assert_uint_eq(sensei(m, NULL), 0xC0 | d);
    ck_assert_int_eq(irq6(m), 0);
    static const uint8_t spec[3] = { 0x03, 0xDF, 0x02 };
    cmd(m, spec, 3);
    outb(m, DIR, rate);
    /* DMA: DMA2 channel 4 in cascade mode and unmasked, as BIOSes leave it */
    outb(m, 0xD6, 0xC0);
    outb(m, 0xD4, 0x00);
}

static void seek(struct machine *m, int drive, int head, int cyl)
{
    uint8_t c[3] = { 0x0F, (uint8_t)((head << 2) | drive), (uint8_t)cyl };
    cmd(m, c, 3);
    wait_irq(m);
    uint8_t pcn;
    ck_assert_uint_eq(sensei(m, &pcn), 0x20 | (head << 2) | drive);
    ck_assert_uint_eq(pcn, cyl);
}

/* Channel 2: mode (0x46 write to memory, 0x4A read from memory), address, count. */
static void dma2_setup(struct machine *m, uint8_t mode, uint32_t addr, uint32_t len)
{
    outb(m, 0x0A, 0x06);
    outb(m, 0x0C, 0);
    outb(m, 0x0B, mode);
    outb(m, 0x04, (uint8_t)addr);
    outb(m, 0x04, (uint8_t)(addr >> 8));
    outb(m, 0x81, (uint8_t)(addr >> 16));
    outb(m, 0x05, (uint8_t)(len - 1));
    outb(m, 0x05, (uint8_t)((len - 1) >> 8));
    outb(m, 0x0A, 0x02);
}

/* A data command (9 bytes) and its 7 result bytes. */
static void rw(struct machine *m, uint8_t op, int drive, int hds, int c, int h, int r, int eot, uint8_t *res)
{
    uint8_t b[9] = { op, (uint8_t)((hds << 2) | drive), (uint8_t)c, (uint8_t)h, (uint8_t)r, 2, (uint8_t)eot,
                     0x1B, 0xFF };
    cmd(m, b, 9);
    wait_irq(m);
    ck_assert_int_eq(result(m, res, 7), 7);
    ck_assert_int_eq(irq6(m), 0);
    ck_assert_uint_eq(inb(m, MSR), 0x80);
}

static void check_sectors(struct machine *m, uint32_t addr, uint32_t lba, uint32_t n)
{
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t i = 0; i < 512; i++) {
            uint8_t v = (uint8_t)memmap_read(&m->mem, addr + s * 512 + i, 1);
            ck_assert_msg(v == pattern(lba + s, i), "sector %u byte %u: %02x != %02x", lba + s, i, v,
                          pattern(lba + s, i));
        }
}

START_TEST(test_reset_and_registers)
{
    struct machine *m = board(make_image("a.img", 1440));
    ck_assert_uint_eq(inb(m, MSR), 0x00); /* DOR = 0 after power-on: held in reset */
    ck_assert_uint_eq(inb(m, DOR), 0x00);
    ck_assert_uint_eq(inb(m, DIR) & 0x80, 0x80); /* disk change line up from power-on */
    fdc_up(m, 0);
    ck_assert_uint_eq(inb(m, MSR), 0x80);
    /* a fifth SENSE INTERRUPT STATUS has nothing to report: invalid, one byte */
    uint8_t r[10];
    static const uint8_t si = 0x08;
    cmd(m, &si, 1);
    ck_assert_int_eq(result(m, r, 10), 1);
    ck_assert_uint_eq(r[0], 0x80);
    static const uint8_t ver = 0x10, dump = 0x0E, lock = 0x94, unlock = 0x14, partid = 0x18;
    cmd(m, &ver, 1);
    ck_assert_int_eq(result(m, r, 10), 1);
    ck_assert_uint_eq(r[0], 0x90);
    cmd(m, &partid, 1); /* an 82078 command: invalid on the 82077AA */
    ck_assert_int_eq(result(m, r, 10), 1);
    ck_assert_uint_eq(r[0], 0x80);
    static const uint8_t conf[4] = { 0x13, 0x00, 0x57, 0x05 }; /* EIS, POLL off, threshold 8 */
    cmd(m, conf, 4);
    static const uint8_t perp[2] = { 0x12, 0x84 }; /* OW: drive 0 perpendicular */
    cmd(m, perp, 2);
    cmd(m, &dump, 1);
    ck_assert_int_eq(result(m, r, 10), 10);
    ck_assert_uint_eq(r[4], 0xDF);
    ck_assert_uint_eq(r[5], 0x02);
    ck_assert_uint_eq(r[7], 0x04);
    ck_assert_uint_eq(r[8], 0x57);
    ck_assert_uint_eq(r[9], 0x05);
    /* unlocked: a reset restores CONFIGURE's defaults; polling is back on */
    outb(m, 0x3F4, 0x80); /* DSR software reset */
    wait_irq(m);
    for (int d = 0; d < 4; d++)
        ck_assert_uint_eq(sensei(m, NULL), 0xC0 | d);
    cmd(m, &dump, 1);
    ck_assert_int_eq(result(m, r, 10), 10);
    ck_assert_uint_eq(r[4], 0xDF); /* SPECIFY survives */
    ck_assert_uint_eq(r[8], 0x20);
    ck_assert_uint_eq(r[9], 0x00);
    /* locked: EFIFO, FIFOTHR and PRETRK survive the reset */
    cmd(m, conf, 4);
    cmd(m, &lock, 1);
    ck_assert_int_eq(result(m, r, 10), 1);
    ck_assert_uint_eq(r[0], 0x10);
    outb(m, DOR, 0x18);
    ck_assert_uint_eq(inb(m, MSR), 0x00);
    outb(m, DOR, 0x1C);
    wait_irq(m);
    for (int d = 0; d < 4; d++)
        sensei(m, NULL);
    cmd(m, &dump, 1);
    ck_assert_int_eq(result(m, r, 10), 10);
    ck_assert_uint_eq(r[7] & 0x80, 0x80);
    ck_assert_uint_eq(r[8], 0x07);
    ck_assert_uint_eq(r[9], 0x05);
    cmd(m, &unlock, 1);
    ck_assert_int_eq(result(m, r, 10), 1);
    ck_assert_uint_eq(r[0], 0x00);
    /* the DMA gate also gates INT in PC-AT mode */
    outb(m, DOR, 0x10);
    outb(m, DOR, 0x14);
    advance(m, 100000);
    ck_assert_int_eq(irq6(m), 0);
    outb(m, DOR, 0x1C);
    ck_assert_int_eq(irq6(m), 1);
    machine_destroy(m);
}
END_TEST

START_TEST(test_seek_recalibrate)
{
    struct machine *m = board(make_image("a.img", 1440));
    fdc_up(m, 0);
    uint8_t r[4], pcn;
    static const uint8_t recal[2] = { 0x07, 0x00 }, sds[2] = { 0x04, 0x00 };
    cmd(m, sds, 2);
    ck_assert_int_eq(result(m, r, 4), 1);
    ck_assert_uint_eq(r[0], 0x38); /* track 0, bits 5 and 3, writable */
    cmd(m, recal, 2);
    ck_assert_uint_eq(inb(m, MSR), 0x81); /* drive 0 busy, controller free */
    wait_irq(m);
    ck_assert_uint_eq(inb(m, DIR) & 0x80, 0x80); /* no step pulse: still "changed" */
    ck_assert_uint_eq(sensei(m, &pcn), 0x20);
    ck_assert_uint_eq(pcn, 0);
    ck_assert_uint_eq(inb(m, MSR), 0x80);
    ck_assert_int_eq(irq6(m), 0);
    seek(m, 0, 1, 40);
    ck_assert_uint_eq(inb(m, DIR) & 0x80, 0x00); /* the step pulse reset the change line */
    static const uint8_t sds1[2] = { 0x04, 0x04 };
    cmd(m, sds1, 2);
    ck_assert_int_eq(result(m, r, 4), 1);
    ck_assert_uint_eq(r[0], 0x2C);
    /* relative seek in by 5, then out by 50: stops at 0 with equipment check */
    static const uint8_t rin[3] = { 0xCF, 0x00, 5 }, rout[3] = { 0x8F, 0x00, 50 };
    cmd(m, rin, 3);
    wait_irq(m);
    ck_assert_uint_eq(sensei(m, &pcn), 0x20);
    ck_assert_uint_eq(pcn, 45);
    ck_assert_uint_eq(m->fdc.cyl[0], 45);
    cmd(m, rout, 3);
    wait_irq(m);
    ck_assert_uint_eq(sensei(m, &pcn), 0x70);
    ck_assert_uint_eq(pcn, 0);
    /* no drive 2: track 0 never comes */
    static const uint8_t recal2[2] = { 0x07, 0x02 };
    cmd(m, recal2, 2);
    wait_irq(m);
    ck_assert_uint_eq(sensei(m, &pcn), 0x72);
    /* overlapped seeks on two drives report one at a time */
    m->fdc.present[1] = true; /* an empty drive B */
    static const uint8_t s0[3] = { 0x0F, 0x00, 10 }, s1[3] = { 0x0F, 0x01, 20 };
    cmd(m, s0, 3);
    cmd(m, s1, 3);
    ck_assert_uint_eq(inb(m, MSR), 0x83);
    wait_irq(m);
    advance(m, 200000);
    ck_assert_uint_eq(sensei(m, &pcn), 0x20);
    ck_assert_uint_eq(pcn, 10);
    ck_assert_int_eq(irq6(m), 1);
    ck_assert_uint_eq(sensei(m, &pcn), 0x21);
    ck_assert_uint_eq(pcn, 20);
    ck_assert_int_eq(irq6(m), 0);
    outb(m, DOR, 0x1D); /* select B: empty, its change line stays up after steps */
    ck_assert_uint_eq(inb(m, DIR) & 0x80, 0x80);
    machine_destroy(m);
}
END_TEST

struct geom {
    uint32_t kib;
    uint8_t cyls, spt, rate, wrong_rate;
};

static const struct geom geoms[] = {
    { 360, 40, 9, 2, 0 }, { 720, 80, 9, 2, 0 }, { 1200, 80, 15, 0, 2 }, { 1440, 80, 18, 0, 3 },
    { 2880, 80, 36, 3, 0 },
};

START_TEST(test_read_geometries)
{
    const struct geom *g = &geoms[_i];
    struct machine *m = board(make_image("g.img", g->kib));
    ck_assert_uint_eq(m->rtc.cmos[0x10] >> 4, m->fd[0]->floppy_type);
    fdc_up(m, g->rate);
    uint8_t r[7];
    int c = g->cyls - 3, h = 1, s = g->spt - 1;
    seek(m, 0, h, c);
    /* two sectors, TC on the last: normal termination, R advanced */
    dma2_setup(m, 0x46, BUF, 1024);
    rw(m, 0xE6, 0, h, c, h, s, g->spt, r);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0x00);
    ck_assert_uint_eq(r[2], 0x00);
    ck_assert_uint_eq(r[3], c + 1); /* the last sector was EOT on side 1: next cylinder */
    ck_assert_uint_eq(r[4], 0);
    ck_assert_uint_eq(r[5], 1);
    ck_assert_uint_eq(r[6], 2);
    uint32_t lba = ((uint32_t)c * 2 + (uint32_t)h) * g->spt + (uint32_t)(s - 1);
    check_sectors(m, BUF, lba, 2);
    ck_assert_uint_eq(inb(m, 0x08) & 0x04, 0x04); /* DMA status: channel 2 reached TC */
    ck_assert_uint_eq(inb(m, 0x08) & 0x04, 0x00); /* cleared by the read */
    /* the wrong data rate: no ID field is ever found */
    memset(m->mem.ram + BUF, 0, 1024);
    outb(m, DIR, g->wrong_rate);
    dma2_setup(m, 0x46, BUF, 512);
    rw(m, 0x66, 0, h, c, h, 1, g->spt, r);
    ck_assert_uint_eq(r[0], 0x44);
    ck_assert_uint_eq(r[1], 0x01);
    ck_assert_uint_eq(m->mem.ram[BUF], 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_multitrack_and_eot)
{
    struct machine *m = board(make_image("a.img", 1440));
    fdc_up(m, 0);
    uint8_t r[7];
    seek(m, 0, 0, 2);
    /* MT from side 0 sector 17: 17, 18, then side 1 sectors 1, 2; TC ends it */
    dma2_setup(m, 0x46, BUF, 4 * 512);
    rw(m, 0xC6, 0, 0, 2, 0, 17, 18, r);
    ck_assert_uint_eq(r[0], 0x04); /* ended on side 1 */
    ck_assert_uint_eq(r[1], 0x00);
    ck_assert_uint_eq(r[3], 2);
    ck_assert_uint_eq(r[4], 1);
    ck_assert_uint_eq(r[5], 3);
    check_sectors(m, BUF, (2 * 2 + 0) * 18 + 16, 4);
    /* no TC before EOT: end of cylinder, abnormal termination */
    dma2_setup(m, 0x46, BUF, 0x8000);
    rw(m, 0x46, 0, 0, 2, 0, 17, 18, r);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x80);
    ck_assert_uint_eq(r[3], 3);
    ck_assert_uint_eq(r[4], 0);
    ck_assert_uint_eq(r[5], 1);
    ck_assert_uint_eq(m->dma.c[0].ch[2].cur_count, 0x8000 - 1 - 1024); /* two sectors moved */
    /* a whole cylinder: 36 sectors with MT */
    dma2_setup(m, 0x46, 0x20000, 36 * 512);
    rw(m, 0xC6, 0, 0, 2, 0, 1, 18, r);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0x00);
    ck_assert_uint_eq(r[3], 3);
    ck_assert_uint_eq(r[4], 0);
    ck_assert_uint_eq(r[5], 1);
    check_sectors(m, 0x20000, 2 * 36, 36);
    /* TC in the middle of a sector: that sector counts as read */
    dma2_setup(m, 0x46, BUF, 100);
    rw(m, 0x46, 0, 0, 2, 0, 5, 18, r);
    ck_assert_uint_eq(r[0], 0x00);
    ck_assert_uint_eq(r[5], 6);
    machine_destroy(m);
}
END_TEST

static void read_file(const char *path, uint32_t lba, uint8_t *buf, uint32_t n)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, n * 512, (off_t)lba * 512), (ssize_t)(n * 512));
    close(fd);
}

START_TEST(test_write_roundtrip)
{
    const char *img = make_image("w.img", 1440);
    struct machine *m = board(img);
    fdc_up(m, 0);
    uint8_t r[7], file[1024];
    seek(m, 0, 1, 10);
    for (uint32_t i = 0; i < 1024; i++)
        m->mem.ram[BUF + i] = (uint8_t)(i * 3 + 0x55);
    dma2_setup(m, 0x4A, BUF, 1024);
    rw(m, 0xC5, 0, 1, 10, 1, 4, 18, r);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0x00);
    ck_assert_uint_eq(r[5], 6);
    uint32_t lba = (10 * 2 + 1) * 18 + 3;
    read_file(img, lba, file, 2);
    for (uint32_t i = 0; i < 1024; i++)
        ck_assert_uint_eq(file[i], (uint8_t)(i * 3 + 0x55));
    read_file(img, lba + 2, file, 1);
    ck_assert_uint_eq(file[0], pattern(lba + 2, 0)); /* the next sector is untouched */
    /* and back through READ DATA into other memory */
    dma2_setup(m, 0x46, 0x30000, 1024);
    rw(m, 0xC6, 0, 1, 10, 1, 4, 18, r);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_int_eq(memcmp(m->mem.ram + 0x30000, m->mem.ram + BUF, 1024), 0);
    machine_destroy(m);

    /* read-only media: NW, nothing written */
    m = board_cfg(img, NULL, true, false);
    fdc_up(m, 0);
    static const uint8_t sds[2] = { 0x04, 0x00 };
    cmd(m, sds, 2);
    ck_assert_int_eq(result(m, r, 7), 1);
    ck_assert_uint_eq(r[0] & 0x40, 0x40);
    seek(m, 0, 0, 1);
    memset(m->mem.ram + BUF, 0xAA, 512);
    dma2_setup(m, 0x4A, BUF, 512);
    rw(m, 0x45, 0, 0, 1, 0, 1, 18, r);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x02);
    read_file(img, 36, file, 1);
    ck_assert_uint_eq(file[0], pattern(36, 0));
    machine_destroy(m);

    /* -snapshot: the guest sees its write, the file does not change */
    m = board_cfg(img, NULL, false, true);
    fdc_up(m, 0);
    seek(m, 0, 0, 1);
    memset(m->mem.ram + BUF, 0xAA, 512);
    dma2_setup(m, 0x4A, BUF, 512);
    rw(m, 0x45, 0, 0, 1, 0, 1, 18, r);
    ck_assert_uint_eq(r[0], 0x00);
    dma2_setup(m, 0x46, 0x30000, 512);
    rw(m, 0x46, 0, 0, 1, 0, 1, 18, r);
    ck_assert_uint_eq(m->mem.ram[0x30000], 0xAA);
    read_file(img, 36, file, 1);
    ck_assert_uint_eq(file[0], pattern(36, 0));
    machine_destroy(m);
}
END_TEST

START_TEST(test_readid_and_errors)
{
    struct machine *m = board_cfg(make_image("a.img", 720), NULL, false, false);
    fdc_up(m, 2);
    uint8_t r[7];
    seek(m, 0, 1, 7);
    static const uint8_t rid[2] = { 0x4A, 0x04 };
    cmd(m, rid, 2);
    wait_irq(m);
    ck_assert_int_eq(result(m, r, 7), 7);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0x00);
    ck_assert_uint_eq(r[3], 7);
    ck_assert_uint_eq(r[4], 1);
    ck_assert(r[5] >= 1 && r[5] <= 9);
    ck_assert_uint_eq(r[6], 2);
    /* the command's C differs from the track's IDs: no data, wrong cylinder */
    dma2_setup(m, 0x46, BUF, 512);
    rw(m, 0x46, 0, 1, 8, 1, 1, 9, r);
    ck_assert_uint_eq(r[0], 0x44);
    ck_assert_uint_eq(r[1], 0x04);
    ck_assert_uint_eq(r[2], 0x10);
    /* a sector number beyond the track */
    rw(m, 0x46, 0, 1, 7, 1, 10, 10, r);
    ck_assert_uint_eq(r[0], 0x44);
    ck_assert_uint_eq(r[1], 0x04);
    ck_assert_uint_eq(r[2], 0x00);
    /* FM instead of MFM finds no address mark */
    rw(m, 0x06, 0, 1, 7, 1, 1, 9, r);
    ck_assert_uint_eq(r[1], 0x01);
    /* the motor is off */
    outb(m, DOR, 0x0C);
    rw(m, 0x46, 0, 1, 7, 1, 1, 9, r);
    ck_assert_uint_eq(r[0], 0x44);
    ck_assert_uint_eq(r[1], 0x01);
    /* drive B is not there */
    outb(m, DOR, 0x3D);
    rw(m, 0x46, 1, 0, 0, 0, 1, 9, r);
    ck_assert_uint_eq(r[0], 0x41);
    ck_assert_uint_eq(r[1], 0x01);
    /* an empty drive B: no disk, the change line stays up, writes are "protected" */
    m->fdc.present[1] = true;
    seek(m, 1, 0, 3);
    ck_assert_uint_eq(inb(m, DIR) & 0x80, 0x80);
    rw(m, 0x46, 1, 0, 3, 0, 1, 9, r);
    ck_assert_uint_eq(r[0], 0x41);
    ck_assert_uint_eq(r[1], 0x01);
    static const uint8_t sds[2] = { 0x04, 0x01 };
    cmd(m, sds, 2);
    ck_assert_int_eq(result(m, r, 7), 1);
    ck_assert_uint_eq(r[0], 0x69);
    /* implied seek (CONFIGURE EIS): READ DATA moves the head itself */
    static const uint8_t conf[4] = { 0x13, 0x00, 0x60, 0x00 };
    cmd(m, conf, 4);
    outb(m, DOR, 0x1C);
    dma2_setup(m, 0x46, BUF, 512);
    rw(m, 0x46, 0, 0, 30, 0, 2, 9, r);
    ck_assert_uint_eq(r[0], 0x00);
    ck_assert_uint_eq(m->fdc.cyl[0], 30);
    check_sectors(m, BUF, 30 * 18 + 1, 1);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pio_mode)
{
    const char *img = make_image("p.img", 1440);
    struct machine *m = board(img);
    fdc_up(m, 0);
    static const uint8_t spec[3] = { 0x03, 0xDF, 0x03 }; /* ND: non-DMA */
    cmd(m, spec, 3);
    seek(m, 0, 0, 5);
    uint8_t b[9] = { 0x46, 0x00, 5, 0, 17, 2, 18, 0x1B, 0xFF };
    cmd(m, b, 9);
    ck_assert_uint_eq(inb(m, MSR), 0x30); /* execution, non-DMA, no byte yet */
    wait_irq(m);
    uint32_t lba = 5 * 36 + 16;
    for (uint32_t s = 0; s < 2; s++)
        for (uint32_t i = 0; i < 512; i++) {
            ck_assert_uint_eq(inb(m, MSR), 0xF0);
            uint8_t v = inb(m, FIFO);
            ck_assert_msg(v == pattern(lba + s, i), "byte %u of sector %u", i, s);
        }
    ck_assert_uint_eq(inb(m, MSR) & 0xE0, 0x00); /* executing, no more data */
    wait_irq(m);
    uint8_t r[7];
    ck_assert_int_eq(result(m, r, 7), 7);
    ck_assert_uint_eq(r[0], 0x40); /* no TC in non-DMA mode: ends at EOT */
    ck_assert_uint_eq(r[1], 0x80);
    ck_assert_uint_eq(r[3], 6);
    ck_assert_uint_eq(r[5], 1);
    /* a PIO write of one sector (EOT = R) */
    uint8_t w[9] = { 0x45, 0x00, 5, 0, 3, 2, 3, 0x1B, 0xFF };
    cmd(m, w, 9);
    wait_irq(m);
    for (uint32_t i = 0; i < 512; i++) {
        ck_assert_uint_eq(inb(m, MSR), 0xB0);
        outb(m, FIFO, (uint8_t)(0xFF - i));
    }
    wait_irq(m);
    ck_assert_int_eq(result(m, r, 7), 7);
    ck_assert_uint_eq(r[1], 0x80);
    uint8_t file[512];
    read_file(img, 5 * 36 + 2, file, 1);
    for (uint32_t i = 0; i < 512; i++)
        ck_assert_uint_eq(file[i], (uint8_t)(0xFF - i));
    machine_destroy(m);
}
END_TEST

START_TEST(test_format_verify)
{
    const char *img = make_image("f.img", 1440);
    struct machine *m = board(img);
    fdc_up(m, 0);
    seek(m, 0, 1, 12);
    for (int s = 0; s < 18; s++) {
        uint8_t *id = m->mem.ram + BUF + s * 4;
        id[0] = 12, id[1] = 1, id[2] = (uint8_t)(s + 1), id[3] = 2;
    }
    dma2_setup(m, 0x4A, BUF, 18 * 4);
    static const uint8_t fmt[6] = { 0x4D, 0x04, 2, 18, 0x54, 0xE5 };
    cmd(m, fmt, 6);
    wait_irq(m);
    uint8_t r[7];
    ck_assert_int_eq(result(m, r, 7), 7);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0x00);
    uint8_t file[18 * 512];
    read_file(img, (12 * 2 + 1) * 18, file, 18);
    for (uint32_t i = 0; i < sizeof(file); i++)
        ck_assert_uint_eq(file[i], 0xE5);
    read_file(img, (12 * 2 + 1) * 18 + 18, file, 1);
    ck_assert_uint_eq(file[0], pattern((12 * 2 + 1) * 18 + 18, 0));
    /* VERIFY with EC: three sectors, no data moved */
    uint8_t v[9] = { 0x56, 0x84, 12, 1, 2, 2, 18, 0x1B, 3 };
    cmd(m, v, 9);
    wait_irq(m);
    ck_assert_int_eq(result(m, r, 7), 7);
    ck_assert_uint_eq(r[0], 0x04);
    ck_assert_uint_eq(r[1], 0x00);
    ck_assert_uint_eq(r[5], 5);
    machine_destroy(m);
}
END_TEST

START_TEST(test_dma_registers)
{
    struct machine *m = board(NULL);
    struct dma *d = &m->dma;
    /* power-on: every channel masked */
    ck_assert_uint_eq(inb(m, 0x0F) & 0x0F, 0x0F);
    /* the flip-flop orders the address bytes; reads come from the current address */
    outb(m, 0x0C, 0);
    outb(m, 0x02, 0x34);
    outb(m, 0x02, 0x12);
    outb(m, 0x03, 0xFF);
    outb(m, 0x03, 0x00);
    outb(m, 0x0C, 0);
    ck_assert_uint_eq(inb(m, 0x02), 0x34);
    ck_assert_uint_eq(inb(m, 0x02), 0x12);
    ck_assert_uint_eq(inb(m, 0x03), 0xFF);
    ck_assert_uint_eq(inb(m, 0x03), 0x00);
    /* page registers 81h-8Fh read back; 80h stays the POST code latch */
    for (int p = 0x81; p <= 0x8F; p++)
        outb(m, (uint16_t)p, (uint8_t)(p ^ 0x5A));
    for (int p = 0x81; p <= 0x8F; p++)
        ck_assert_uint_eq(inb(m, (uint16_t)p), (uint8_t)(p ^ 0x5A));
    outb(m, 0x80, 0x42);
    ck_assert_uint_eq(m->dbg.last_post, 0x42);
    ck_assert_uint_eq(inb(m, 0x80), 0x42);
    /* channel 1, write to memory, with DMA2's cascade masked: no transfer */
    uint8_t src[300];
    for (int i = 0; i < 300; i++)
        src[i] = (uint8_t)(i + 1);
    outb(m, 0x0B, 0x45);      /* single, increment, write, channel 1 */
    outb(m, 0x83, 0x05);      /* page 5 */
    outb(m, 0x0A, 0x01);      /* unmask channel 1 */
    bool tc;
    ck_assert_uint_eq(dma_transfer(d, 1, src, 10, true, &tc), 0);
    outb(m, 0xD6, 0xC0);
    outb(m, 0xD4, 0x00);
    /* the address counter wraps inside the 64 KiB page: 1234h.. with 256 bytes,
     * then FFFEh.. wraps to 0000h of the same page */
    ck_assert_uint_eq(dma_address(d, 1), 0x51234);
    ck_assert_uint_eq(dma_transfer(d, 1, src, 300, true, &tc), 256);
    ck_assert(tc);
    ck_assert_uint_eq(m->mem.ram[0x51234], 1);
    ck_assert_uint_eq(m->mem.ram[0x51333], 0);  /* byte 255 = src[255] = 0 (wrapped value) */
    ck_assert_uint_eq(m->mem.ram[0x51332], 255);
    ck_assert_uint_eq(inb(m, 0x08) & 0x0F, 0x02); /* TC of channel 1, cleared by the read */
    ck_assert_uint_eq(inb(m, 0x08) & 0x0F, 0x00);
    ck_assert_uint_eq(inb(m, 0x0F) & 0x02, 0x02);  /* no auto-init: masked at TC */
    ck_assert_uint_eq(dma_transfer(d, 1, src, 10, true, &tc), 0);
    outb(m, 0x0C, 0);
    outb(m, 0x02, 0xFE);
    outb(m, 0x02, 0xFF);
    outb(m, 0x03, 3);
    outb(m, 0x03, 0);
    outb(m, 0x0B, 0x55);      /* auto-init */
    outb(m, 0x0A, 0x01);
    ck_assert_uint_eq(dma_transfer(d, 1, src, 4, true, &tc), 4);
    ck_assert(tc);
    ck_assert_uint_eq(m->mem.ram[0x5FFFE], 1);
    ck_assert_uint_eq(m->mem.ram[0x5FFFF], 2);
    ck_assert_uint_eq(m->mem.ram[0x50000], 3); /* not 0x60000 */
    ck_assert_uint_eq(m->mem.ram[0x60000], 0);
    ck_assert_uint_eq(inb(m, 0x0F) & 0x02, 0x00); /* auto-init: stays unmasked, counters reloaded */
    ck_assert_uint_eq(dma_address(d, 1), 0x5FFFE);
    ck_assert_uint_eq(dma_residue(d, 1), 4);
    /* decrement mode, read from memory */
    outb(m, 0x0B, 0x69);      /* single, decrement, read, channel 1 */
    uint8_t dst[4];
    ck_assert_uint_eq(dma_transfer(d, 1, dst, 4, false, &tc), 4);
    ck_assert_uint_eq(dst[0], 1);
    ck_assert_uint_eq(dst[1], 0);  /* 5FFFDh */
    ck_assert_uint_eq(inb(m, 0x0F) & 0x02, 0x02);
    /* verify: counts, touches nothing */
    outb(m, 0x0B, 0x51);
    outb(m, 0x0A, 0x01);
    memset(m->mem.ram + 0x5FFFE, 0x77, 2);
    ck_assert_uint_eq(dma_transfer(d, 1, src, 2, true, &tc), 2);
    ck_assert_uint_eq(m->mem.ram[0x5FFFE], 0x77);
    /* 16-bit channel 5: word counts, addresses shifted, 128 KiB page */
    outb(m, 0xD8, 0);
    outb(m, 0xC4, 0xFF);      /* word address 0xFFFF -> byte 1FFFEh in the page */
    outb(m, 0xC4, 0xFF);
    outb(m, 0xC6, 1);         /* 2 words */
    outb(m, 0xC6, 0);
    outb(m, 0x8B, 0x03);      /* page bit 0 ignored: 020000h */
    outb(m, 0xD6, 0x45);
    outb(m, 0xD4, 0x01);
    ck_assert_uint_eq(dma_address(d, 5), 0x3FFFE);
    ck_assert_uint_eq(dma_transfer(d, 5, src, 5, true, &tc), 4);
    ck_assert(tc);
    ck_assert_uint_eq(m->mem.ram[0x3FFFE], 1);
    ck_assert_uint_eq(m->mem.ram[0x3FFFF], 2);
    ck_assert_uint_eq(m->mem.ram[0x20000], 3);
    ck_assert_uint_eq(inb(m, 0xD0) & 0x02, 0x02);
    /* request register shows in the status; master clear masks everything */
    outb(m, 0x09, 0x07);
    ck_assert_uint_eq(inb(m, 0x08) & 0xF0, 0x80);
    outb(m, 0x0D, 0);
    ck_assert_uint_eq(inb(m, 0x08), 0x00);
    ck_assert_uint_eq(inb(m, 0x0F) & 0x0F, 0x0F);
    outb(m, 0x0E, 0);
    ck_assert_uint_eq(inb(m, 0x0F) & 0x0F, 0x00);
    outb(m, 0x0F, 0x05);
    ck_assert_uint_eq(inb(m, 0x0F) & 0x0F, 0x05);
    ck_assert_uint_eq(inb(m, 0x0D), 0x00); /* temporary register */
    /* the controller disable bit stops the channels */
    outb(m, 0x0E, 0);
    outb(m, 0x08, 0x04);
    ck_assert(!dma_channel_ready(d, 1));
    outb(m, 0x08, 0x00);
    ck_assert(dma_channel_ready(d, 1));
    machine_destroy(m);
}
END_TEST

START_TEST(test_dma_masked_waits)
{
    /* the FDC raises DRQ with channel 2 masked: the read waits, then completes */
    struct machine *m = board(make_image("a.img", 1440));
    fdc_up(m, 0);
    seek(m, 0, 0, 1);
    dma2_setup(m, 0x46, BUF, 512);
    outb(m, 0x0A, 0x06); /* mask channel 2 again */
    uint8_t b[9] = { 0x46, 0x00, 1, 0, 1, 2, 18, 0x1B, 0xFF };
    cmd(m, b, 9);
    advance(m, 2000000);
    ck_assert_int_eq(irq6(m), 0);
    ck_assert_uint_eq(inb(m, MSR), 0x10);
    ck_assert_uint_eq(inb(m, 0x08) & 0x40, 0x40); /* DREQ2 pending in the status */
    outb(m, 0x0A, 0x02);
    wait_irq(m);
    uint8_t r[7];
    ck_assert_int_eq(result(m, r, 7), 7);
    ck_assert_uint_eq(r[0], 0x00);
    check_sectors(m, BUF, 36, 1);
    machine_destroy(m);
}
END_TEST

START_TEST(test_state_tables)
{
    struct machine *m = board(make_image("a.img", 1440));
    fdc_up(m, 0);
    seek(m, 0, 0, 9);
    dma2_setup(m, 0x46, BUF, 512);
    static uint8_t buf[8192];
    ck_assert_uint_le(state_size(&fdc_state), sizeof(buf));
    ck_assert_uint_le(state_size(&dma_state), sizeof(buf));
    struct fdc f2;
    struct dma d2;
    state_save(&fdc_state, &m->fdc, buf);
    memset(&f2, 0, sizeof(f2));
    state_load(&fdc_state, &f2, buf);
    ck_assert_int_eq(state_diff(stderr, &fdc_state, &m->fdc, &f2), 0);
    ck_assert_uint_eq(f2.pcn[0], 9);
    state_save(&dma_state, &m->dma, buf);
    memset(&d2, 0, sizeof(d2));
    state_load(&dma_state, &d2, buf);
    ck_assert_int_eq(state_diff(stderr, &dma_state, &m->dma, &d2), 0);
    ck_assert_uint_eq(d2.c[0].ch[2].base_count, 511);
    ck_assert_uint_eq(d2.page[1], BUF >> 16);
    machine_destroy(m);
}
END_TEST

static Suite *fdc_suite(void)
{
    Suite *s = suite_create("fdc");
    TCase *tc = tcase_create("dma");
    tcase_add_test(tc, test_dma_registers);
    suite_add_tcase(s, tc);
    tc = tcase_create("fdc");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_reset_and_registers);
    tcase_add_test(tc, test_seek_recalibrate);
    tcase_add_loop_test(tc, test_read_geometries, 0, (int)(sizeof(geoms) / sizeof(geoms[0])));
    tcase_add_test(tc, test_multitrack_and_eot);
    tcase_add_test(tc, test_write_roundtrip);
    tcase_add_test(tc, test_readid_and_errors);
    tcase_add_test(tc, test_pio_mode);
    tcase_add_test(tc, test_format_verify);
    tcase_add_test(tc, test_dma_masked_waits);
    tcase_add_test(tc, test_state_tables);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    strcpy(tmpdir, "/tmp/unit_fdc.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    SRunner *r = srunner_create(fdc_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
