/*
 * unit_fdc.c - Check unit tests of the 8237A DMA controllers and the 82077AA
 * floppy disk controller on a real board (machine_create with floppy images),
 * driven through the ports the way a driver does: reset and the four SENSE
 * INTERRUPT STATUS polls, RECALIBRATE/SEEK/SENSE DRIVE STATUS, READ DATA
 * through DMA channel 2 into guest RAM compared with the image for the 360K,
 * 720K, 1.2M, 1.44M and 2.88M geometries, multi-sector and multi-track reads
 * with TC and end-of-cylinder termination; the helpers the suite shares.
 * unit_fdc_ops.c has the WRITE DATA round trips (plain, read-only,
 * -snapshot), READ ID, VERSION/DUMPREG/CONFIGURE/LOCK, media and data-rate
 * errors, non-DMA (FIFO) transfers, FORMAT TRACK and VERIFY, and the DMA
 * register semantics (flip-flop, auto-init, TC status, masks, page wrap,
 * 16-bit channels, the cascade channel).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"
#include "tests/testlib.h"
#include "tests/unit_fdc.h"

static char tmpdir[64];

uint8_t pattern(uint32_t lba, uint32_t i)
{
    return (uint8_t)(lba * 13u + i * 7u + (i >> 8) + 1u);
}

/* A floppy image of kib KiB whose every sector has distinct bytes. */
char *make_image(const char *name, uint32_t kib)
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

struct machine *board_cfg(const char *fda, const char *fdb, bool ro, bool snapshot)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.fda = fda;
    cfg.fdb = fdb;
    cfg.fd_readonly[0] = ro;
    cfg.snapshot = snapshot;
    return testlib_create(&cfg);
}

struct machine *board(const char *fda)
{
    return board_cfg(fda, NULL, false, false);
}

struct machine *board_144_up(void)
{
    struct machine *m = board(make_image("a.img", 1440));
    fdc_up(m, 0);
    return m;
}

/* IRQ6 as the 8259A sees it */
int irq6(struct machine *m)
{
    return (m->pic.chip[0].level >> 6) & 1;
}

void wait_irq(struct machine *m)
{
    for (int k = 0; k < 4000 && !irq6(m); k++)
        testlib_advance(m, 5000);
    ck_assert_msg(irq6(m), "no IRQ6");
}

void cmd(struct machine *m, const uint8_t *b, int n)
{
    for (int k = 0; k < n; k++) {
        ck_assert_msg((inb(m, MSR) & 0xC0) == 0x80, "MSR %02x before command byte %d", inb(m, MSR), k);
        outb(m, FIFO, b[k]);
    }
}

int result(struct machine *m, uint8_t *out, int max)
{
    int n = 0;
    while ((inb(m, MSR) & 0xC0) == 0xC0 && n < max)
        out[n++] = inb(m, FIFO);
    return n;
}

uint8_t sensei(struct machine *m, uint8_t *pcn)
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
void fdc_up(struct machine *m, uint8_t rate)
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

void seek(struct machine *m, int drive, int head, int cyl)
{
    uint8_t c[3] = { 0x0F, (uint8_t)((head << 2) | drive), (uint8_t)cyl };
    cmd(m, c, 3);
    wait_irq(m);
    uint8_t pcn;
    ck_assert_uint_eq(sensei(m, &pcn), 0x20 | (head << 2) | drive);
    ck_assert_uint_eq(pcn, cyl);
}

/* Channel 2: mode (0x46 write to memory, 0x4A read from memory), address, count. */
void dma2_setup(struct machine *m, uint8_t mode, uint32_t addr, uint32_t len)
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
void rw(struct machine *m, uint8_t op, int drive, int hds, int c, int h, int r, int eot, uint8_t *res)
{
    uint8_t b[9] = { op, (uint8_t)((hds << 2) | drive), (uint8_t)c, (uint8_t)h, (uint8_t)r, 2, (uint8_t)eot,
                     0x1B, 0xFF };
    cmd(m, b, 9);
    wait_irq(m);
    ck_assert_int_eq(result(m, res, 7), 7);
    ck_assert_int_eq(irq6(m), 0);
    ck_assert_uint_eq(inb(m, MSR), 0x80);
}

void check_chr(const uint8_t *r, uint8_t st0, uint8_t st1, uint8_t c, uint8_t h, uint8_t sr)
{
    ck_assert_msg(r[0] == st0 && r[1] == st1 && r[3] == c && r[4] == h && r[5] == sr,
                  "ST0 %02x ST1 %02x C %u H %u R %u, expected %02x %02x %u %u %u", r[0], r[1], r[3], r[4], r[5], st0,
                  st1, c, h, sr);
}

void check_sectors(struct machine *m, uint32_t addr, uint32_t lba, uint32_t n)
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
    testlib_advance(m, 100000);
    ck_assert_int_eq(irq6(m), 0);
    outb(m, DOR, 0x1C);
    ck_assert_int_eq(irq6(m), 1);
    machine_destroy(m);
}
END_TEST

START_TEST(test_seek_recalibrate)
{
    struct machine *m = board_144_up();
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
    testlib_advance(m, 200000);
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
    check_chr(r, 0x04, 0x00, c + 1, 0, 1); /* the last sector was EOT on side 1: next cylinder */
    ck_assert_uint_eq(r[2], 0x00);
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
    struct machine *m = board_144_up();
    uint8_t r[7];
    seek(m, 0, 0, 2);
    /* MT from side 0 sector 17: 17, 18, then side 1 sectors 1, 2; TC ends it */
    dma2_setup(m, 0x46, BUF, 4 * 512);
    rw(m, 0xC6, 0, 0, 2, 0, 17, 18, r);
    check_chr(r, 0x04, 0x00, 2, 1, 3); /* ended on side 1 */
    check_sectors(m, BUF, (2 * 2 + 0) * 18 + 16, 4);
    /* no TC before EOT: end of cylinder, abnormal termination */
    dma2_setup(m, 0x46, BUF, 0x8000);
    rw(m, 0x46, 0, 0, 2, 0, 17, 18, r);
    check_chr(r, 0x40, 0x80, 3, 0, 1);
    ck_assert_uint_eq(m->dma.c[0].ch[2].cur_count, 0x8000 - 1 - 1024); /* two sectors moved */
    /* a whole cylinder: 36 sectors with MT */
    dma2_setup(m, 0x46, 0x20000, 36 * 512);
    rw(m, 0xC6, 0, 0, 2, 0, 1, 18, r);
    check_chr(r, 0x04, 0x00, 3, 0, 1);
    check_sectors(m, 0x20000, 2 * 36, 36);
    /* TC in the middle of a sector: that sector counts as read */
    dma2_setup(m, 0x46, BUF, 100);
    rw(m, 0x46, 0, 0, 2, 0, 5, 18, r);
    ck_assert_uint_eq(r[0], 0x00);
    ck_assert_uint_eq(r[5], 6);
    machine_destroy(m);
}
END_TEST

int main(void)
{
    strcpy(tmpdir, "/tmp/unit_fdc.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("fdc");
    fdc_add_dma_tests(testlib_tcase(s, "dma", 0, (const TTest *const[]){ NULL }));
    TCase *tc = testlib_tcase(s, "fdc", 30,
                              (const TTest *const[]){ test_reset_and_registers, test_seek_recalibrate, NULL });
    tcase_add_loop_test(tc, test_read_geometries, 0, (int)(sizeof(geoms) / sizeof(geoms[0])));
    tcase_add_test(tc, test_multitrack_and_eot);
    fdc_add_ops_tests(tc);
    int status = testlib_run_suite(s);
    char rm[128];
    snprintf(rm, sizeof(rm), "rm -rf '%s'", tmpdir);
    if (system(rm) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return status;
}
