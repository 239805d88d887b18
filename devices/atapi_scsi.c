/*
 * atapi_scsi.c - the packet commands of the ATAPI CD-ROM (see atapi.c for
 * the list and what is left out): each builds its response in the device
 * buffer, big-endian as SCSI wants, cut to the allocation length.  Field
 * layouts per SPC-3 (INQUIRY, REQUEST SENSE fixed format, MODE SENSE(10)
 * header) and MMC-5 (capabilities page 2Ah, TOC, features, events, disc
 * information, mechanism status).
 */
#include <string.h>

#include "devices/ide.h"

#define SK_NOT_READY 0x02
#define SK_ILLEGAL 0x05
#define SK_UNIT_ATTENTION 0x06

static void be16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void be32(uint8_t *p, uint32_t v) { be16(p, v >> 16); be16(p + 2, v); }
static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) << 16 | rd16(p + 2); }

static void address(uint8_t *b, uint32_t lba, int msf)
{
    if (!msf) {
        be32(b, lba);
        return;
    }
    lba += 150; /* the 2-second pregap */
    b[0] = 0;
    b[1] = (uint8_t)(lba / (75 * 60));
    b[2] = (uint8_t)(lba / 75 % 60);
    b[3] = (uint8_t)(lba % 75);
}

static void track(uint8_t *b, uint8_t n, uint32_t lba, int msf)
{
    b[0] = 0;
    b[1] = 0x14; /* ADR 1 (Q sub-channel position), control 4: data track */
    b[2] = n;
    b[3] = 0;
    address(b + 4, lba, msf);
}

/* READ TOC/PMA/ATIP formats 0 (TOC) and 1 (session information). */
static int read_toc(struct ide_drive *d, uint32_t nblocks, uint32_t *len)
{
    const uint8_t *p = d->packet;
    uint8_t *b = d->buf;
    int msf = (p[1] >> 1) & 1, format = p[2] & 0x0F, first = p[6];
    if (!format)
        format = p[9] >> 6; /* the older SFF-8020 place of the format */
    memset(b, 0, 32);
    if (format == 0) {
        if (first > 1 && first != 0xAA)
            return -1;
        uint32_t n = 4;
        if (first <= 1) {
            track(b + n, 1, 0, msf);
            n += 8;
        }
        track(b + n, 0xAA, nblocks, msf); /* lead-out */
        n += 8;
        be16(b, n - 2);
        b[2] = b[3] = 1;
        *len = n;
        return 0;
    }
    if (format == 1) {
        be16(b, 10);
        b[2] = b[3] = 1;
        track(b + 4, 1, 0, msf);
        *len = 12;
        return 0;
    }
    return -1;
}

static uint32_t mode_sense(struct ide_drive *d, int page, uint32_t *len)
{
    uint8_t *b = d->buf;
    uint32_t n = 8;
    memset(b, 0, 64);
    if (page == 0x01 || page == 0x3F) { /* read error recovery */
        b[n] = 0x01;
        b[n + 1] = 0x0A;
        b[n + 3] = 5; /* read retry count */
        n += 12;
    }
    if (page == 0x2A || page == 0x3F) { /* CD/DVD capabilities and mechanical status */
        uint8_t *c = b + n;
        c[0] = 0x2A;
        c[1] = 0x14;
        c[4] = 0x71;                      /* mode 2 form 1/2, multi-session, audio play */
        c[6] = (uint8_t)(0x29 | (d->locked ? 0x02 : 0)); /* tray, eject, lock */
        be16(c + 8, 4224);                /* 24x */
        be16(c + 10, 256);
        be16(c + 12, 512);
        be16(c + 14, 4224);
        n += 22;
    }
    if (n == 8)
        return 0;
    be16(b, n - 2);
    *len = n;
    return 1;
}

/* GET CONFIGURATION: the profile list and a few features. */
static uint32_t get_config(struct ide_drive *d, int have)
{
    const uint8_t *p = d->packet;
    uint8_t *b = d->buf;
    int rt = p[1] & 3;
    uint32_t start = rd16(p + 2), n = 8;
    static const struct { uint16_t code; uint8_t flags, len; } feats[] = {
        { 0x0000, 0x03, 4 }, { 0x0001, 0x0B, 8 }, { 0x0003, 0x03, 4 }, { 0x0010, 0x00, 8 }, { 0x001E, 0x08, 4 },
    };
    memset(b, 0, 128);
    for (unsigned k = 0; k < sizeof(feats) / sizeof(feats[0]); k++) {
        int current = feats[k].code < 0x0010 || have;
        if ((rt == 2 && feats[k].code != start) || feats[k].code < start || (rt == 1 && !current))
            continue;
        uint8_t *f = b + n;
        be16(f, feats[k].code);
        f[2] = (uint8_t)(feats[k].flags | (current ? 1 : 0));
        f[3] = feats[k].len;
        switch (feats[k].code) {
        case 0x0000: be16(f + 4, 0x0008); f[6] = have ? 1 : 0; break; /* CD-ROM profile */
        case 0x0001: be32(f + 4, 2); f[8] = 0x01; break;             /* ATAPI, DBE */
        case 0x0003: f[4] = (uint8_t)(0x29 | (d->locked ? 0x04 : 0)); break;
        case 0x0010: be32(f + 4, CD_SECTOR); be16(f + 8, 1); break;
        }
        n += 4u + feats[k].len;
    }
    be32(b, n - 4);
    be16(b + 6, have ? 0x0008 : 0);
    return n;
}

static int needs_medium(uint8_t op)
{
    return op == 0x00 || op == 0x25 || op == 0x28 || op == 0xA8 || op == 0x2B || op == 0x43 || op == 0x51;
}

void atapi_packet(struct ide_channel *ch, struct ide_drive *d)
{
    memcpy(d->packet, d->buf, 12);
    const uint8_t *p = d->packet;
    uint8_t *b = d->buf;
    uint8_t op = p[0];
    uint32_t nb = atapi_blocks(ch, d), len = 0;
    d->left = 0;
    d->xfer = XFER_NONE;
    if (op != 0x03) {
        d->sense_key = d->asc = d->ascq = 0;
        if (d->unit_attention && op != 0x12 && op != 0x46 && op != 0x4A) {
            uint8_t asc = d->unit_attention;
            d->unit_attention = 0;
            atapi_check(ch, d, SK_UNIT_ATTENTION, asc, 0);
            return;
        }
        if (needs_medium(op) && !atapi_medium(ch, d)) {
            atapi_check(ch, d, SK_NOT_READY, 0x3A, 0);
            return;
        }
    }
    switch (op) {
    case 0x00: /* TEST UNIT READY */
    case 0x2B: /* SEEK(10) */
    case 0xBB: /* SET CD SPEED */
        atapi_complete(ch, d, IDE_CMD_NS);
        return;
    case 0x03: /* REQUEST SENSE */
        memset(b, 0, 18);
        if (d->unit_attention && !d->sense_key) {
            d->sense_key = SK_UNIT_ATTENTION;
            d->asc = d->unit_attention;
        }
        b[0] = 0x70;
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        b[13] = d->ascq;
        d->sense_key = d->asc = d->ascq = 0;
        d->unit_attention = 0;
        atapi_send(ch, d, 18, p[4]);
        return;
    case 0x12: /* INQUIRY */
        if (p[1] & 1)
            break; /* no vital product data pages */
        memset(b, 0, 36);
        b[0] = 0x05;  /* CD/DVD device */
        b[1] = 0x80;  /* removable */
        b[2] = 0x05;  /* SPC-3 */
        b[3] = 0x02;  /* response data format 2 */
        b[4] = 31;
        memcpy(b + 8, "TARSIER CD-ROM          1.0 ", 28);
        atapi_send(ch, d, 36, rd16(p + 3));
        return;
    case 0x1B: /* START STOP UNIT */
        if (p[4] & 2) {
            if (!(p[4] & 1)) {
                if (d->locked) {
                    atapi_check(ch, d, SK_ILLEGAL, 0x53, 0x02); /* medium removal prevented */
                    return;
                }
                d->tray_open = 1;
                d->media_event = 3;
            } else if (d->tray_open) {
                d->tray_open = 0;
                d->media_event = 2;
                d->unit_attention = 0x28;
            }
        }
        atapi_complete(ch, d, IDE_CMD_NS);
        return;
    case 0x1E: /* PREVENT/ALLOW MEDIUM REMOVAL */
        d->locked = p[4] & 1;
        atapi_complete(ch, d, IDE_CMD_NS);
        return;
    case 0x25: /* READ CAPACITY */
        be32(b, nb - 1);
        be32(b + 4, CD_SECTOR);
        atapi_send(ch, d, 8, 8);
        return;
    case 0x28: case 0xA8: { /* READ(10), READ(12) */
        uint32_t lba = rd32(p + 2), count = op == 0x28 ? rd16(p + 7) : rd32(p + 6);
        if (lba > nb || count > nb - lba) {
            atapi_check(ch, d, SK_ILLEGAL, 0x21, 0); /* logical block address out of range */
            return;
        }
        d->lba = lba;
        d->left = count;
        d->pos = d->len = 0;
        int r = count ? atapi_refill(ch, d) : 0;
        if (r < 0)
            atapi_complete(ch, d, IDE_CMD_NS);
        else if (r == 0)
            atapi_complete(ch, d, IDE_CMD_NS);
        else if (d->feature & 1)
            ide_dma_ready(ch, d, DMA_TO_MEM);
        else
            atapi_pio_chunk(ch, d);
        return;
    }
    case 0x5A: /* MODE SENSE(10) */
        if ((p[2] >> 6) == 3) {
            atapi_check(ch, d, SK_ILLEGAL, 0x39, 0); /* saving parameters not supported */
            return;
        }
        if (!mode_sense(d, p[2] & 0x3F, &len))
            break;
        atapi_send(ch, d, len, rd16(p + 7));
        return;
    case 0x43: /* READ TOC/PMA/ATIP */
        if (read_toc(d, nb, &len))
            break;
        atapi_send(ch, d, len, rd16(p + 7));
        return;
    case 0x46: /* GET CONFIGURATION */
        len = get_config(d, atapi_medium(ch, d) != NULL);
        atapi_send(ch, d, len, rd16(p + 7));
        return;
    case 0x4A: /* GET EVENT STATUS NOTIFICATION (polled only) */
        if (!(p[1] & 1))
            break;
        memset(b, 0, 8);
        b[3] = 0x10; /* supported: media class */
        if (p[4] & 0x10) {
            be16(b, 6);
            b[2] = 0x04;
            b[4] = d->media_event;
            b[5] = (uint8_t)((atapi_medium(ch, d) ? 0x02 : 0) | (d->tray_open ? 0x01 : 0));
            d->media_event = 0;
            len = 8;
        } else {
            be16(b, 2);
            b[2] = 0x80; /* no event available */
            len = 4;
        }
        atapi_send(ch, d, len, rd16(p + 7));
        return;
    case 0x51: /* READ DISC INFORMATION */
        memset(b, 0, 34);
        be16(b, 32);
        b[2] = 0x0E; /* last session complete, disc complete */
        b[3] = b[4] = b[5] = b[6] = 1;
        memset(b + 16, 0xFF, 8); /* lead-in / lead-out of a finalised disc */
        atapi_send(ch, d, 34, rd16(p + 7));
        return;
    case 0xBD: /* MECHANISM STATUS */
        memset(b, 0, 8);
        b[1] = d->tray_open ? 0x10 : 0;
        atapi_send(ch, d, 8, rd16(p + 8));
        return;
    default:
        atapi_check(ch, d, SK_ILLEGAL, 0x20, 0); /* invalid command operation code */
        return;
    }
    atapi_check(ch, d, SK_ILLEGAL, 0x24, 0); /* invalid field in CDB */
}
