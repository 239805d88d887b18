/*
 * unit_ide.h - what the two files of the IDE suite share (unit_ide.c: the
 * helpers and the ATA disk tests; unit_ide_atapi.c: the ATAPI CD-ROM and
 * bus-master DMA).
 */
#ifndef TARSIER_UNIT_IDE_H
#define TARSIER_UNIT_IDE_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

#define PRI 0x1F0
#define SEC 0x170
#define BM 0xC000
#define HD_SECTORS 4096u
#define CD_BLOCKS 64u

/* A board with a disk image (primary master) and a CD image (secondary
 * master), both temporary files, and the bus-master block at BM. */
struct rig {
    struct machine *m;
    char hd[64], cd[64];
};

struct rig *rig(bool readonly_cd);
void rig_free(struct rig *r);

/* The images' contents: block `seed` is pattern(b, size, seed). */
void pattern(uint8_t *b, unsigned n, uint32_t seed);
/* got holds count blocks of size bytes: the patterns seed, seed + 1, ... */
void expect_blocks(const uint8_t *got, unsigned count, unsigned size, uint32_t seed);
/* n bytes of the image file from byte off. */
void read_image(const char *path, long off, uint8_t *buf, size_t n);

/* Let 50 us of virtual time pass. */
void pass(struct machine *m);
/* A command to the selected device of the channel at base; the status
 * once it has had its time (reading it acknowledges the interrupt). */
uint8_t ata_cmd(struct machine *m, uint16_t base, uint8_t cmd);
void read_words(struct machine *m, uint16_t base, uint8_t *dst, unsigned bytes);
/* Sector count and LBA (device 0) for a 28-bit command. */
void lba28(struct machine *m, uint16_t base, uint32_t lba, uint8_t count);

static inline uint16_t id_word(const uint8_t *id, int w) { return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8); }

/* unit_ide_atapi.c */
void ide_add_atapi_tests(TCase *tc);

#endif
