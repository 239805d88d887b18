/*
 * ide.c - the IDE channels' register interface and the PIIX bus master,
 * following ATA/ATAPI-6 (T13/1410D) for the command and control block
 * registers (task file with the 48-bit HOB registers, device selection,
 * INTRQ and nIEN, software reset with the ATA/ATAPI signatures, EXECUTE
 * DEVICE DIAGNOSTIC) and the Intel 82371SB (PIIX3) datasheet for the
 * bus-master IDE registers (command, status, PRD table pointer per channel)
 * and the physical region descriptor walk.  The command sets live in
 * ide_ata.c (disks) and atapi.c (CD-ROM).
 *
 * Left out: 8-bit data transfers (an 8-bit data-port access moves a word and
 * returns its low byte), the CHS/ATA timing registers of the PCI function
 * (the PCI device model owns them), overlapped/queued commands, and PCI bus
 * errors (BM status bit 1 is only cleared).  A register read of a device
 * that is absent returns 0, as QEMU's controller does, so drivers probing a
 * missing slave read back nothing they wrote.
 */
#include <stdio.h>
#include <string.h>

#include "devices/ide.h"

uint64_t ide_now(struct ide_channel *ch)
{
    struct ide *ide = ch->ide;
    return ide->now ? ide->now(ide->now_opaque) : ide->clk->now;
}

struct disk *ide_disk(struct ide_channel *ch, struct ide_drive *d)
{
    return ch->disk[d == &ch->drv[1]];
}

static struct ide_drive *cur(struct ide_channel *ch)
{
    return &ch->drv[(ch->drv[0].select >> 4) & 1];
}

static void update_line(struct ide_channel *ch)
{
    uint8_t level = ch->intrq && !(ch->devctl & IDE_DC_NIEN);
    if (level != ch->irq_level) {
        ch->irq_level = level;
        irq_set(&ch->irq, level);
    }
}

static void intrq_fire(struct ide_channel *ch)
{
    ch->irq_at = CLOCK_NEVER;
    clock_cancel(ch->ide->clk, ch->ev);
    ch->intrq = 1;
    ch->bm_status |= IDE_BM_INTR;
    update_line(ch);
}

static void ev_fire(void *opaque, uint64_t when)
{
    intrq_fire(opaque);
}

/* A pending interrupt whose time has come is asserted before the access. */
static void sync_irq(struct ide_channel *ch)
{
    if (ch->irq_at != CLOCK_NEVER && ide_now(ch) >= ch->irq_at)
        intrq_fire(ch);
}

void ide_irq_after(struct ide_channel *ch, struct ide_drive *d, uint64_t delay, int busy)
{
    uint64_t t = ide_now(ch) + delay;
    if (busy)
        d->busy_until = t;
    ch->irq_at = t;
    clock_schedule(ch->ide->clk, ch->ev, t);
}

static void clear_intrq(struct ide_channel *ch)
{
    ch->intrq = 0;
    ch->irq_at = CLOCK_NEVER;
    clock_cancel(ch->ide->clk, ch->ev);
    update_line(ch);
}

void ide_set_signature(struct ide_drive *d)
{
    d->nsect = d->lbal = 1;
    d->lbam = d->kind == IDE_ATAPI ? 0x14 : 0;
    d->lbah = d->kind == IDE_ATAPI ? 0xEB : 0;
    d->hob_nsect = d->hob_lbal = d->hob_lbam = d->hob_lbah = 0;
}

uint64_t ide_lba(const struct ide_drive *d, int lba48)
{
    if (lba48)
        return (uint64_t)d->lbal | (uint64_t)d->lbam << 8 | (uint64_t)d->lbah << 16 | (uint64_t)d->hob_lbal << 24 |
               (uint64_t)d->hob_lbam << 32 | (uint64_t)d->hob_lbah << 40;
    return d->lbal | (uint32_t)d->lbam << 8 | (uint32_t)d->lbah << 16 | (uint32_t)(d->select & 0x0F) << 24;
}

void ide_pio(struct ide_drive *d, uint32_t n, enum ide_xfer x)
{
    d->pos = 0;
    d->end = d->len = n;
    d->xfer = (uint8_t)x;
    d->status = IDE_DRDY | IDE_DSC | IDE_DRQ;
}

void ide_cmd_done(struct ide_channel *ch, struct ide_drive *d)
{
    d->status = IDE_DRDY | IDE_DSC;
    d->xfer = XFER_NONE;
    d->dma = DMA_NONE;
    ide_irq_after(ch, d, IDE_CMD_NS, 1);
}

void ide_cmd_error(struct ide_channel *ch, struct ide_drive *d, uint8_t err)
{
    d->status = IDE_DRDY | IDE_ERR;
    d->error = err;
    d->xfer = XFER_NONE;
    d->dma = DMA_NONE;
    ide_irq_after(ch, d, IDE_CMD_NS, 1);
}

void ide_id_word(uint8_t *id, int word, uint16_t v)
{
    id[2 * word] = (uint8_t)v;
    id[2 * word + 1] = (uint8_t)(v >> 8);
}

void ide_id_string(uint8_t *id, int word, int nwords, const char *s)
{
    size_t n = strlen(s);
    for (int k = 0; k < 2 * nwords; k++)
        id[2 * word + (k ^ 1)] = (uint8_t)((size_t)k < n ? s[k] : ' ');
}

/* ---- reset ---- */

static void drive_reset(struct ide_drive *d, int power_on)
{
    d->xfer = XFER_NONE;
    d->dma = DMA_NONE;
    d->pos = d->end = d->len = 0;
    d->left = 0;
    d->busy_until = 0;
    d->select = 0;
    d->feature = d->hob_feature = 0;
    d->error = 1; /* diagnostic passed */
    d->standby = 0;
    ide_set_signature(d);
    if (d->kind == IDE_ATAPI) {
        d->status = 0;
        atapi_reset(d, power_on);
    } else {
        d->status = d->kind == IDE_ATA ? IDE_DRDY | IDE_DSC : 0;
    }
    if (power_on) {
        d->mult = 0;
        d->pio_mode = d->dma_mode = 0;
        d->wcache = 1;
        d->cyls = d->heads = d->spt = 0; /* the default translation (ide_ata.c) */
    }
}

static void channel_reset(struct ide_channel *ch, int power_on)
{
    for (int k = 0; k < 2; k++)
        drive_reset(&ch->drv[k], power_on);
    clear_intrq(ch);
    if (power_on) {
        ch->devctl = 0;
        ch->bm_cmd = ch->bm_status = 0;
        ch->bm_prd = 0;
    }
}

void ide_reset(struct ide *ide)
{
    for (int c = 0; c < 2; c++)
        channel_reset(&ide->ch[c], 1);
}

/* ---- bus master ---- */

static void dma_finish(struct ide_channel *ch, struct ide_drive *d, int ok)
{
    d->dma = DMA_NONE;
    if (d->kind == IDE_ATAPI)
        atapi_dma_end(ch, d, ok);
    else
        ide_ata_dma_end(ch, d, ok);
}

/* Move the selected device's pending transfer through the PRD table. */
static void bm_run(struct ide_channel *ch)
{
    struct ide_drive *d = cur(ch);
    if (!(ch->bm_cmd & IDE_BM_START) || d->dma == DMA_NONE || !ch->ide->mem)
        return;
    int to_mem = d->dma == DMA_TO_MEM;
    if (!!(ch->bm_cmd & IDE_BM_TOMEM) != to_mem) {
        ch->bm_status &= (uint8_t)~IDE_BM_ACTIVE; /* direction mismatch: the transfer never starts */
        return;
    }
    struct memmap *mem = ch->ide->mem;
    uint32_t prd = ch->bm_prd;
    int result = 0; /* 0 running, 1 done, -1 failed */
    for (int n = 0; n < 8192 && !result; n++, prd += 8) {
        uint32_t addr = memmap_read(mem, prd, 4) & ~1u, w = memmap_read(mem, prd + 4, 4);
        uint32_t cnt = w & 0xFFFE ? w & 0xFFFE : 0x10000;
        while (cnt && !result) {
            uint32_t k = d->len - d->pos < cnt ? d->len - d->pos : cnt;
            if (to_mem)
                memmap_write_bytes(mem, addr, d->buf + d->pos, k);
            else
                memmap_read_bytes(mem, addr, d->buf + d->pos, k);
            d->pos += k;
            addr += k;
            cnt -= k;
            if (d->pos >= d->len) {
                int r = d->kind == IDE_ATAPI ? atapi_refill(ch, d) : ide_ata_refill(ch, d);
                result = r > 0 ? 0 : r == 0 ? 1 : -1;
            }
        }
        if (w & 0x80000000u) {
            if (!result || cnt == 0)
                ch->bm_status &= (uint8_t)~IDE_BM_ACTIVE; /* the table is used up */
            break;
        }
    }
    if (result)
        dma_finish(ch, d, result > 0);
}

void ide_dma_ready(struct ide_channel *ch, struct ide_drive *d, enum ide_dma dir)
{
    d->dma = (uint8_t)dir;
    d->xfer = XFER_NONE;
    d->status = IDE_DRDY | IDE_DSC | IDE_DRQ;
    if (d == cur(ch))
        bm_run(ch);
}

static uint32_t bm_read(void *opaque, uint32_t off, int size)
{
    struct ide *ide = opaque;
    if (size > 1 && (off & 7) != 4) {
        uint32_t v = 0;
        for (int k = 0; k < size; k++)
            v |= bm_read(opaque, off + (uint32_t)k, 1) << (8 * k);
        return v;
    }
    struct ide_channel *ch = &ide->ch[(off >> 3) & 1];
    switch (off & 7) {
    case 0: return ch->bm_cmd;
    case 2: return ch->bm_status;
    case 4: case 5: case 6: case 7: {
        uint32_t sh = 8 * (off & 3);
        uint32_t v = ch->bm_prd >> sh;
        return size == 4 ? v : size == 2 ? v & 0xFFFF : v & 0xFF;
    }
    }
    return 0;
}

static void bm_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct ide *ide = opaque;
    if (size > 1 && (off & 7) != 4) {
        for (int k = 0; k < size; k++)
            bm_write(opaque, off + (uint32_t)k, (val >> (8 * k)) & 0xFF, 1);
        return;
    }
    struct ide_channel *ch = &ide->ch[(off >> 3) & 1];
    switch (off & 7) {
    case 0: {
        uint8_t old = ch->bm_cmd;
        ch->bm_cmd = (uint8_t)(val & (IDE_BM_START | IDE_BM_TOMEM));
        if (!(old & IDE_BM_START) && (val & IDE_BM_START)) {
            ch->bm_status |= IDE_BM_ACTIVE;
            bm_run(ch);
        } else if ((old & IDE_BM_START) && !(val & IDE_BM_START)) {
            ch->bm_status &= (uint8_t)~IDE_BM_ACTIVE;
        }
        return;
    }
    case 2:
        /* ERROR and INTR are write-1-to-clear; bits 5-6 (drive DMA capable) are software flags */
        ch->bm_status = (uint8_t)(((ch->bm_status & ~(val & (IDE_BM_ERROR | IDE_BM_INTR))) & ~0x60u) | (val & 0x60));
        return;
    case 4: case 5: case 6: case 7: {
        uint32_t sh = 8 * (off & 3);
        uint32_t mask = (size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu) << sh;
        ch->bm_prd = ((ch->bm_prd & ~mask) | ((val << sh) & mask)) & ~3u;
        return;
    }
    }
}

const struct io_ops ide_bm_ops = { bm_read, bm_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

/* ---- command and control block registers ---- */

static int busy(struct ide_channel *ch, struct ide_drive *d)
{
    return (ch->devctl & IDE_DC_SRST) || ide_now(ch) < d->busy_until;
}

static void pio_end(struct ide_channel *ch, struct ide_drive *d)
{
    switch (d->xfer) {
    case XFER_ATA_READ:
    case XFER_ATA_WRITE: ide_ata_pio_end(ch, d); return;
    case XFER_PACKET: atapi_packet(ch, d); return;
    case XFER_ATAPI: atapi_pio_end(ch, d); return;
    default: /* IDENTIFY and friends: the data phase was the whole command */
        d->status = IDE_DRDY | IDE_DSC;
        d->xfer = XFER_NONE;
        return;
    }
}

static int data_out_phase(const struct ide_drive *d)
{
    return d->xfer == XFER_ATA_WRITE || d->xfer == XFER_PACKET;
}

static uint32_t data_in(struct ide_channel *ch)
{
    struct ide_drive *d = cur(ch);
    if (!(d->status & IDE_DRQ) || d->dma || data_out_phase(d) || d->pos >= d->end || busy(ch, d))
        return 0xFFFF;
    /* an odd byte count ends with a padded word (end < IDE_BUF_SIZE then, so pos + 1 is inside) */
    uint32_t v = d->buf[d->pos] | (uint32_t)d->buf[d->pos + 1] << 8;
    d->pos += 2;
    if (d->pos >= d->end)
        pio_end(ch, d);
    return v;
}

static void data_out(struct ide_channel *ch, uint32_t v)
{
    struct ide_drive *d = cur(ch);
    if (!(d->status & IDE_DRQ) || d->dma || !data_out_phase(d) || d->pos >= d->end || busy(ch, d))
        return;
    d->buf[d->pos] = (uint8_t)v;
    d->buf[d->pos + 1] = (uint8_t)(v >> 8);
    d->pos += 2;
    if (d->pos >= d->end)
        pio_end(ch, d);
}

static void diagnose(struct ide_channel *ch)
{
    for (int k = 0; k < 2; k++) {
        struct ide_drive *d = &ch->drv[k];
        d->select = 0;
        d->error = 1;
        ide_set_signature(d);
        d->xfer = XFER_NONE;
        d->dma = DMA_NONE;
        d->status = d->kind == IDE_ATA ? IDE_DRDY | IDE_DSC : 0;
    }
    ide_irq_after(ch, &ch->drv[0], IDE_CMD_NS, 1);
}

static void command(struct ide_channel *ch, uint8_t cmd)
{
    struct ide_drive *d = cur(ch);
    if (d->kind == IDE_NONE)
        return;
    if (busy(ch, d) && !(cmd == 0x08 && d->kind == IDE_ATAPI))
        return; /* commands are ignored while BSY (DEVICE RESET excepted) */
    clear_intrq(ch);
    d->cmd = cmd;
    d->error = 0;
    if (cmd == 0x90)
        diagnose(ch);
    else if (d->kind == IDE_ATAPI)
        atapi_command(ch, d, cmd);
    else
        ide_ata_command(ch, d, cmd);
}

static uint32_t cmd_read(void *opaque, uint32_t off, int size)
{
    struct ide_channel *ch = opaque;
    if (off == 0) {
        if (size == 4) {
            uint32_t lo = data_in(ch);
            return lo | data_in(ch) << 16;
        }
        uint32_t v = data_in(ch);
        return size == 1 ? v & 0xFF : v;
    }
    if (size > 1) {
        uint32_t v = 0;
        for (int k = 0; k < size && off + (uint32_t)k < 8; k++)
            v |= cmd_read(opaque, off + (uint32_t)k, 1) << (8 * k);
        return v;
    }
    sync_irq(ch);
    struct ide_drive *d = cur(ch);
    int hob = ch->devctl & IDE_DC_HOB;
    if (off == 6)
        return d->select;
    if (d->kind == IDE_NONE)
        return 0;
    switch (off) {
    case 1: return d->error;
    case 2: return hob ? d->hob_nsect : d->nsect;
    case 3: return hob ? d->hob_lbal : d->lbal;
    case 4: return hob ? d->hob_lbam : d->lbam;
    case 5: return hob ? d->hob_lbah : d->lbah;
    default: /* 7: status, which acknowledges the interrupt */
        if (busy(ch, d))
            return IDE_BSY;
        clear_intrq(ch);
        return d->status;
    }
}

static void cmd_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct ide_channel *ch = opaque;
    if (off == 0) {
        data_out(ch, val & 0xFFFF);
        if (size == 4)
            data_out(ch, val >> 16);
        return;
    }
    if (size > 1) {
        for (int k = 0; k < size && off + (uint32_t)k < 8; k++)
            cmd_write(opaque, off + (uint32_t)k, (val >> (8 * k)) & 0xFF, 1);
        return;
    }
    sync_irq(ch);
    uint8_t b = (uint8_t)val;
    if (off == 7) {
        command(ch, b);
        return;
    }
    ch->devctl &= (uint8_t)~IDE_DC_HOB; /* a command-block write clears HOB */
    for (int k = 0; k < 2; k++) { /* both devices latch task-file writes */
        struct ide_drive *d = &ch->drv[k];
        switch (off) {
        case 1: d->hob_feature = d->feature; d->feature = b; break;
        case 2: d->hob_nsect = d->nsect; d->nsect = b; break;
        case 3: d->hob_lbal = d->lbal; d->lbal = b; break;
        case 4: d->hob_lbam = d->lbam; d->lbam = b; break;
        case 5: d->hob_lbah = d->lbah; d->lbah = b; break;
        case 6: d->select = b; break;
        }
    }
    if (off == 6) {
        struct ide_drive *d = cur(ch);
        if (d->dma != DMA_NONE)
            bm_run(ch);
    }
}

static uint32_t ctl_read(void *opaque, uint32_t off, int size)
{
    struct ide_channel *ch = opaque;
    sync_irq(ch);
    struct ide_drive *d = cur(ch);
    if (d->kind == IDE_NONE)
        return 0;
    return busy(ch, d) ? IDE_BSY : d->status; /* alternate status: no acknowledge */
}

static void ctl_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct ide_channel *ch = opaque;
    sync_irq(ch);
    uint8_t old = ch->devctl;
    ch->devctl = (uint8_t)(val & (IDE_DC_NIEN | IDE_DC_SRST | IDE_DC_HOB));
    if ((old & IDE_DC_SRST) && !(val & IDE_DC_SRST)) {
        /* end of the software reset: signatures, then BSY for a while */
        channel_reset(ch, 0);
        uint64_t t = ide_now(ch) + IDE_RESET_NS;
        for (int k = 0; k < 2; k++)
            if (ch->drv[k].kind != IDE_NONE)
                ch->drv[k].busy_until = t;
    } else if (!(old & IDE_DC_SRST) && (val & IDE_DC_SRST)) {
        for (int k = 0; k < 2; k++) { /* transfers stop at once */
            ch->drv[k].xfer = XFER_NONE;
            ch->drv[k].dma = DMA_NONE;
        }
        clear_intrq(ch);
    }
    update_line(ch);
}

const struct io_ops ide_cmd_ops = { cmd_read, cmd_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };
const struct io_ops ide_ctl_ops = { ctl_read, ctl_write, IO_SIZE8 };

/* ---- life cycle ---- */

int ide_init(struct ide *ide, struct vclock *clk)
{
    static const char *const names[2] = { "ide0", "ide1" };
    ide->clk = clk;
    int bad = 0;
    for (int c = 0; c < 2; c++) {
        struct ide_channel *ch = &ide->ch[c];
        ch->ide = ide;
        ch->index = c;
        ch->irq_at = CLOCK_NEVER;
        ch->ev = clock_add_event(clk, names[c], ev_fire, ch);
        bad |= ch->ev < 0;
    }
    ide_reset(ide);
    return bad ? -1 : 0;
}

void ide_attach(struct ide *ide, int slot, enum ide_kind kind, struct disk *disk)
{
    if (slot < 0 || slot > 3)
        return;
    struct ide_channel *ch = &ide->ch[slot >> 1];
    ch->disk[slot & 1] = disk;
    ch->drv[slot & 1].kind = (uint8_t)kind;
    drive_reset(&ch->drv[slot & 1], 1);
}

void ide_resync(struct ide *ide)
{
    for (int c = 0; c < 2; c++) {
        struct ide_channel *ch = &ide->ch[c];
        clock_schedule(ide->clk, ch->ev, ch->irq_at);
        irq_set(&ch->irq, ch->irq_level);
    }
}

#define DRV_FIELDS(n)                                                                                        \
    STATE_FIELD(struct ide_channel, drv[n].feature, ST_U8), STATE_FIELD(struct ide_channel, drv[n].nsect, ST_U8), \
    STATE_FIELD(struct ide_channel, drv[n].lbal, ST_U8), STATE_FIELD(struct ide_channel, drv[n].lbam, ST_U8),     \
    STATE_FIELD(struct ide_channel, drv[n].lbah, ST_U8), STATE_FIELD(struct ide_channel, drv[n].select, ST_U8),   \
    STATE_FIELD(struct ide_channel, drv[n].hob_feature, ST_U8),                                              \
    STATE_FIELD(struct ide_channel, drv[n].hob_nsect, ST_U8),                                                \
    STATE_FIELD(struct ide_channel, drv[n].hob_lbal, ST_U8),                                                 \
    STATE_FIELD(struct ide_channel, drv[n].hob_lbam, ST_U8),                                                 \
    STATE_FIELD(struct ide_channel, drv[n].hob_lbah, ST_U8),                                                 \
    STATE_FIELD(struct ide_channel, drv[n].status, ST_U8), STATE_FIELD(struct ide_channel, drv[n].error, ST_U8), \
    STATE_FIELD(struct ide_channel, drv[n].kind, ST_U8), STATE_FIELD(struct ide_channel, drv[n].cmd, ST_U8),     \
    STATE_FIELD(struct ide_channel, drv[n].xfer, ST_U8), STATE_FIELD(struct ide_channel, drv[n].dma, ST_U8),     \
    STATE_FIELD(struct ide_channel, drv[n].mult, ST_U8), STATE_FIELD(struct ide_channel, drv[n].pio_mode, ST_U8), \
    STATE_FIELD(struct ide_channel, drv[n].dma_mode, ST_U8),                                                 \
    STATE_FIELD(struct ide_channel, drv[n].standby, ST_U8),                                                  \
    STATE_FIELD(struct ide_channel, drv[n].wcache, ST_U8),                                                   \
    STATE_FIELD(struct ide_channel, drv[n].sense_key, ST_U8), STATE_FIELD(struct ide_channel, drv[n].asc, ST_U8), \
    STATE_FIELD(struct ide_channel, drv[n].ascq, ST_U8),                                                     \
    STATE_FIELD(struct ide_channel, drv[n].unit_attention, ST_U8),                                           \
    STATE_FIELD(struct ide_channel, drv[n].locked, ST_U8),                                                   \
    STATE_FIELD(struct ide_channel, drv[n].tray_open, ST_U8),                                                \
    STATE_FIELD(struct ide_channel, drv[n].media_event, ST_U8),                                              \
    STATE_ARRAY(struct ide_channel, drv[n].packet, ST_U8, 12),                                               \
    STATE_FIELD(struct ide_channel, drv[n].byte_limit, ST_U16),                                              \
    STATE_FIELD(struct ide_channel, drv[n].cyls, ST_U16), STATE_FIELD(struct ide_channel, drv[n].heads, ST_U16), \
    STATE_FIELD(struct ide_channel, drv[n].spt, ST_U16), STATE_FIELD(struct ide_channel, drv[n].pos, ST_U32),    \
    STATE_FIELD(struct ide_channel, drv[n].end, ST_U32), STATE_FIELD(struct ide_channel, drv[n].len, ST_U32),    \
    STATE_FIELD(struct ide_channel, drv[n].block, ST_U32), STATE_FIELD(struct ide_channel, drv[n].left, ST_U32), \
    STATE_FIELD(struct ide_channel, drv[n].lba, ST_U64),                                                     \
    STATE_FIELD(struct ide_channel, drv[n].busy_until, ST_U64),                                              \
    { "drv[" #n "].buf", offsetof(struct ide_channel, drv[n].buf), ST_BYTES, IDE_BUF_SIZE, 1 }

static const struct state_field ide_fields[] = {
    DRV_FIELDS(0),
    DRV_FIELDS(1),
    STATE_FIELD(struct ide_channel, devctl, ST_U8),
    STATE_FIELD(struct ide_channel, intrq, ST_U8),
    STATE_FIELD(struct ide_channel, irq_level, ST_U8),
    STATE_FIELD(struct ide_channel, bm_cmd, ST_U8),
    STATE_FIELD(struct ide_channel, bm_status, ST_U8),
    STATE_FIELD(struct ide_channel, bm_prd, ST_U32),
    STATE_FIELD(struct ide_channel, irq_at, ST_U64),
    STATE_END
};
const struct state_table ide_channel_state = { "ide", 1, ide_fields };
