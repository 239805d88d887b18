/*
 * unit_fdc_ops.c - the FDC's other commands and the 8237A (part of unit_fdc):
 * WRITE DATA round trips (plain, read-only, -snapshot), READ ID,
 * VERSION/DUMPREG/CONFIGURE/LOCK, media and data-rate errors, non-DMA (FIFO)
 * transfers, FORMAT TRACK and VERIFY, a read waiting for a masked channel,
 * the state tables, and the DMA register semantics (flip-flop, auto-init, TC
 * status, masks, page wrap, 16-bit channels, the cascade channel).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"
#include "tests/testlib.h"
#include "tests/unit_fdc.h"

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
    struct machine *m = board_144_up();
    seek(m, 0, 0, 1);
    dma2_setup(m, 0x46, BUF, 512);
    outb(m, 0x0A, 0x06); /* mask channel 2 again */
    uint8_t b[9] = { 0x46, 0x00, 1, 0, 1, 2, 18, 0x1B, 0xFF };
    cmd(m, b, 9);
    testlib_advance(m, 2000000);
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
    struct machine *m = board_144_up();
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

void fdc_add_ops_tests(TCase *tc)
{
    tcase_add_test(tc, test_write_roundtrip);
    tcase_add_test(tc, test_readid_and_errors);
    tcase_add_test(tc, test_pio_mode);
    tcase_add_test(tc, test_format_verify);
    tcase_add_test(tc, test_dma_masked_waits);
    tcase_add_test(tc, test_state_tables);
}

void fdc_add_dma_tests(TCase *tc)
{
    tcase_add_test(tc, test_dma_registers);
}
