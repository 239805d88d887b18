/*
 * atapi.c - an ATAPI CD-ROM drive behind the IDE channel (ide.c): the ATA
 * side from ATA/ATAPI-6 (IDENTIFY PACKET DEVICE, PACKET with the byte count
 * limit and interrupt reason, DEVICE RESET, the signature), the commands
 * from SCSI SPC-3 and MMC-5 (T10): TEST UNIT READY, REQUEST SENSE, INQUIRY,
 * START STOP UNIT, PREVENT/ALLOW MEDIUM REMOVAL, READ CAPACITY, READ(10),
 * READ(12), SEEK(10), MODE SENSE(10) (pages 01h, 2Ah, 3Fh), READ TOC/PMA/ATIP
 * formats 0 and 1 (LBA and MSF), GET CONFIGURATION, GET EVENT STATUS
 * NOTIFICATION (media class), READ DISC INFORMATION, SET CD SPEED and
 * MECHANISM STATUS.  The disc is one data track (mode 1, 2048-byte sectors).
 * A unit attention (29h power on/reset, 28h medium changed) answers the first
 * other command after power-on, DEVICE RESET or a load.
 *
 * Left out: audio (PLAY, READ SUB-CHANNEL, READ CD), raw TOC format 2,
 * MODE SELECT, DVD structures, writing; these end in CHECK CONDITION with
 * ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE.
 */
#include <string.h>

#include "devices/ide.h"

#define SK_NOT_READY 0x02
#define SK_ILLEGAL 0x05
#define SK_UNIT_ATTENTION 0x06
#define BUF_BLOCKS (IDE_BUF_SIZE / CD_SECTOR)


struct disk *atapi_medium(struct ide_channel *ch, struct ide_drive *d)
{
    struct disk *k = ide_disk(ch, d);
    return k && !d->tray_open ? k : NULL;
}

uint32_t atapi_blocks(struct ide_channel *ch, struct ide_drive *d)
{
    struct disk *k = atapi_medium(ch, d);
    return k ? (uint32_t)(k->sectors / (CD_SECTOR / SECTOR_SIZE)) : 0;
}

void atapi_reset(struct ide_drive *d, int power_on)
{
    if (power_on) {
        d->sense_key = SK_UNIT_ATTENTION;
        d->asc = 0x29;
        d->ascq = 0;
        d->unit_attention = 0x29;
        d->locked = d->tray_open = 0;
        d->media_event = 2; /* new media */
    }
}

/* The command ends: interrupt reason "status", CHECK CONDITION or GOOD. */
void atapi_complete(struct ide_channel *ch, struct ide_drive *d, uint64_t delay)
{
    d->nsect = 3;
    d->xfer = XFER_NONE;
    d->dma = DMA_NONE;
    if (d->sense_key && d->packet[0] != 0x03) {
        d->status = IDE_DRDY | IDE_ERR;
        d->error = (uint8_t)(d->sense_key << 4);
    } else {
        d->status = IDE_DRDY | IDE_DSC;
        d->error = 0;
    }
    ide_irq_after(ch, d, delay, 1);
}

void atapi_check(struct ide_channel *ch, struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = ascq;
    atapi_complete(ch, d, IDE_CMD_NS);
}

/* Offer buf[pos, len) to the host: the next PIO chunk of at most byte_limit. */
void atapi_pio_chunk(struct ide_channel *ch, struct ide_drive *d)
{
    uint32_t n = d->len - d->pos, lim = d->byte_limit;
    if (lim >= CD_SECTOR && d->cmd == 0xA0 && (d->packet[0] == 0x28 || d->packet[0] == 0xA8))
        lim -= lim % CD_SECTOR;
    if (n > lim)
        n = lim;
    d->end = d->pos + n;
    d->xfer = XFER_ATAPI;
    d->nsect = 2; /* I/O = 1, C/D = 0: data to the host */
    d->lbam = (uint8_t)n;
    d->lbah = (uint8_t)(n >> 8);
    d->status = IDE_DRDY | IDE_DSC | IDE_DRQ;
    ide_irq_after(ch, d, IDE_CMD_NS, 1);
}

/* Data for the host in buf[0, len): through DMA or PIO. */
void atapi_send(struct ide_channel *ch, struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    d->pos = 0;
    d->len = len < alloc ? len : alloc;
    if (!d->len) {
        atapi_complete(ch, d, IDE_CMD_NS);
        return;
    }
    if (d->feature & 1)
        ide_dma_ready(ch, d, DMA_TO_MEM);
    else
        atapi_pio_chunk(ch, d);
}

int atapi_refill(struct ide_channel *ch, struct ide_drive *d)
{
    if (!d->left)
        return 0;
    uint32_t n = d->left < BUF_BLOCKS ? d->left : BUF_BLOCKS;
    struct disk *k = atapi_medium(ch, d);
    if (!k || disk_read(k, d->lba * 4, n * 4, d->buf)) {
        d->sense_key = k ? 0x03 : SK_NOT_READY; /* MEDIUM ERROR: unrecovered read error */
        d->asc = k ? 0x11 : 0x3A;                /* or NOT READY: medium not present */
        d->ascq = 0;
        return -1;
    }
    d->lba += n;
    d->left -= n;
    d->pos = 0;
    d->len = n * CD_SECTOR;
    return 1;
}

void atapi_pio_end(struct ide_channel *ch, struct ide_drive *d)
{
    if (d->pos < d->len) {
        atapi_pio_chunk(ch, d);
        return;
    }
    int r = atapi_refill(ch, d);
    if (r > 0)
        atapi_pio_chunk(ch, d);
    else
        atapi_complete(ch, d, IDE_CMD_NS);
}

void atapi_dma_end(struct ide_channel *ch, struct ide_drive *d, int ok)
{
    atapi_complete(ch, d, IDE_DMA_NS);
}

static void identify_packet(struct ide_channel *ch, struct ide_drive *d)
{
    uint8_t *id = d->buf;
    memset(id, 0, 512);
    ide_id_word(id, 0, 0x85C0);                 /* ATAPI, CD-ROM, removable, 50 us DRQ, 12-byte packets */
    ide_id_string(id, 10, 10, ch->index ? "TARSIER-CD1" : "TARSIER-CD0");
    ide_id_string(id, 23, 4, "1.0");
    ide_id_string(id, 27, 20, "TARSIER CD-ROM");
    ide_id_word(id, 49, 0x0F00);                /* IORDY, LBA, DMA */
    ide_id_word(id, 53, 0x0006);                /* words 64-70 and 88 valid */
    uint8_t mw = (d->dma_mode & 0xF0) == 0x20 ? 1u << (d->dma_mode & 7) : 0;
    uint8_t ud = (d->dma_mode & 0xF0) == 0x40 ? 1u << (d->dma_mode & 7) : 0;
    ide_id_word(id, 63, (uint16_t)(0x0007 | mw << 8));
    ide_id_word(id, 64, 0x0003);
    ide_id_word(id, 65, 120);
    ide_id_word(id, 66, 120);
    ide_id_word(id, 67, 120);
    ide_id_word(id, 68, 120);
    ide_id_word(id, 71, 30);
    ide_id_word(id, 72, 30);
    ide_id_word(id, 80, 0x007E);
    ide_id_word(id, 82, 0x4214);                /* NOP, DEVICE RESET, PACKET, removable media */
    ide_id_word(id, 83, 0x4000);
    ide_id_word(id, 84, 0x4000);
    ide_id_word(id, 85, 0x4214);
    ide_id_word(id, 86, 0x0000);
    ide_id_word(id, 87, 0x4000);
    ide_id_word(id, 88, (uint16_t)(0x0007 | ud << 8));
    ide_id_word(id, 93, 0x4001 | 0x2000);
}

void atapi_command(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
    switch (cmd) {
    case 0xA0: /* PACKET */
        d->byte_limit = (uint16_t)(d->lbam | d->lbah << 8);
        if (d->byte_limit == 0 || d->byte_limit == 0xFFFF)
            d->byte_limit = 0xFFFE;
        d->byte_limit &= 0xFFFE;
        ide_pio(d, 12, XFER_PACKET);
        d->nsect = 1; /* C/D = 1, I/O = 0: the packet */
        return;
    case 0xA1: /* IDENTIFY PACKET DEVICE */
        identify_packet(ch, d);
        ide_pio(d, 512, XFER_NONE);
        ide_irq_after(ch, d, IDE_CMD_NS, 1);
        return;
    case 0x08: /* DEVICE RESET: no interrupt */
        d->xfer = XFER_NONE;
        d->dma = DMA_NONE;
        d->error = 1;
        ide_set_signature(d);
        d->status = 0;
        d->unit_attention = 0x29;
        d->busy_until = ide_now(ch) + IDE_RESET_NS;
        return;
    case 0xEF: /* SET FEATURES */
        if (d->feature == 0x03 && (d->nsect <= 0x0C || (d->nsect >= 0x20 && d->nsect <= 0x22) ||
                                   (d->nsect >= 0x40 && d->nsect <= 0x42))) {
            if (d->nsect >= 0x20)
                d->dma_mode = d->nsect;
            ide_cmd_done(ch, d);
            return;
        }
        break;
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE6:
        d->standby = cmd == 0xE1 || cmd == 0xE3 ? 0 : 1;
        ide_cmd_done(ch, d);
        return;
    case 0xE5:
        ide_cmd_done(ch, d);
        d->nsect = d->standby ? 0x00 : 0xFF;
        return;
    }
    /* ATA commands a packet device does not run abort with the signature in place */
    ide_cmd_error(ch, d, IDE_ERR_ABRT);
    ide_set_signature(d);
}
