/*
 * eltorito.c - CD-ROM boot per the "El Torito" Bootable CD-ROM Format
 * Specification 1.0 (Phoenix/IBM, 1995): the boot record volume descriptor
 * in sector 17, the boot catalog's validation entry (header ID 1, checksum,
 * 55AA key) and initial/default entry, then a no-emulation boot: the image's
 * 512-byte virtual sectors go to the load segment (default 07C0h) and the
 * loader starts there with DL = E0h.  INT 13h on drive E0h then serves the
 * disc with 2048-byte sectors: reset/status, the EDD functions 41h, 42h,
 * 44h, 45h, 47h, 48h (Phoenix EDD 3.0) and 4Bh (terminate disk emulation /
 * return the specification packet).  The disc is read from its image
 * directly, as int13.c does for the other drives.
 *
 * Left out: floppy and hard-disk emulation boot images (the boot then falls
 * through to the next drive in the boot order, with a message), section
 * entries beyond the initial entry (other platforms), AH=4Ch/4Dh, and CHS
 * access to the disc.
 */
#include <stdio.h>
#include <string.h>

#include "bios/bios.h"
#include "cpu/sem.h"

#define BDA 0x400u
#define CD_DRIVE 0xE0

static uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

static int cd_read(struct disk *d, uint32_t lba, uint32_t n, void *buf)
{
    return disk_read(d, (uint64_t)lba * 4, n * 4, buf);
}

static uint32_t cd_blocks(const struct disk *d)
{
    return (uint32_t)(d->sectors / 4);
}

/* Copy to guest memory at a linear address (through the MMU when paging is on). */
static void to_guest(struct bios *b, uint32_t lin, const uint8_t *src, uint32_t n)
{
    if (!(b->cpu->cr0 & 0x80000000u)) {
        memmap_write_bytes(b->mem, lin, src, n);
        return;
    }
    for (uint32_t k = 0; k < n; k++)
        bios_wr8(b, lin + k, src[k]);
}

int bios_cd_boot(struct bios *b, struct cpu *c)
{
    struct disk *d = b->cd;
    uint8_t s[2048];
    if (!d || cd_read(d, 17, 1, s))
        return -1;
    if (s[0] != 0 || memcmp(s + 1, "CD001", 5) || s[6] != 1 || memcmp(s + 7, "EL TORITO SPECIFICATION", 23)) {
        bios_tty_puts(b, "CD-ROM: no El Torito boot record\r\n");
        return -1;
    }
    uint32_t cat = le32(s + 0x47);
    if (cat >= cd_blocks(d) || cd_read(d, cat, 1, s))
        return -1;
    uint16_t sum = 0;
    for (int k = 0; k < 32; k += 2)
        sum = (uint16_t)(sum + le16(s + k));
    if (s[0] != 1 || s[0x1E] != 0x55 || s[0x1F] != 0xAA || sum != 0) {
        bios_tty_puts(b, "CD-ROM: bad boot catalog\r\n");
        return -1;
    }
    const uint8_t *e = s + 32; /* initial/default entry */
    if (e[0] != 0x88) {
        bios_tty_puts(b, "CD-ROM: boot image not bootable\r\n");
        return -1;
    }
    if ((e[1] & 0x0F) != 0) {
        bios_tty_puts(b, "CD-ROM: only no-emulation boot images are supported\r\n");
        return -1;
    }
    uint32_t seg = le16(e + 2) ? le16(e + 2) : 0x07C0, count = le16(e + 6) ? le16(e + 6) : 1;
    uint32_t rba = le32(e + 8), bytes = count * 512u, blocks = (bytes + 2047) / 2048;
    if (seg * 16u + bytes > 0xA0000u || rba >= cd_blocks(d) || blocks > cd_blocks(d) - rba) {
        bios_tty_puts(b, "CD-ROM: boot image out of range\r\n");
        return -1;
    }
    b->cdboot.load_seg = (uint16_t)seg;
    b->cdboot.count = (uint16_t)count;
    b->cdboot.rba = rba;
    b->cdboot.active = 1;
    for (uint32_t k = 0; k < blocks; k++) {
        if (cd_read(d, rba + k, 1, s))
            return -1;
        uint32_t n = bytes - k * 2048 < 2048 ? bytes - k * 2048 : 2048;
        to_guest(b, seg * 16u + k * 2048, s, n);
    }
    b->boot_drive = CD_DRIVE;
    set_lo(c, R_EDX, CD_DRIVE);
    cpu_load_seg_real(c, SEG_DS, 0);
    cpu_load_seg_real(c, SEG_ES, 0);
    cpu_load_seg_real(c, SEG_SS, 0);
    c->r[R_ESP] = 0x7C00;
    cpu_load_seg_real(c, SEG_CS, (uint16_t)seg);
    c->eip = 0;
    c->eflags |= F_IF;
    c->stop_block = 1;
    return 0;
}

static void finish(struct bios *b, struct cpu *c, uint8_t status)
{
    set_hi(c, R_EAX, status);
    bios_wr8(b, BDA + 0x74, status);
    bios_ret_flag(b, F_CF, status != 0);
}

/* The El Torito specification packet (13h bytes) at lin. */
static void spec_packet(struct bios *b, uint32_t lin)
{
    bios_wr8(b, lin, 0x13);
    bios_wr8(b, lin + 1, 0x00);      /* no emulation */
    bios_wr8(b, lin + 2, CD_DRIVE);
    bios_wr8(b, lin + 3, 0);         /* controller index */
    bios_wr32(b, lin + 4, b->cdboot.rba);
    bios_wr16(b, lin + 8, 0);        /* device specification: master */
    bios_wr16(b, lin + 10, 0);       /* user buffer segment */
    bios_wr16(b, lin + 12, b->cdboot.load_seg);
    bios_wr16(b, lin + 14, b->cdboot.count);
    bios_wr8(b, lin + 16, 0);
    bios_wr8(b, lin + 17, 0);
    bios_wr8(b, lin + 18, 0);
}

/* Extended read (42h) / verify (44h): the disk address packet at DS:SI. */
static void ext_read(struct bios *b, struct cpu *c, struct disk *d, int verify)
{
    uint32_t p = bios_seg_lin(c, SEG_DS, c->r[R_ESI]);
    uint32_t n = bios_rd16(b, p + 2), buf = bios_rd32(b, p + 4);
    uint64_t lba = bios_rd32(b, p + 8) | (uint64_t)bios_rd32(b, p + 12) << 32;
    uint32_t lin = ((buf >> 16) << 4) + (buf & 0xFFFF);
    if (buf == 0xFFFFFFFFu && bios_rd8(b, p) >= 0x18)
        lin = bios_rd32(b, p + 16); /* 64-bit flat buffer address (low half) */
    if (lba >= cd_blocks(d) || n > cd_blocks(d) - lba) {
        bios_wr16(b, p + 2, 0);
        finish(b, c, 0x04);
        return;
    }
    uint8_t s[2048];
    for (uint32_t k = 0; k < n && !verify; k++) {
        if (cd_read(d, (uint32_t)lba + k, 1, s)) {
            bios_wr16(b, p + 2, (uint16_t)k);
            finish(b, c, 0x0C); /* media type not found / read error */
            return;
        }
        to_guest(b, lin + k * 2048, s, 2048);
    }
    finish(b, c, 0);
}

int bios_cd_int13(struct bios *b, struct cpu *c)
{
    struct disk *d = b->cd;
    if (!d || reg8_lo(c, R_EDX) != CD_DRIVE)
        return 0;
    uint8_t ah = reg8_hi(c, R_EAX), al = reg8_lo(c, R_EAX);
    switch (ah) {
    case 0x00: case 0x0D: case 0x10: case 0x11: /* reset, test ready, recalibrate */
        finish(b, c, 0);
        return 1;
    case 0x01: {
        uint8_t st = bios_rd8(b, BDA + 0x74);
        finish(b, c, 0);
        set_lo(c, R_EAX, st);
        return 1;
    }
    case 0x15: /* drive type: removable with change line */
        bios_ret_flag(b, F_CF, false);
        set_hi(c, R_EAX, 0x02);
        return 1;
    case 0x41:
        if ((c->r[R_EBX] & 0xFFFF) != 0x55AA)
            break;
        set16(c, R_EBX, 0xAA55);
        set_hi(c, R_EAX, 0x30);
        set16(c, R_ECX, 0x0007); /* packet access, removable-media functions, EDD */
        bios_ret_flag(b, F_CF, false);
        return 1;
    case 0x42: ext_read(b, c, d, 0); return 1;
    case 0x44: ext_read(b, c, d, 1); return 1;
    case 0x43: finish(b, c, 0x03); return 1; /* write protected */
    case 0x45: finish(b, c, 0); set_lo(c, R_EAX, al & 1); return 1; /* lock/unlock */
    case 0x46: finish(b, c, 0xB1); return 1;                        /* eject: locked in drive */
    case 0x47: finish(b, c, 0); return 1;                           /* extended seek */
    case 0x49: finish(b, c, 0); return 1;                           /* no media change */
    case 0x48: {
        uint32_t p = bios_seg_lin(c, SEG_DS, c->r[R_ESI]);
        if (bios_rd16(b, p) < 26)
            break;
        bios_wr16(b, p, 26);
        bios_wr16(b, p + 2, 0x0074); /* removable, change line, lockable, CHS maximum */
        bios_wr32(b, p + 4, 0xFFFFFFFFu);
        bios_wr32(b, p + 8, 0xFFFFFFFFu);
        bios_wr32(b, p + 12, 0xFFFFFFFFu);
        bios_wr32(b, p + 16, cd_blocks(d));
        bios_wr32(b, p + 20, 0);
        bios_wr16(b, p + 24, 2048);
        finish(b, c, 0);
        return 1;
    }
    case 0x4B: /* terminate disk emulation (AL=0) / status (AL=1) */
        if (al > 1)
            break;
        spec_packet(b, bios_seg_lin(c, SEG_DS, c->r[R_ESI]));
        finish(b, c, 0);
        return 1;
    }
    finish(b, c, 0x01);
    return 1;
}
