/*
 * int13.c - INT 13h disk services on the disk images directly: reset, status,
 * CHS read/write/verify, drive parameters, disk type, change line, and the
 * Enhanced Disk Drive extensions 41h-48h for hard disks (Phoenix EDD 3.0).
 * Floppies are drives 00h-01h, hard disks 80h-81h.  Status codes per the
 * IBM PC/AT Technical Reference.
 */
#include <string.h>

#include "bios/bios.h"
#include "cpu/sem.h"

#define BDA 0x400u

static struct disk *drive_disk(struct bios *b, uint8_t dl)
{
    if (dl < 2)
        return b->fd[dl];
    if (dl >= 0x80 && dl < 0x82)
        return b->hd[dl - 0x80];
    return NULL;
}

static void finish(struct bios *b, struct cpu *c, uint8_t dl, uint8_t status)
{
    set_hi(c, R_EAX, status);
    bios_wr8(b, dl & 0x80 ? BDA + 0x74 : BDA + 0x41, status);
    bios_ret_flag(b, F_CF, status != 0);
}

/* Copy sectors between the image and guest memory at lin. */
static int xfer(struct bios *b, struct disk *d, uint64_t lba, unsigned n, uint32_t lin, int write)
{
    uint8_t buf[SECTOR_SIZE];
    for (unsigned k = 0; k < n; k++) {
        if (write) {
            for (unsigned j = 0; j < SECTOR_SIZE; j++)
                buf[j] = bios_rd8(b, lin + k * SECTOR_SIZE + j);
            if (disk_write(d, lba + k, 1, buf))
                return d->readonly ? 0x03 : 0x04; /* write-protected / sector not found */
        } else {
            if (disk_read(d, lba + k, 1, buf))
                return 0x04;
            for (unsigned j = 0; j < SECTOR_SIZE; j++)
                bios_wr8(b, lin + k * SECTOR_SIZE + j, buf[j]);
        }
    }
    return 0;
}

int bios_boot_sector(struct bios *b, uint8_t drive)
{
    struct disk *d = drive_disk(b, drive);
    uint8_t buf[SECTOR_SIZE];
    if (!d || disk_read(d, 0, 1, buf))
        return -1;
    if (buf[510] != 0x55 || buf[511] != 0xAA)
        return -1; /* not bootable: floppies are checked too, as SeaBIOS does */
    for (unsigned j = 0; j < SECTOR_SIZE; j++)
        bios_wr8(b, 0x7C00 + j, buf[j]);
    return 0;
}

void bios_int13(struct bios *b, struct cpu *c)
{
    if (bios_cd_int13(b, c)) /* drive E0h: the CD-ROM (eltorito.c) */
        return;
    uint8_t ah = reg8_hi(c, R_EAX), al = reg8_lo(c, R_EAX), dl = reg8_lo(c, R_EDX);
    struct disk *d = drive_disk(b, dl);
    if (ah == 0x01) { /* last status */
        uint8_t st = bios_rd8(b, dl & 0x80 ? BDA + 0x74 : BDA + 0x41);
        set_lo(c, R_EAX, st);
        finish(b, c, dl, 0);
        set_lo(c, R_EAX, st);
        return;
    }
    if (ah == 0x15) { /* disk type */
        bios_ret_flag(b, F_CF, false);
        if (!d) {
            set_hi(c, R_EAX, 0);
        } else if (dl & 0x80) {
            set_hi(c, R_EAX, 3);
            set16(c, R_ECX, (uint16_t)(d->sectors >> 16));
            set16(c, R_EDX, (uint16_t)d->sectors);
        } else {
            set_hi(c, R_EAX, 2); /* floppy with change line */
        }
        return;
    }
    if (!d) {
        if (ah == 0x08 && !(dl & 0x80)) { /* no such floppy: report zero drives */
            set16(c, R_EDX, 0);
            finish(b, c, dl, 0);
            return;
        }
        finish(b, c, dl, ah == 0x08 ? 0x07 : 0x01);
        return;
    }
    switch (ah) {
    case 0x00: /* reset */
    case 0x0D:
    case 0x10: /* test ready */
    case 0x11: /* recalibrate */
    case 0x0C: /* seek */
        finish(b, c, dl, 0);
        return;
    case 0x02:
    case 0x03:
    case 0x04: {
        unsigned cyl = reg8_hi(c, R_ECX) | ((unsigned)(reg8_lo(c, R_ECX) & 0xC0) << 2);
        unsigned sec = reg8_lo(c, R_ECX) & 0x3F, head = reg8_hi(c, R_EDX);
        if (sec == 0 || sec > d->spt || head >= d->heads || cyl >= d->cyls || al == 0) {
            set_lo(c, R_EAX, 0);
            finish(b, c, dl, 0x04);
            return;
        }
        uint64_t lba = ((uint64_t)cyl * d->heads + head) * d->spt + sec - 1;
        unsigned n = al;
        if (lba + n > d->sectors)
            n = (unsigned)(d->sectors - lba);
        int st = ah == 0x04 ? 0 : xfer(b, d, lba, n, bios_seg_lin(c, SEG_ES, c->r[R_EBX]), ah == 0x03);
        set_lo(c, R_EAX, (uint8_t)(st ? 0 : n));
        finish(b, c, dl, (uint8_t)(st ? st : n < al ? 0x04 : 0));
        return;
    }
    case 0x05: /* format track: accepted for floppies */
        finish(b, c, dl, d->readonly ? 0x03 : 0);
        return;
    case 0x08: { /* drive parameters */
        unsigned maxc = d->cyls - 1u;
        set_hi(c, R_ECX, (uint8_t)maxc);
        set_lo(c, R_ECX, (uint8_t)((d->spt & 0x3F) | ((maxc >> 2) & 0xC0)));
        set_hi(c, R_EDX, (uint8_t)(d->heads - 1));
        if (dl & 0x80) {
            set_lo(c, R_EDX, (uint8_t)((b->hd[0] != NULL) + (b->hd[1] != NULL)));
        } else {
            set_lo(c, R_EDX, (uint8_t)((b->fd[0] != NULL) + (b->fd[1] != NULL)));
            set_lo(c, R_EBX, d->floppy_type);
            cpu_load_seg_real(c, SEG_ES, 0xF000);
            set16(c, R_EDI, b->dpt_off);
        }
        set_lo(c, R_EAX, 0);
        finish(b, c, dl, 0);
        return;
    }
    case 0x16: /* change line */
        finish(b, c, dl, d->changed ? 0x06 : 0);
        d->changed = false;
        return;
    case 0x41: /* EDD installation check */
        if (!(dl & 0x80) || (c->r[R_EBX] & 0xFFFF) != 0x55AA)
            break;
        set16(c, R_EBX, 0xAA55);
        set_hi(c, R_EAX, 0x30);
        set16(c, R_ECX, 0x0001);
        bios_ret_flag(b, F_CF, false);
        return;
    case 0x42:
    case 0x43:
    case 0x44: { /* extended read/write/verify: packet at DS:SI */
        if (!(dl & 0x80))
            break;
        uint32_t p = bios_seg_lin(c, SEG_DS, c->r[R_ESI]);
        unsigned n = bios_rd16(b, p + 2);
        uint32_t buf = bios_rd32(b, p + 4);
        uint64_t lba = bios_rd32(b, p + 8) | (uint64_t)bios_rd32(b, p + 12) << 32;
        uint32_t lin = ((buf >> 16) << 4) + (buf & 0xFFFF); /* real-mode segment:offset */
        if (lba >= d->sectors || n > d->sectors - lba) {
            bios_wr16(b, p + 2, 0);
            finish(b, c, dl, 0x04);
            return;
        }
        int st = ah == 0x44 ? 0 : xfer(b, d, lba, n, lin, ah == 0x43);
        finish(b, c, dl, (uint8_t)st);
        return;
    }
    case 0x48: { /* drive parameters (EDD) */
        if (!(dl & 0x80))
            break;
        uint32_t p = bios_seg_lin(c, SEG_DS, c->r[R_ESI]);
        uint16_t size = bios_rd16(b, p);
        if (size < 26)
            break;
        bios_wr16(b, p, 26);
        bios_wr16(b, p + 2, 0x0002); /* CHS information valid */
        bios_wr32(b, p + 4, d->cyls);
        bios_wr32(b, p + 8, d->heads);
        bios_wr32(b, p + 12, d->spt);
        bios_wr32(b, p + 16, (uint32_t)d->sectors);
        bios_wr32(b, p + 20, (uint32_t)(d->sectors >> 32));
        bios_wr16(b, p + 24, SECTOR_SIZE);
        finish(b, c, dl, 0);
        return;
    }
    }
    finish(b, c, dl, 0x01); /* invalid function */
}
