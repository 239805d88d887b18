/*
 * unit_ide.c - Check unit tests of the IDE controller on a real board
 * (machine_create), driven through the ports as a driver would: IDENTIFY
 * fields, PIO sector reads and writes into a temporary image, CHS
 * translation, LBA48 with the HOB registers, READ/WRITE MULTIPLE, software
 * reset signatures, nIEN, the ATAPI CD-ROM's packet commands (unit
 * attention, REQUEST SENSE after a bad command, INQUIRY, READ CAPACITY,
 * READ(10) with a byte count limit, READ TOC) and bus-master DMA with a PRD
 * table for disk reads, writes and CD reads.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"

#define PRI 0x1F0
#define SEC 0x170
#define BM 0xC000
#define HD_SECTORS 4096u
#define CD_BLOCKS 64u

struct rig {
    struct machine *m;
    char hd[64], cd[64];
};

static void pattern(uint8_t *b, unsigned n, uint32_t seed)
{
    for (unsigned k = 0; k < n; k++)
        b[k] = (uint8_t)(seed * 7 + k * 13 + (k >> 8));
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

static struct rig *rig(bool readonly_cd)
{
    struct rig *r = calloc(1, sizeof(*r));
    make_image(r->hd, HD_SECTORS, 512);
    make_image(r->cd, CD_BLOCKS, 2048);
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 16;
    cfg.no_rom = true;
    cfg.hda = r->hd;
    cfg.ide[2] = (struct machine_ide_slot){ r->cd, true, true, readonly_cd };
    char err[256];
    r->m = machine_create(&cfg, err, sizeof(err));
    ck_assert_msg(r->m != NULL, "%s", err);
    /* the bus-master block where a BIOS might put BAR4 */
    ck_assert_int_eq(portbus_register(&r->m->io, BM, 16, &ide_bm_ops, &r->m->ide, "ide-bm-test"), 0);
    return r;
}

static void rig_free(struct rig *r)
{
    machine_destroy(r->m);
    unlink(r->hd);
    unlink(r->cd);
    free(r);
}

static void outb(struct machine *m, uint16_t p, uint8_t v) { portbus_out(&m->io, p, v, 1); }
static uint8_t inb(struct machine *m, uint16_t p) { return (uint8_t)portbus_in(&m->io, p, 1); }
static uint16_t inw(struct machine *m, uint16_t p) { return (uint16_t)portbus_in(&m->io, p, 2); }
static void outw(struct machine *m, uint16_t p, uint16_t v) { portbus_out(&m->io, p, v, 2); }

/* Let 50 us of virtual time pass. */
static void pass(struct machine *m)
{
    m->cpu.icount += 50000 / m->clock.ns_per_insn;
    machine_sync_clock(m);
}

static void read_words(struct machine *m, uint16_t base, uint8_t *dst, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k += 2) {
        uint16_t w = inw(m, base);
        dst[k] = (uint8_t)w;
        dst[k + 1] = (uint8_t)(w >> 8);
    }
}

static void lba28(struct machine *m, uint16_t base, uint32_t lba, uint8_t count)
{
    outb(m, base + 2, count);
    outb(m, base + 3, (uint8_t)lba);
    outb(m, base + 4, (uint8_t)(lba >> 8));
    outb(m, base + 5, (uint8_t)(lba >> 16));
    outb(m, base + 6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
}

static uint16_t id_word(const uint8_t *id, int w) { return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8); }

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
    outb(m, PRI + 7, 0xA1);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x41);
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
    outb(m, PRI + 7, 0x20);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf, 512);
    ck_assert_uint_eq(inb(m, 0x3F6), 0x58); /* the second sector: DRQ at once */
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf + 512, 512);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    pattern(exp, 512, 9);
    pattern(exp + 512, 512, 10);
    ck_assert_mem_eq(buf, exp, 1024);
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
    FILE *f = fopen(r->hd, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 100 * 512, SEEK_SET);
    ck_assert_uint_eq(fread(buf, 1, 1024, f), 1024);
    fclose(f);
    ck_assert_mem_eq(buf, exp, 1024);
    /* CHS: cylinder 1, head 2, sector 3 with the default 16/63 translation */
    outb(m, PRI + 2, 1);
    outb(m, PRI + 3, 3);
    outb(m, PRI + 4, 1);
    outb(m, PRI + 5, 0);
    outb(m, PRI + 6, 0xA2);
    outb(m, PRI + 7, 0x20);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf, 512);
    pattern(exp, 512, (1 * 16 + 2) * 63 + 2);
    ck_assert_mem_eq(buf, exp, 512);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors */
    outb(m, PRI + 2, 32);
    outb(m, PRI + 6, 0xA3);
    outb(m, PRI + 7, 0x91);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    outb(m, PRI + 2, 1);
    outb(m, PRI + 3, 5);
    outb(m, PRI + 4, 2);
    outb(m, PRI + 6, 0xA1);
    outb(m, PRI + 7, 0x20);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf, 512);
    pattern(exp, 512, (2 * 4 + 1) * 32 + 4);
    ck_assert_mem_eq(buf, exp, 512);
    /* out of range: IDNF */
    lba28(m, PRI, HD_SECTORS - 1, 2);
    outb(m, PRI + 7, 0x20);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x10);
    /* READ VERIFY and CHECK POWER MODE after STANDBY IMMEDIATE */
    lba28(m, PRI, 5, 8);
    outb(m, PRI + 7, 0x40);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    outb(m, PRI + 7, 0xE0);
    pass(m);
    outb(m, PRI + 7, 0xE5);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    ck_assert_uint_eq(inb(m, PRI + 2), 0x00);
    outb(m, PRI + 7, 0xE7); /* FLUSH CACHE */
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    rig_free(r);
}
END_TEST

START_TEST(test_lba48_multiple)
{
    struct rig *r = rig(true);
    struct machine *m = r->m;
    uint8_t buf[3072], exp[3072];
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
    outb(m, PRI + 7, 0x24);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    read_words(m, PRI, buf, 512);
    pattern(exp, 512, 3000);
    ck_assert_mem_eq(buf, exp, 512);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    /* beyond the disk in the high bytes: IDNF */
    outb(m, PRI + 3, 1);
    outb(m, PRI + 3, 0);
    outb(m, PRI + 7, 0x24);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x10);
    /* READ MULTIPLE needs SET MULTIPLE MODE first */
    lba28(m, PRI, 20, 6);
    outb(m, PRI + 7, 0xC4);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x41);
    ck_assert_uint_eq(inb(m, PRI + 1), 0x04);
    outb(m, PRI + 2, 3);
    outb(m, PRI + 7, 0xC6);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x41); /* not a power of two */
    outb(m, PRI + 2, 4);
    outb(m, PRI + 7, 0xC6);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
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
    for (unsigned k = 0; k < 6; k++)
        pattern(exp + k * 512, 512, 20 + k);
    ck_assert_mem_eq(buf, exp, 3072);
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
    outb(m, SEC + 7, 0xA1);
    pass(m);
    ck_assert_uint_eq(inb(m, SEC + 7), 0x58);
    uint8_t id[512];
    read_words(m, SEC, id, 512);
    ck_assert_uint_eq(id_word(id, 0), 0x85C0);
    ck_assert_mem_eq(id + 54, "ATSREI RDCR-MO", 14);
    rig_free(r);
}
END_TEST

/* Send a 12-byte packet; returns the status after the command phase. */
static void packet(struct machine *m, const uint8_t *p, uint16_t limit, int dma)
{
    outb(m, SEC + 6, 0xA0);
    outb(m, SEC + 1, dma ? 1 : 0);
    outb(m, SEC + 4, (uint8_t)limit);
    outb(m, SEC + 5, (uint8_t)(limit >> 8));
    outb(m, SEC + 7, 0xA0);
    pass(m);
    ck_assert_uint_eq(inb(m, 0x376) & 0x89, 0x08);
    ck_assert_uint_eq(inb(m, SEC + 2) & 3, 1); /* C/D=1, I/O=0 */
    for (int k = 0; k < 12; k += 2)
        outw(m, SEC, (uint16_t)(p[k] | p[k + 1] << 8));
    pass(m);
}

/* Collect the data phase; returns the byte count, *status the final status. */
static unsigned data_in(struct machine *m, uint8_t *out, unsigned max, uint8_t *status, unsigned *chunks)
{
    unsigned n = 0;
    *chunks = 0;
    for (;;) {
        uint8_t st = inb(m, SEC + 7);
        if (!(st & 0x08)) {
            *status = st;
            ck_assert_uint_eq(inb(m, SEC + 2) & 3, 3);
            return n;
        }
        ck_assert_uint_eq(inb(m, SEC + 2) & 3, 2);
        unsigned len = inb(m, SEC + 4) | inb(m, SEC + 5) << 8;
        ck_assert_uint_le(n + len, max);
        read_words(m, SEC, out + n, len);
        n += len;
        (*chunks)++;
        pass(m);
    }
}

START_TEST(test_atapi)
{
    struct rig *r = rig(false);
    struct machine *m = r->m;
    uint8_t buf[8192], exp[4096], st;
    unsigned chunks;
    const uint8_t tur[12] = { 0x00 };
    packet(m, tur, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 0);
    ck_assert_uint_eq(st, 0x41);                 /* CHECK CONDITION: unit attention after power-on */
    ck_assert_uint_eq(inb(m, SEC + 1), 0x60);
    packet(m, tur, 0xFFFE, 0);
    data_in(m, buf, sizeof(buf), &st, &chunks);
    ck_assert_uint_eq(st, 0x50);
    /* a bad command, then REQUEST SENSE */
    const uint8_t bad[12] = { 0xFF };
    packet(m, bad, 0xFFFE, 0);
    data_in(m, buf, sizeof(buf), &st, &chunks);
    ck_assert_uint_eq(st, 0x41);
    ck_assert_uint_eq(inb(m, SEC + 1), 0x50);    /* sense key 5 in bits 7-4 */
    const uint8_t rs[12] = { 0x03, 0, 0, 0, 18 };
    packet(m, rs, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 18);
    ck_assert_uint_eq(st, 0x50);
    ck_assert_uint_eq(buf[0], 0x70);
    ck_assert_uint_eq(buf[2], 0x05);
    ck_assert_uint_eq(buf[12], 0x20);
    /* INQUIRY */
    const uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
    packet(m, inq, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 36);
    ck_assert_uint_eq(buf[0], 0x05);
    ck_assert_uint_eq(buf[1], 0x80);
    ck_assert_mem_eq(buf + 8, "TARSIER ", 8);
    /* an odd allocation length: the byte count says 35, the last word is padded */
    const uint8_t inq35[12] = { 0x12, 0, 0, 0, 35 };
    packet(m, inq35, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 35);
    ck_assert_uint_eq(st, 0x50);
    /* READ CAPACITY */
    const uint8_t cap[12] = { 0x25 };
    packet(m, cap, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 8);
    ck_assert_uint_eq(buf[3], CD_BLOCKS - 1);
    ck_assert_uint_eq(buf[6], 0x08);
    /* READ(10) of 2 blocks at 10 with a byte count limit of 2048: 2 DRQ chunks */
    const uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 10, 0, 0, 2 };
    packet(m, rd, 2048, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 4096);
    ck_assert_uint_eq(chunks, 2);
    ck_assert_uint_eq(st, 0x50);
    pattern(exp, 2048, 10);
    pattern(exp + 2048, 2048, 11);
    ck_assert_mem_eq(buf, exp, 4096);
    /* out of range */
    const uint8_t rdbad[12] = { 0x28, 0, 0, 0, 0, CD_BLOCKS - 1, 0, 0, 2 };
    packet(m, rdbad, 0xFFFE, 0);
    data_in(m, buf, sizeof(buf), &st, &chunks);
    ck_assert_uint_eq(st, 0x41);
    packet(m, rs, 0xFFFE, 0);
    data_in(m, buf, sizeof(buf), &st, &chunks);
    ck_assert_uint_eq(buf[2], 0x05);
    ck_assert_uint_eq(buf[12], 0x21);
    /* READ TOC format 0 in LBA, then in MSF */
    const uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 };
    packet(m, toc, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 20);
    ck_assert_uint_eq(buf[1], 18);
    ck_assert_uint_eq(buf[2], 1);
    ck_assert_uint_eq(buf[3], 1);
    ck_assert_uint_eq(buf[5], 0x14);
    ck_assert_uint_eq(buf[6], 1);
    ck_assert_uint_eq(buf[14], 0xAA);
    ck_assert_uint_eq(buf[19], CD_BLOCKS);
    const uint8_t tocm[12] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100 };
    packet(m, tocm, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 20);
    ck_assert_uint_eq(buf[9], 0);
    ck_assert_uint_eq(buf[10], 2);   /* track 1 at 00:02:00 */
    ck_assert_uint_eq(buf[17], 0);
    ck_assert_uint_eq(buf[18], 2);   /* lead-out at 150 + 64 = 00:02:64 */
    ck_assert_uint_eq(buf[19], 64);
    /* MODE SENSE(10) capabilities page */
    const uint8_t ms[12] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64 };
    packet(m, ms, 0xFFFE, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 30);
    ck_assert_uint_eq(buf[8], 0x2A);
    /* GET CONFIGURATION: current profile CD-ROM */
    const uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255 };
    packet(m, gc, 0xFFFE, 0);
    ck_assert_uint_ge(data_in(m, buf, sizeof(buf), &st, &chunks), 16);
    ck_assert_uint_eq(buf[7], 0x08);
    rig_free(r);
}
END_TEST

static void prd(struct machine *m, uint32_t at, uint32_t addr, uint32_t n, int last)
{
    memmap_write(&m->mem, at, addr, 4);
    memmap_write(&m->mem, at + 4, (n & 0xFFFF) | (last ? 0x80000000u : 0), 4);
}

START_TEST(test_dma)
{
    struct rig *r = rig(false);
    struct machine *m = r->m;
    uint8_t buf[2048], exp[2048];
    /* READ DMA: 3 sectors at LBA 7 into 512 bytes at 0x20000 and 1024 at 0x30000 */
    prd(m, 0x1000, 0x20000, 512, 0);
    prd(m, 0x1008, 0x30000, 1024, 1);
    portbus_out(&m->io, BM + 4, 0x1000, 4);
    ck_assert_uint_eq(portbus_in(&m->io, BM + 4, 4), 0x1000);
    outb(m, BM, 0x08); /* to memory, not started */
    lba28(m, PRI, 7, 3);
    outb(m, PRI + 7, 0xC8);
    outb(m, BM, 0x09);
    pass(m);
    ck_assert_uint_eq(m->ide.ch[0].irq_level, 1);
    ck_assert_uint_eq(inb(m, BM + 2) & 0x07, 0x04); /* INTR, not ACTIVE */
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    outb(m, BM, 0x00);
    outb(m, BM + 2, 0x04);
    ck_assert_uint_eq(inb(m, BM + 2) & 0x04, 0);
    memmap_read_bytes(&m->mem, 0x20000, buf, 512);
    pattern(exp, 512, 7);
    ck_assert_mem_eq(buf, exp, 512);
    memmap_read_bytes(&m->mem, 0x30000, buf, 1024);
    pattern(exp, 512, 8);
    pattern(exp + 512, 512, 9);
    ck_assert_mem_eq(buf, exp, 1024);
    /* WRITE DMA: one sector from 0x40000 to LBA 50 */
    pattern(exp, 512, 4242);
    memmap_write_bytes(&m->mem, 0x40000, exp, 512);
    prd(m, 0x1000, 0x40000, 512, 1);
    lba28(m, PRI, 50, 1);
    outb(m, PRI + 7, 0xCA);
    outb(m, BM, 0x01);
    pass(m);
    ck_assert_uint_eq(inb(m, BM + 2) & 0x07, 0x04);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    outb(m, BM, 0x00);
    FILE *f = fopen(r->hd, "rb");
    fseek(f, 50 * 512, SEEK_SET);
    ck_assert_uint_eq(fread(buf, 1, 512, f), 512);
    fclose(f);
    ck_assert_mem_eq(buf, exp, 512);
    /* ATAPI READ(10) by DMA on the secondary channel */
    prd(m, 0x1100, 0x50000, 2048, 1);
    portbus_out(&m->io, BM + 12, 0x1100, 4);
    outb(m, BM + 8, 0x08);
    const uint8_t tur[12] = { 0x00 };
    packet(m, tur, 0xFFFE, 0); /* eat the power-on unit attention */
    inb(m, SEC + 7);
    const uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 33, 0, 0, 1 };
    packet(m, rd, 0xFFFE, 1);
    outb(m, BM + 8, 0x09);
    pass(m);
    ck_assert_uint_eq(m->ide.ch[1].irq_level, 1);
    ck_assert_uint_eq(inb(m, BM + 10) & 0x07, 0x04);
    ck_assert_uint_eq(inb(m, SEC + 7), 0x50);
    ck_assert_uint_eq(inb(m, SEC + 2) & 3, 3);
    memmap_read_bytes(&m->mem, 0x50000, buf, 2048);
    pattern(exp, 2048, 33);
    ck_assert_mem_eq(buf, exp, 2048);
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
    outb(m, PRI + 7, 0xEC);
    pass(m);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x58);
    uint8_t id[512];
    read_words(m, PRI, id, 512);
    ck_assert_uint_eq(id_word(id, 0), 0x0040);
    ck_assert_uint_eq(inb(m, PRI + 7), 0x50);
    rig_free(r);
}
END_TEST

static Suite *ide_suite(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_identify);
    tcase_add_test(tc, test_pio_rw);
    tcase_add_test(tc, test_lba48_multiple);
    tcase_add_test(tc, test_srst_signatures);
    tcase_add_test(tc, test_atapi);
    tcase_add_test(tc, test_dma);
    tcase_add_test(tc, test_state_table);
    tcase_add_test(tc, test_garbage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ide_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
