/*
 * unit_ide_atapi.c - the ATAPI CD-ROM and bus-master DMA (part of unit_ide):
 * packet commands (unit attention, REQUEST SENSE after a bad command,
 * INQUIRY, READ CAPACITY, READ(10) with a byte count limit, READ TOC, MODE
 * SENSE, GET CONFIGURATION), and DMA with a PRD table for disk reads,
 * writes and CD reads.
 */
#include <check.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/testlib.h"
#include "tests/unit_ide.h"

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

/* A PIO packet command with the largest byte count limit: the bytes of its
 * data-in phase, *status the final status. */
static unsigned atapi_pio(struct machine *m, const uint8_t *p, uint8_t *buf, unsigned max, uint8_t *status)
{
    unsigned chunks;
    packet(m, p, 0xFFFE, 0);
    return data_in(m, buf, max, status, &chunks);
}

START_TEST(test_atapi)
{
    struct rig *r = rig(false);
    struct machine *m = r->m;
    uint8_t buf[8192], st;
    unsigned chunks;
    const uint8_t tur[12] = { 0x00 };
    ck_assert_uint_eq(atapi_pio(m, tur, buf, sizeof(buf), &st), 0);
    ck_assert_uint_eq(st, 0x41);                 /* CHECK CONDITION: unit attention after power-on */
    ck_assert_uint_eq(inb(m, SEC + 1), 0x60);
    atapi_pio(m, tur, buf, sizeof(buf), &st);
    ck_assert_uint_eq(st, 0x50);
    /* a bad command, then REQUEST SENSE */
    const uint8_t bad[12] = { 0xFF };
    atapi_pio(m, bad, buf, sizeof(buf), &st);
    ck_assert_uint_eq(st, 0x41);
    ck_assert_uint_eq(inb(m, SEC + 1), 0x50);    /* sense key 5 in bits 7-4 */
    const uint8_t rs[12] = { 0x03, 0, 0, 0, 18 };
    ck_assert_uint_eq(atapi_pio(m, rs, buf, sizeof(buf), &st), 18);
    ck_assert_uint_eq(st, 0x50);
    ck_assert_uint_eq(buf[0], 0x70);
    ck_assert_uint_eq(buf[2], 0x05);
    ck_assert_uint_eq(buf[12], 0x20);
    /* INQUIRY */
    const uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
    ck_assert_uint_eq(atapi_pio(m, inq, buf, sizeof(buf), &st), 36);
    ck_assert_uint_eq(buf[0], 0x05);
    ck_assert_uint_eq(buf[1], 0x80);
    ck_assert_mem_eq(buf + 8, "TARSIER ", 8);
    /* an odd allocation length: the byte count says 35, the last word is padded */
    const uint8_t inq35[12] = { 0x12, 0, 0, 0, 35 };
    ck_assert_uint_eq(atapi_pio(m, inq35, buf, sizeof(buf), &st), 35);
    ck_assert_uint_eq(st, 0x50);
    /* READ CAPACITY */
    const uint8_t cap[12] = { 0x25 };
    ck_assert_uint_eq(atapi_pio(m, cap, buf, sizeof(buf), &st), 8);
    ck_assert_uint_eq(buf[3], CD_BLOCKS - 1);
    ck_assert_uint_eq(buf[6], 0x08);
    /* READ(10) of 2 blocks at 10 with a byte count limit of 2048: 2 DRQ chunks */
    const uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 10, 0, 0, 2 };
    packet(m, rd, 2048, 0);
    ck_assert_uint_eq(data_in(m, buf, sizeof(buf), &st, &chunks), 4096);
    ck_assert_uint_eq(chunks, 2);
    ck_assert_uint_eq(st, 0x50);
    expect_blocks(buf, 2, 2048, 10);
    /* out of range */
    const uint8_t rdbad[12] = { 0x28, 0, 0, 0, 0, CD_BLOCKS - 1, 0, 0, 2 };
    atapi_pio(m, rdbad, buf, sizeof(buf), &st);
    ck_assert_uint_eq(st, 0x41);
    atapi_pio(m, rs, buf, sizeof(buf), &st);
    ck_assert_uint_eq(buf[2], 0x05);
    ck_assert_uint_eq(buf[12], 0x21);
    /* READ TOC format 0 in LBA, then in MSF */
    const uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 };
    ck_assert_uint_eq(atapi_pio(m, toc, buf, sizeof(buf), &st), 20);
    ck_assert_uint_eq(buf[1], 18);
    ck_assert_uint_eq(buf[2], 1);
    ck_assert_uint_eq(buf[3], 1);
    ck_assert_uint_eq(buf[5], 0x14);
    ck_assert_uint_eq(buf[6], 1);
    ck_assert_uint_eq(buf[14], 0xAA);
    ck_assert_uint_eq(buf[19], CD_BLOCKS);
    const uint8_t tocm[12] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100 };
    ck_assert_uint_eq(atapi_pio(m, tocm, buf, sizeof(buf), &st), 20);
    ck_assert_uint_eq(buf[9], 0);
    ck_assert_uint_eq(buf[10], 2);   /* track 1 at 00:02:00 */
    ck_assert_uint_eq(buf[17], 0);
    ck_assert_uint_eq(buf[18], 2);   /* lead-out at 150 + 64 = 00:02:64 */
    ck_assert_uint_eq(buf[19], 64);
    /* MODE SENSE(10) capabilities page */
    const uint8_t ms[12] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64 };
    ck_assert_uint_eq(atapi_pio(m, ms, buf, sizeof(buf), &st), 30);
    ck_assert_uint_eq(buf[8], 0x2A);
    /* GET CONFIGURATION: current profile CD-ROM */
    const uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255 };
    ck_assert_uint_ge(atapi_pio(m, gc, buf, sizeof(buf), &st), 16);
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
    expect_blocks(buf, 1, 512, 7);
    memmap_read_bytes(&m->mem, 0x30000, buf, 1024);
    expect_blocks(buf, 2, 512, 8);
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
    read_image(r->hd, 50 * 512, buf, 512);
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
    expect_blocks(buf, 1, 2048, 33);
    rig_free(r);
}
END_TEST

void ide_add_atapi_tests(TCase *tc)
{
    tcase_add_test(tc, test_atapi);
    tcase_add_test(tc, test_dma);
}
