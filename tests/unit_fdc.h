/*
 * unit_fdc.h - what the two files of the FDC and DMA suite share (unit_fdc.c:
 * the helpers, reset, seeks and reads; unit_fdc_ops.c: writes, READ ID and
 * the errors, FIFO mode, FORMAT/VERIFY, the 8237A registers).
 */
#ifndef TARSIER_UNIT_FDC_H
#define TARSIER_UNIT_FDC_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"

#define MSR 0x3F4
#define FIFO 0x3F5
#define DOR 0x3F2
#define DIR 0x3F7
#define BUF 0x12000u   /* DMA buffer in guest RAM */

/* Byte i of sector lba in the images make_image writes. */
uint8_t pattern(uint32_t lba, uint32_t i);
/* A floppy image of kib KiB in the suite's temporary directory. */
char *make_image(const char *name, uint32_t kib);
struct machine *board_cfg(const char *fda, const char *fdb, bool ro, bool snapshot);
struct machine *board(const char *fda);
/* A 1.44M image in drive A, the controller brought up at 500 kbit/s. */
struct machine *board_144_up(void);
/* IRQ6 as the 8259A sees it; wait_irq fails the test after 20 ms without. */
int irq6(struct machine *m);
void wait_irq(struct machine *m);
/* Command bytes (MSR checked before each) and the result phase. */
void cmd(struct machine *m, const uint8_t *b, int n);
int result(struct machine *m, uint8_t *out, int max);
/* SENSE INTERRUPT STATUS: ST0, and the cylinder in *pcn. */
uint8_t sensei(struct machine *m, uint8_t *pcn);
void fdc_up(struct machine *m, uint8_t rate);
void seek(struct machine *m, int drive, int head, int cyl);
void dma2_setup(struct machine *m, uint8_t mode, uint32_t addr, uint32_t len);
void rw(struct machine *m, uint8_t op, int drive, int hds, int c, int h, int r, int eot, uint8_t *res);
/* The result phase's ST0, ST1 and C, H, R (sector). */
void check_chr(const uint8_t *r, uint8_t st0, uint8_t st1, uint8_t c, uint8_t h, uint8_t sr);
/* n sectors at addr in guest RAM hold the image's sectors from lba. */
void check_sectors(struct machine *m, uint32_t addr, uint32_t lba, uint32_t n);

/* unit_fdc_ops.c */
void fdc_add_ops_tests(TCase *tc);
void fdc_add_dma_tests(TCase *tc);

#endif
