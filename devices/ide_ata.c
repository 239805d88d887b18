/*
 * ide_ata.c - an ATA hard disk behind the IDE channel (ide.c), following the
 * ATA/ATAPI-6 command descriptions (T13/1410D): IDENTIFY DEVICE, READ/WRITE
 * SECTORS (with and without retry), READ/WRITE MULTIPLE with SET MULTIPLE
 * MODE, their 48-bit EXT forms, READ/WRITE DMA (+EXT) through the bus
 * master, READ VERIFY, SEEK, RECALIBRATE, INITIALIZE DEVICE PARAMETERS (CHS
 * translation), SET FEATURES (transfer mode, write cache, look-ahead),
 * the power commands (IDLE, STANDBY, SLEEP, CHECK POWER MODE, also their old
 * 94h-99h opcodes) and FLUSH CACHE (+EXT), which fsyncs the image.
 *
 * Left out: security, SMART, host protected area (READ NATIVE MAX ADDRESS),
 * DOWNLOAD MICROCODE, queued and streaming commands; these abort.  The error
 * registers of a failed multi-sector command do not point at the failing
 * sector.  Power modes are only recorded (no spin-up delay).
 */
#include <stdio.h>
#include <string.h>

#include "devices/ide.h"

#define MAX_MULT 16u
#define BUF_SECTORS (IDE_BUF_SIZE / SECTOR_SIZE)

static uint64_t total(struct ide_channel *ch, struct ide_drive *d)
{
    struct disk *k = ide_disk(ch, d);
    return k ? k->sectors : 0;
}

/* The drive's default CHS translation: 16 heads, 63 sectors (ATA-6 annex). */
static void default_chs(uint64_t n, uint16_t *c, uint16_t *h, uint16_t *s)
{
    uint32_t spt = n >= 63 ? 63 : (uint32_t)(n ? n : 1);
    uint32_t heads = n / spt >= 16 ? 16 : (uint32_t)(n / spt ? n / spt : 1);
    uint64_t cyl = n / (heads * spt);
    *c = (uint16_t)(cyl > 16383 ? 16383 : cyl ? cyl : 1);
    *h = (uint16_t)heads;
    *s = (uint16_t)spt;
}

static void geometry(struct ide_channel *ch, struct ide_drive *d)
{
    if (!d->heads || !d->spt)
        default_chs(total(ch, d), &d->cyls, &d->heads, &d->spt);
}

static void identify(struct ide_channel *ch, struct ide_drive *d)
{
    uint8_t *id = d->buf;
    uint64_t n = total(ch, d);
    uint16_t c, h, s;
    char serial[24];
    memset(id, 0, 512);
    default_chs(n, &c, &h, &s);
    geometry(ch, d);
    snprintf(serial, sizeof(serial), "TARSIER-HD%d", ch->index * 2 + (d == &ch->drv[1]));
    ide_id_word(id, 0, 0x0040);                 /* fixed device */
    ide_id_word(id, 1, c);
    ide_id_word(id, 3, h);
    ide_id_word(id, 6, s);
    ide_id_string(id, 10, 10, serial);
    ide_id_word(id, 20, 3);                     /* buffer type: dual ported, read cache */
    ide_id_word(id, 21, 512);
    ide_id_word(id, 22, 4);
    ide_id_string(id, 23, 4, "1.0");
    ide_id_string(id, 27, 20, "TARSIER HARDDISK");
    ide_id_word(id, 47, 0x8000 | MAX_MULT);
    ide_id_word(id, 49, 0x0F00);                /* IORDY, IORDY disable, LBA, DMA */
    ide_id_word(id, 50, 0x4000);
    ide_id_word(id, 51, 0x0200);                /* PIO mode 2 timing (obsolete field) */
    ide_id_word(id, 53, 0x0007);                /* words 54-58, 64-70 and 88 valid */
    uint64_t cur = (uint64_t)d->cyls * d->heads * d->spt;
    if (cur > n)
        cur = n;
    ide_id_word(id, 54, d->cyls);
    ide_id_word(id, 55, d->heads);
    ide_id_word(id, 56, d->spt);
    ide_id_word(id, 57, (uint16_t)cur);
    ide_id_word(id, 58, (uint16_t)(cur >> 16));
    ide_id_word(id, 59, d->mult ? 0x0100 | d->mult : 0);
    uint64_t lba28 = n > 0x0FFFFFFF ? 0x0FFFFFFF : n;
    ide_id_word(id, 60, (uint16_t)lba28);
    ide_id_word(id, 61, (uint16_t)(lba28 >> 16));
    uint8_t mw = (d->dma_mode & 0xF0) == 0x20 ? 1u << (d->dma_mode & 7) : 0;
    uint8_t ud = (d->dma_mode & 0xF0) == 0x40 ? 1u << (d->dma_mode & 7) : 0;
    ide_id_word(id, 63, (uint16_t)(0x0007 | mw << 8)); /* multiword DMA 0-2 */
    ide_id_word(id, 64, 0x0003);                /* PIO modes 3 and 4 */
    ide_id_word(id, 65, 120);
    ide_id_word(id, 66, 120);
    ide_id_word(id, 67, 120);
    ide_id_word(id, 68, 120);
    ide_id_word(id, 80, 0x007E);                /* ATA-1 .. ATA-6 */
    ide_id_word(id, 82, 0x4020);                /* NOP, write cache */
    ide_id_word(id, 83, 0x7400);                /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit */
    ide_id_word(id, 84, 0x4000);
    ide_id_word(id, 85, (uint16_t)(0x4000 | (d->wcache ? 0x20 : 0)));
    ide_id_word(id, 86, 0x3400);
    ide_id_word(id, 87, 0x4000);
    ide_id_word(id, 88, (uint16_t)(0x0007 | ud << 8)); /* Ultra DMA 0-2 */
    ide_id_word(id, 93, (uint16_t)(0x4001 | (d == &ch->drv[0] ? 0x0008 : 0x0100)));
    for (int k = 0; k < 4; k++)
        ide_id_word(id, 100 + k, (uint16_t)(n >> (16 * k)));
    /* integrity word: signature A5h and a checksum making the 512 bytes sum to 0 */
    id[510] = 0xA5;
    uint8_t sum = 0;
    for (int k = 0; k < 511; k++)
        sum = (uint8_t)(sum + id[k]);
    id[511] = (uint8_t)-sum;
}

/* Decode the command's address and count; 0 or an error register value. */
static uint8_t address(struct ide_channel *ch, struct ide_drive *d, int lba48, uint64_t *lba, uint32_t *count)
{
    if (lba48)
        *count = (uint32_t)d->hob_nsect << 8 | d->nsect;
    else
        *count = d->nsect;
    if (!*count)
        *count = lba48 ? 65536 : 256;
    if (lba48 || (d->select & 0x40)) {
        *lba = ide_lba(d, lba48);
    } else {
        geometry(ch, d);
        uint32_t cyl = d->lbam | (uint32_t)d->lbah << 8, head = d->select & 0x0F, sec = d->lbal;
        if (sec == 0 || sec > d->spt || head >= d->heads)
            return IDE_ERR_IDNF;
        *lba = ((uint64_t)cyl * d->heads + head) * d->spt + sec - 1;
    }
    uint64_t n = total(ch, d);
    if (*lba >= n || *count > n - *lba)
        return IDE_ERR_IDNF;
    return 0;
}

static void fail(struct ide_drive *d, uint8_t err)
{
    d->status = IDE_DRDY | IDE_ERR;
    d->error = err;
    d->xfer = XFER_NONE;
}

/* Load up to max sectors into buf; 1 ok, -1 error. */
static int load(struct ide_channel *ch, struct ide_drive *d, uint32_t max)
{
    uint32_t n = d->left < max ? d->left : max;
    if (disk_read(ide_disk(ch, d), d->lba, n, d->buf)) {
        fail(d, IDE_ERR_UNC);
        return -1;
    }
    d->lba += n;
    d->left -= n;
    d->pos = 0;
    d->len = d->end = n * SECTOR_SIZE;
    return 1;
}

/* Store buf[0, len) and open room for up to max more sectors. */
static int store(struct ide_channel *ch, struct ide_drive *d, uint32_t max)
{
    uint32_t n = d->len / SECTOR_SIZE;
    if (n > d->left)
        n = d->left;
    if (disk_write(ide_disk(ch, d), d->lba, n, d->buf)) {
        fail(d, IDE_ERR_ABRT);
        return -1;
    }
    d->lba += n;
    d->left -= n;
    if (!d->left)
        return 0;
    d->pos = 0;
    d->len = d->end = (d->left < max ? d->left : max) * SECTOR_SIZE;
    return 1;
}

int ide_ata_refill(struct ide_channel *ch, struct ide_drive *d)
{
    if (d->cmd == 0xCA || d->cmd == 0xCB || d->cmd == 0x35)
        return store(ch, d, BUF_SECTORS);
    return d->left ? load(ch, d, BUF_SECTORS) : 0;
}

void ide_ata_pio_end(struct ide_channel *ch, struct ide_drive *d)
{
    int r;
    if (d->xfer == XFER_ATA_READ) {
        if (!d->left) {
            d->status = IDE_DRDY | IDE_DSC; /* the last block read: no interrupt */
            d->xfer = XFER_NONE;
            return;
        }
        r = load(ch, d, d->block);
    } else {
        r = store(ch, d, d->block);
        if (r == 0) {
            ide_cmd_done(ch, d);
            return;
        }
    }
    if (r < 0) {
        ide_irq_after(ch, d, IDE_CMD_NS, 1);
        return;
    }
    d->status = IDE_DRDY | IDE_DSC | IDE_DRQ; /* the next block: DRQ at once, INTRQ shortly */
    ide_irq_after(ch, d, IDE_CMD_NS, 0);
}

void ide_ata_dma_end(struct ide_channel *ch, struct ide_drive *d, int ok)
{
    if (ok)
        d->status = IDE_DRDY | IDE_DSC;
    ide_irq_after(ch, d, IDE_DMA_NS, 1);
}

static void rw(struct ide_channel *ch, struct ide_drive *d, int lba48, int write, int dma, uint32_t block)
{
    uint64_t lba;
    uint32_t count;
    uint8_t err = address(ch, d, lba48, &lba, &count);
    if (err) {
        ide_cmd_error(ch, d, err);
        return;
    }
    d->standby = 0;
    d->lba = lba;
    d->left = count;
    d->block = block;
    uint32_t max = dma ? BUF_SECTORS : block;
    if (write) {
        d->pos = 0;
        d->len = d->end = (count < max ? count : max) * SECTOR_SIZE;
    } else if (load(ch, d, max) < 0) {
        ide_irq_after(ch, d, IDE_CMD_NS, 1);
        return;
    }
    if (dma) {
        ide_dma_ready(ch, d, write ? DMA_FROM_MEM : DMA_TO_MEM);
        return;
    }
    uint32_t len = d->len;
    ide_pio(d, len, write ? XFER_ATA_WRITE : XFER_ATA_READ);
    if (write)
        d->busy_until = ide_now(ch) + IDE_CMD_NS; /* DRQ for the first block: no interrupt */
    else
        ide_irq_after(ch, d, IDE_CMD_NS, 1);
}

static void set_features(struct ide_channel *ch, struct ide_drive *d)
{
    uint8_t v = d->nsect;
    switch (d->feature) {
    case 0x03: /* set transfer mode */
        if (v <= 0x01)
            d->pio_mode = 0;
        else if (v >= 0x08 && v <= 0x0C)
            d->pio_mode = v & 7;
        else if ((v >= 0x20 && v <= 0x22) || (v >= 0x40 && v <= 0x42))
            d->dma_mode = v;
        else
            break;
        ide_cmd_done(ch, d);
        return;
    case 0x02: d->wcache = 1; ide_cmd_done(ch, d); return;
    case 0x82: d->wcache = 0; ide_cmd_done(ch, d); return;
    case 0x55: case 0xAA: case 0x66: case 0xCC: /* look-ahead, revert to defaults: accepted */
        ide_cmd_done(ch, d);
        return;
    }
    ide_cmd_error(ch, d, IDE_ERR_ABRT);
}

void ide_ata_command(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
    uint64_t lba;
    uint32_t count;
    uint8_t err;
    if (cmd >= 0x94 && cmd <= 0x99) /* the old power command opcodes */
        cmd = (uint8_t)(cmd == 0x98 ? 0xE5 : cmd == 0x99 ? 0xE6 : 0xE0 + (cmd - 0x94));
    if ((cmd & 0xF0) == 0x10)
        cmd = 0x10;
    if ((cmd & 0xF0) == 0x70)
        cmd = 0x70;
    switch (cmd) {
    case 0xEC: /* IDENTIFY DEVICE */
        identify(ch, d);
        ide_pio(d, 512, XFER_NONE);
        ide_irq_after(ch, d, IDE_CMD_NS, 1);
        return;
    case 0x20: case 0x21: rw(ch, d, 0, 0, 0, 1); return;
    case 0x24: rw(ch, d, 1, 0, 0, 1); return;
    case 0x30: case 0x31: rw(ch, d, 0, 1, 0, 1); return;
    case 0x34: rw(ch, d, 1, 1, 0, 1); return;
    case 0xC4: case 0x29: case 0xC5: case 0x39: /* READ/WRITE MULTIPLE (EXT) */
        if (!d->mult)
            break;
        rw(ch, d, cmd == 0x29 || cmd == 0x39, cmd == 0xC5 || cmd == 0x39, 0, d->mult);
        return;
    case 0xC8: case 0xC9: rw(ch, d, 0, 0, 1, 1); return;
    case 0x25: rw(ch, d, 1, 0, 1, 1); return;
    case 0xCA: case 0xCB: rw(ch, d, 0, 1, 1, 1); return;
    case 0x35: rw(ch, d, 1, 1, 1, 1); return;
    case 0x40: case 0x41: case 0x42: /* READ VERIFY SECTORS (EXT) */
    case 0x70:                       /* SEEK */
        err = address(ch, d, cmd == 0x42, &lba, &count);
        if (err)
            ide_cmd_error(ch, d, err);
        else
            ide_cmd_done(ch, d);
        return;
    case 0x10: /* RECALIBRATE */
        ide_cmd_done(ch, d);
        return;
    case 0x91: { /* INITIALIZE DEVICE PARAMETERS */
        uint16_t heads = (uint16_t)((d->select & 0x0F) + 1), spt = d->nsect;
        if (!spt)
            break;
        uint64_t cyl = total(ch, d) / ((uint64_t)heads * spt);
        d->heads = heads;
        d->spt = spt;
        d->cyls = (uint16_t)(cyl > 65535 ? 65535 : cyl);
        ide_cmd_done(ch, d);
        return;
    }
    case 0xC6: /* SET MULTIPLE MODE */
        if (d->nsect > MAX_MULT || (d->nsect & (d->nsect - 1)))
            break;
        d->mult = d->nsect;
        ide_cmd_done(ch, d);
        return;
    case 0xEF: set_features(ch, d); return;
    case 0xE0: case 0xE2: case 0xE6: d->standby = 1; ide_cmd_done(ch, d); return;
    case 0xE1: case 0xE3: d->standby = 0; ide_cmd_done(ch, d); return;
    case 0xE5: /* CHECK POWER MODE */
        ide_cmd_done(ch, d);
        d->nsect = d->standby ? 0x00 : 0xFF;
        return;
    case 0xE7: case 0xEA: /* FLUSH CACHE (EXT) */
        if (disk_flush(ide_disk(ch, d)))
            break;
        ide_cmd_done(ch, d);
        return;
    }
    ide_cmd_error(ch, d, IDE_ERR_ABRT); /* IDENTIFY PACKET DEVICE, PACKET, NOP and the rest */
}
