/*
 * unit_ide.c - Check unit tests of the IDE controller on a real board
 * (machine_create), driven through the ports as a driver would: IDENTIFY
 * fields, PIO sector reads and writes into a temporary image, CHS
 * translation, LBA48 with the HOB registers, READ/WRITE MULTIPLE, software
 * reset signatures, nIEN, the state table and random port traffic; the
 * helpers the suite shares.  unit_ide_atapi.c has the ATAPI CD-ROM and
 * bus-master DMA.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"
#include "tests/testlib.h"
#include "tests/unit_ide.h"

void pattern(uint8_t *b, unsigned n, uint32_t seed)
{
    for (unsigned k = 0; k < n; k++)
        b[k] = (uint8_t)(seed * 7 + k * 13 + (k >> 8));
}

/* got holds count blocks of size bytes: the patterns seed, seed + 1, ... */
void expect_blocks(const uint8_t *got, unsigned count, unsigned size, uint32_t seed)
{
    uint8_t exp[2048];
    for (unsigned k = 0; k < count; k++) {
        pattern(exp, size, seed + k);
        ck_assert_mem_eq(got + k * size, exp, size);
    }
}

/* n bytes of the image file from byte off. */
void read_image(const char *path, long off, uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, off, SEEK_SET);
    ck_assert_uint_eq(fread(buf, 1, n, f), n);
    fclose(f);
}

static void make_image(char *path, unsigned sectors, unsigned size)
{
    strcpy(path, "/tmp/unit_ide_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    uint8_t buf[2048];
    for (unsigned s = 0; s < sectors; s++) {
        pattern(buf, size, s);
        ck_assert_int_eq(write(fd, buf, size), (int)size);
    }
    close(fd);
}

struct rig *rig(bool readonly_cd)
{
    struct rig *r = calloc(1, sizeof(*r));
    make_image(r->hd, HD_SECTORS, 512);
    make_image(r->cd, CD_BLOCKS, 2048);
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.hda = r->hd;
    cfg.ide[2] = (struct machine_ide_slot){ r->cd, true, true, readonly_cd };
    r->m = testlib_create(&cfg);
    /* the bus-master block where a BIOS might put BAR4 */
    ck_assert_int_eq(portbus_register(&r->m->io, BM, 16, &ide_bm_ops, &r->m->ide, "ide-bm-test"), 0);
    return r;
}

void rig_free(struct rig *r)
{
    machine_destroy(r->m);
    unlink(r->hd);
    unlink(r->cd);
    free(r);
}

/* Let 50 us of virtual time pass. */
void pass(struct machine *m)
{
    testlib_advance(m, 50000);
}

/* A command to the selected device of the channel at base; the status
 * once it has had its time (reading it acknowledges the interrupt). */
uint8_t ata_cmd(struct machine *m, uint16_t base, uint8_t cmd)
{
    outb(m, base + 7, cmd);
    pass(m);
    return inb(m, base + 7);
}

void read_words(struct machine *m, uint16_t base, uint8_t *dst, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k += 2) {
        uint16_t w = inw(m, base);
        dst[k] = (uint8_t)w;
        dst[k + 1] = (uint8_t)(w >> 8);
    }
}

void lba28(struct machine *m, uint16_t base, uint32_t lba, uint8_t count)
{
    outb(m, base + 2, count);
    outb(m, base + 3, (uint8_t)lba);
    outb(m, base + 4, (uint8_t)(lba >> 8));
    outb(m, base + 5, (uint8_t)(lba >> 16));
    outb(m, base + 6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
}


START_TEST(test_identify)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    uint8_t id[512];
    outb(m, PRI + 6, 0xA0);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    outb(m, PRI + 7, 0xEC);
    ck_assert_uint_eq(inb(m, 0x3F6) & 0x80, 0x80); /* BSY until the completion time */
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 0);
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);  /* INTRQ at the completion, through the event */
    ck_assert_uint_eq(inb(m, 0x3F6), 0x58);        /* alternate status: no acknowledge */
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 0);
    read_words(m, PRI, id, 512);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    ck_assert_uint_eq(id_word(id, 0), 0x0040);
    ck_assert_uint_eq(id_word(id, 1), 4);  /* 4096 / (16 * 63) */
    ck_assert_uint_eq(id_word(id, 3), 16);
    ck_assert_uint_eq(id_word(id, 6), 63);
    ck_assert_mem_eq(id + 54, "ATSREI RAHDRIDKS", 16); /* "TARSIER HARDDISK", two characters a word */
    ck_assert_uint_eq(id_word(id, 47) & 0xFF, 16);
    ck_assert_uint_eq(id_word(id, 49) & 0x0300, 0x0300);
    ck_assert_uint_eq(id_word(id, 60) | (uint32_t)id_word(id, 61) << 16, HD_SECTORS);
    ck_assert_uint_eq(id_word(id, 100) | (uint32_t)id_word(id, 101) << 16, HD_SECTORS);
    ck_assert_uint_eq(id_word(id, 83) & 0x0400, 0x0400);
    ck_assert_uint_eq(id_word(id, 63) & 0x07, 0x07);
    uint8_t sum = 0;
    for (int k = 0; k < 512; k++)
        sum = (uint8_t)(sum + id[k]);
    ck_assert_uint_eq(id[510], 0xA5);
    ck_assert_uint_eq(sum, 0);
    /* IDENTIFY PACKET DEVICE aborts on a disk */
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xA1), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x04);
    /* an absent slave reads as nothing */
    outb(m, PRI + 6, 0xB0);
    outb(m, PRI + 2, 0x55);
    ck_assert_uint_eq(inb(m, PRI + 2), 0);
    ck_assert_uint_eq(inb(m, PRI + 7), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_pio_rw)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    uint8_t buf[1024], exp[1024];
    /* READ SECTORS with retry, 2 sectors at LBA 9 */
    lba28(m, PRI, 9, 2);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x20), 0x58);
    read_words(m, PRI, buf, 512);
    ck_assert_uint_eq(inb(m, 0x3F6), 0x58); /* the second sector: DRQ at once */
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf + 512, 512);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    expect_blocks(buf, 2, 512, 9);
    /* WRITE SECTORS (no retry) to LBA 100, two sectors, 32-bit data accesses */
    pattern(exp, 1024, 777);
    lba28(m, PRI, 100, 2);
    outb(m, PRI + 7, 0x31);
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 0); /* no interrupt before the first block */
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    for (int k = 0; k < 512; k += 4)
        portbus_out(&m->io, PRI, exp[k] | exp[k + 1] << 8 | exp[k + 2] << 16 | (uint32_t)exp[k + 3] << 24, 4);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    for (int k = 512; k < 1024; k += 2)
        outw(m, PRI, (uint16_t)(exp[k] | exp[k + 1] << 8));
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    read_image(r->hd, 100 * 512, buf, 1024);
    ck_assert_mem_eq(buf, exp, 1024);
    /* CHS: cylinder 1, head 2, sector 3 with the default 16/63 translation */
    outb(m, PRI + 2, 1);
    outb(m, PRI + 3, 3);
    outb(m, PRI + 4, 1);
    outb(m, PRI + 5, 0);
    outb(m, PRI + 6, 0xA2);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x20), 0x58);
    read_words(m, PRI, buf, 512);
    expect_blocks(buf, 1, 512, (1 * 16 + 2) * 63 + 2);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors */
    outb(m, PRI + 2, 32);
    outb(m, PRI + 6, 0xA3);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x91), 0x50);
    outb(m, PRI + 2, 1);
    outb(m, PRI + 3, 5);
    outb(m, PRI + 4, 2);
    outb(m, PRI + 6, 0xA1);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x20), 0x58);
    read_words(m, PRI, buf, 512);
    expect_blocks(buf, 1, 512, (2 * 4 + 1) * 32 + 4);
    /* out of range: IDNF */
    lba28(m, PRI, HD_SECTORS - 1, 2);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x20), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x10);
    /* READ VERIFY and CHECK POWER MODE after STANDBY IMMEDIATE */
    lba28(m, PRI, 5, 8);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x40), 0x50);
    outb(m, PRI + 7, 0xE0);
    pass(m);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xE5), 0x50);
    ck_assert_uint_eq(inb(m, PRI + 2), 0x00);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xE7), 0x50); /* FLUSH CACHE */
    rig_free(r);
}
END_TEST

START_TEST(test_lba48_multiple)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    uint8_t buf[3072];
    /* HOB: the previous value of each register */
    outb(m, PRI + 2, 0x12);
    outb(m, PRI + 2, 0x34);
    outb(m, 0x3F6, 0x80);
    ck_assert_uint_eq(inb(m, PRI + 2), 0x12);
    outb(m, 0x3F6, 0x00);
    ck_assert_uint_eq(inb(m, PRI + 2), 0x34);
    /* READ SECTORS EXT: count 0x0001, LBA 0x000000000BB8 = 3000 */
    outb(m, PRI + 2, 0);
    outb(m, PRI + 2, 1);
    outb(m, PRI + 3, 0);
    outb(m, PRI + 3, 0xB8);
    outb(m, PRI + 4, 0);
    outb(m, PRI + 4, 0x0B);
    outb(m, PRI + 5, 0);
    outb(m, PRI + 5, 0);
    outb(m, PRI + 6, 0x40);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x24), 0x58);
    read_words(m, PRI, buf, 512);
    expect_blocks(buf, 1, 512, 3000);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    /* beyond the disk in the high bytes: IDNF */
    outb(m, PRI + 3, 1);
    outb(m, PRI + 3, 0);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0x24), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x10);
    /* READ MULTIPLE needs SET MULTIPLE MODE first */
    lba28(m, PRI, 20, 6);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xC4), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x04);
    outb(m, PRI + 2, 3);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xC6), 0x41); /* not a power of two */
    outb(m, PRI + 2, 4);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xC6), 0x50);
    lba28(m, PRI, 20, 6);
    outb(m, PRI + 7, 0xC4);
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf, 2048); /* one block of 4 sectors */
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf + 2048, 1024); /* the last 2 */
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    expect_blocks(buf, 6, 512, 20);
    /* IDENTIFY word 59 reports the block size */
    outb(m, PRI + 7, 0xEC);
    pass(m);
    inb(m, PRI + 7);
    read_words(m, PRI, buf, 512);
    ck_assert_uint_eq(id_word(buf, 59), 0x0104);
    rig_free(r);
}
END_TEST

START_TEST(test_srst_signatures)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    for (int c = 0; c < 2; c++) {
        uint16_t ctl = c ? 0x376 : 0x3F6, base = c ? SEC : PRI;
        outb(m, base + 6, 0xB0);
        outb(m, ctl, 0x04 | 0x02);
        outb(m, ctl, 0x02);
        pass(m);
        ck_assert_uint_eq(inb(m, base + 6) & 0x10, 0); /* device 0 selected after reset */
        outb(m, ctl, 0x04 | 0x02);
        ck_assert_uint_eq(inb(m, ctl), 0x80);          /* BSY while SRST is set */
        outb(m, base + 2, 0x77);
        outb(m, ctl, 0x02);
        ck_assert_uint_eq(inb(m, ctl) & 0x80, 0x80);   /* and for a while after */
        pass(m);
        ck_assert_uint_eq(inb(m, base + 1), 0x01);
        ck_assert_uint_eq(inb(m, base + 2), 0x01);
        ck_assert_uint_eq(inb(m, base + 3), 0x01);
        ck_assert_uint_eq(inb(m, base + 4), c ? 0x14 : 0x00);
        ck_assert_uint_eq(inb(m, base + 5), c ? 0xEB : 0x00);
        ck_assert_uint_eq(inb(m, base + 7), c ? 0x00 : 0x50);
    }
    /* nIEN keeps the wire low; clearing it shows the pending interrupt */
    outb(m, PRI + 6, 0xA0);
    outb(m, PRI + 7, 0xEC);
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 0);
    outb(m, 0x3F6, 0x00);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    /* an ATAPI device aborts IDENTIFY DEVICE and shows its signature */
    outb(m, SEC + 6, 0xA0);
    outb(m, SEC + 7, 0xEC);
    pass(m);
    ck_assert_uint_eq(inb(m, SEC + 7) & 0x01, 0x01);
    ck_assert_uint_eq(inb(m, SEC + 1), 0x04);
    ck_assert_uint_eq(inb(m, SEC + 4), 0x14);
    ck_assert_uint_eq(inb(m, SEC + 5), 0xEB);
    ck_assert_uint_eq(ata_cmd(m, SEC, 0xA1), 0x58);
    uint8_t id[512];
    read_words(m, SEC, id, 512);
    ck_assert_uint_eq(id_word(id, 0), 0x85C0);
    ck_assert_mem_eq(id + 54, "ATSREI RDCR-MO", 14);
    rig_free(r);
}
END_TEST

START_TEST(test_state_table)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    size_t n = state_size(&ide_channel_state);
    ck_assert_uint_gt(n, 2 * IDE_BUF_SIZE);
    uint8_t *img = malloc(n);
    lba28(m, PRI, 9, 2);
    outb(m, PRI + 7, 0x20);
    state_save(&ide_channel_state, &m->ide.ch[0], img);
    struct ide_channel copy;
    memset(&copy, 0, sizeof(copy));
    state_load(&ide_channel_state, &copy, img);
    ck_assert_int_eq(state_diff(NULL, &ide_channel_state, &copy, &m->ide.ch[0]), 0);
    ck_assert_uint_eq(copy.drv[0].cmd, 0x20);
    free(img);
    rig_free(r);
}
END_TEST

/* Random port traffic (a misbehaving guest) must not crash or wedge the
 * controller: afterwards a software reset and IDENTIFY still work. */
START_TEST(test_garbage)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    static const uint16_t ports[] = { PRI, PRI + 1, PRI + 2, PRI + 3, PRI + 4, PRI + 5, PRI + 6, PRI + 7, 0x3F6,
                                      SEC, SEC + 1, SEC + 2, SEC + 3, SEC + 4, SEC + 5, SEC + 6, SEC + 7, 0x376,
                                      BM, BM + 2, BM + 4, BM + 8, BM + 10, BM + 12 };
    uint32_t x = 12345;
    for (int k = 0; k < 200000; k++) {
        x = x * 1103515245u + 12345u;
        uint16_t port = ports[(x >> 8) % (sizeof(ports) / sizeof(ports[0]))];
        int size = 1 << ((x >> 4) & 3) % 3;
        if (x & 0x80000000u)
            portbus_out(&m->io, port, x * 2654435761u, size);
        else
            portbus_in(&m->io, port, size);
        if ((x & 0xFF) == 0)
            pass(m);
    }
    outb(m, BM, 0);
    outb(m, BM + 8, 0);
    outb(m, 0x3F6, 0x04);
    outb(m, 0x3F6, 0x00);
    pass(m);
    outb(m, PRI + 6, 0xA0);
    ck_assert_uint_eq(ata_cmd(m, PRI, 0xEC), 0x58);
    uint8_t id[512];
    read_words(m, PRI, id, 512);
    ck_assert_uint_eq(id_word(id, 0), 0x0040);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    rig_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = testlib_tcase(s, "core", 0,
                              (const TTest *const[]){ test_identify, test_pio_rw, test_lba48_multiple,
                                                      test_srst_signatures, NULL });
    ide_add_atapi_tests(tc);
    tcase_add_test(tc, test_state_table);
    tcase_add_test(tc, test_garbage);
    return testlib_run_suite(s);
}
