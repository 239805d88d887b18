/*
 * fdc_rw.c - the data commands of the 82077AA (see fdc.c): READ DATA, READ
 * DELETED DATA, WRITE DATA, WRITE DELETED DATA, READ TRACK, VERIFY, FORMAT
 * TRACK and READ ID, following the 82077AA datasheet's command descriptions
 * and result-phase tables: multi-track operation (side 0 EOT continues on
 * side 1), termination by TC from the DMA controller (normal) or at EOT
 * without TC (abnormal, ST1 EN), the C/H/R/N result rules, implied seeks
 * (CONFIGURE EIS), ST1 ND with ST2 WC/BC for IDs that do not match the
 * track, ST1 NW for write-protected media, and ST1 MA when no ID can be read:
 * no disk, motor off, FM requested, a data rate the medium was not written at
 * (so a driver probing formats by rate sees what real hardware shows), or a
 * track or side beyond the medium.  Data moves through DMA channel 2 or, in
 * non-DMA mode, through the FIFO with an interrupt per byte.
 *
 * Left out: media are images of uniform 512-byte-sector tracks (every ID is
 * C = track, H = side, R = 1..SPT, N = 2), so deleted data marks, other
 * sector sizes (N != 2, DTL) and formats other than the image's own layout
 * cannot be represented (WRITE DELETED writes normal data; a FORMAT that does
 * not match the image only fills the sectors it can map); no CRC or overrun
 * errors ever occur; the gap lengths are ignored.
 */
#include <string.h>

#include "devices/fdc.h"

#define START_NS 50000u        /* head load and the search for the first ID */
#define SECTOR_NS 20000u       /* per sector (a short stand-in for the rotation) */
#define ROTATION_NS 200000000u /* 300 rpm: where READ ID finds the head */

enum { OP_READ_TRACK = 0x02, OP_WRITE = 0x05, OP_READ = 0x06, OP_WRITE_DEL = 0x09, OP_READ_ID = 0x0A,
       OP_READ_DEL = 0x0C, OP_FORMAT = 0x0D, OP_VERIFY = 0x16 };

static bool op_reads(uint8_t op)
{
    return op == OP_READ || op == OP_READ_DEL || op == OP_READ_TRACK;
}

static bool op_writes(uint8_t op)
{
    return op == OP_WRITE || op == OP_WRITE_DEL || op == OP_FORMAT;
}

/* The medium was written at one data rate (DSR/CCR code: 0 500 kbit/s,
 * 1 300, 2 250, 3 1000); 40-track media read at 250 (360 rpm drives: 300). */
static bool rate_ok(const struct fdc *f, const struct disk *k)
{
    unsigned rate = f->dsr & 3;
    if (k->spt >= 36)
        return rate == 3;
    if (k->spt >= 15)
        return rate == 0;
    if (k->cyls <= 40)
        return rate == 2 || rate == 1;
    return rate == 2;
}

/* Can the head find ID fields at all on the selected track and side? */
static bool ids_readable(const struct fdc *f)
{
    int d = f->x_drive;
    if (d >= FDC_MEDIA_DRIVES || !f->present[d] || !f->disk[d])
        return false;
    const struct disk *k = f->disk[d];
    return (f->dor & (0x10u << d)) && (f->cmd[0] & 0x40) && rate_ok(f, k) && f->cyl[d] < k->cyls &&
           f->x_hds < k->heads;
}

static void finish(struct fdc *f, uint8_t ic)
{
    f->st0 = (uint8_t)(ic | (f->x_hds << 2) | f->x_drive);
    f->exec_step = FDC_X_DONE;
    fdc_set_dreq(f, false);
    if (fdc_pio(f))
        fdc_pio_byte_taken(f, false);
    fdc_schedule_cmd(f, (uint64_t)f->nsect * SECTOR_NS + 1000);
}

/* The sector whose ID matches (x_c, x_h, x_r, x_n) on the current track, as
 * an LBA; -1 with ST1 ND (and ST2 WC/BC) when there is none. */
static long find_sector(struct fdc *f, unsigned r)
{
    const struct disk *k = f->disk[f->x_drive];
    uint8_t cyl = f->cyl[f->x_drive];
    if (f->x_c != cyl || f->x_h != f->x_hds || f->x_n != 2 || r < 1 || r > k->spt) {
        f->st1 |= 0x04;
        if (f->x_c != cyl)
            f->st2 |= f->x_c == 0xFF ? 0x02 : 0x10;
        return -1;
    }
    return ((long)cyl * k->heads + f->x_hds) * k->spt + (long)(r - 1);
}

static void begin_sector(struct fdc *f);

/* Data are ready for the host: DRQ, or the non-DMA data interrupt. */
static void data_ready(struct fdc *f)
{
    f->buf_pos = 0;
    f->exec_step = FDC_X_DATA;
    if (fdc_pio(f)) {
        f->int_out = 1;
        fdc_update_irq(f);
        return;
    }
    fdc_set_dreq(f, true);
    fdc_rw_pump(f);
}

/* One sector is done: step R (and the side with MT) as the datasheet's
 * result table says, then stop or go on. */
static void advance(struct fdc *f)
{
    const struct disk *k = f->disk[f->x_drive];
    bool more = true;
    f->nsect++;
    if (f->x_op == OP_READ_TRACK) {
        f->x_r++;
        more = f->nsect < f->x_eot;
    } else if (f->x_r == f->x_eot) {
        f->x_r = 1;
        if (f->x_mt && !f->x_hds) {
            f->x_hds = 1;
            f->x_h ^= 1;
        } else {
            f->x_c++;
            if (f->x_mt)
                f->x_h ^= 1;
            more = false;
        }
    } else {
        f->x_r++;
    }
    if (f->x_tc || (f->st2 & 0x40)) { /* TC, or READ DELETED met a normal data mark */
        finish(f, 0x00);
        return;
    }
    if (f->x_op == OP_VERIFY && f->x_ec && --f->x_sc == 0) {
        finish(f, 0x00);
        return;
    }
    if (!more) {
        if (f->x_op == OP_VERIFY && !f->x_ec) {
            finish(f, 0x00);
        } else {
            f->st1 |= 0x80; /* end of cylinder without TC */
            finish(f, 0x40);
        }
        return;
    }
    if (f->x_hds >= k->heads) {
        f->st1 |= 0x01; /* multi-track onto a side the medium lacks */
        finish(f, 0x40);
        return;
    }
    begin_sector(f);
}

static void begin_sector(struct fdc *f)
{
    struct disk *k = f->disk[f->x_drive];
    unsigned r = f->x_op == OP_READ_TRACK ? f->nsect + 1u : f->x_r;
    long lba = find_sector(f, r);
    if (lba < 0 && f->x_op == OP_READ_TRACK && r <= k->spt) {
        f->st1 &= (uint8_t)~0x04; /* READ TRACK reads the sector anyway, noting the mismatch */
        lba = ((long)f->cyl[f->x_drive] * k->heads + f->x_hds) * k->spt + (long)(r - 1);
        if (f->x_r != r)
            f->st1 |= 0x04;
    }
    if (lba < 0) {
        finish(f, 0x40);
        return;
    }
    if (op_writes(f->x_op)) {
        data_ready(f); /* FORMAT does not come here */
        return;
    }
    if (disk_read(k, (uint64_t)lba, 1, f->buf)) {
        f->st1 |= 0x20; /* data error */
        f->st2 |= 0x20;
        finish(f, 0x40);
        return;
    }
    if (f->x_op == OP_VERIFY) {
        advance(f);
        return;
    }
    if (f->x_op == OP_READ_DEL) { /* every sector here has a normal data mark */
        if (f->x_sk) {
            advance(f);
            return;
        }
        f->st2 |= 0x40;
    }
    f->buf_len = FDC_SECTOR;
    data_ready(f);
}

/* FORMAT: the four ID bytes of one sector arrived: fill that sector. */
static void format_sector(struct fdc *f)
{
    struct disk *k = f->disk[f->x_drive];
    uint8_t c = f->buf[0], h = f->buf[1], r = f->buf[2], n = f->buf[3];
    f->x_c = c;
    f->x_h = h;
    f->x_r = r;
    f->x_n = n;
    if (c != f->cyl[f->x_drive] || h != f->x_hds || n != 2 || r < 1 || r > k->spt || f->x_sc != k->spt) {
        fdc_warn(f, 3, "FORMAT TRACK with a layout the image cannot hold: only matching sectors are filled");
        if (n != 2 || r < 1 || r > k->spt)
            return;
    }
    uint8_t fill[FDC_SECTOR];
    memset(fill, f->x_fill, sizeof(fill));
    long lba = ((long)f->cyl[f->x_drive] * k->heads + f->x_hds) * k->spt + (long)(r - 1);
    if (disk_write(k, (uint64_t)lba, 1, fill))
        f->st1 |= 0x20;
}

/* The bytes of the current sector (or FORMAT ID) have moved, or TC came. */
static void data_done(struct fdc *f)
{
    struct disk *k = f->disk[f->x_drive];
    if (f->x_op == OP_FORMAT) {
        if (f->buf_pos == 4)
            format_sector(f);
        f->nsect++;
        if (f->x_tc || f->nsect >= (f->x_sc ? f->x_sc : 256) || (f->st1 & 0x20)) {
            finish(f, (f->st1 & 0x20) ? 0x40 : 0x00);
            return;
        }
        f->buf_len = 4;
        data_ready(f);
        return;
    }
    if (op_writes(f->x_op)) {
        if (f->buf_pos < f->buf_len) /* TC inside the sector: the rest is written as zeros */
            memset(f->buf + f->buf_pos, 0, (size_t)(f->buf_len - f->buf_pos));
        long lba = find_sector(f, f->x_r);
        if (lba < 0 || disk_write(k, (uint64_t)lba, 1, f->buf)) {
            f->st1 |= 0x20;
            finish(f, 0x40);
            return;
        }
    }
    advance(f);
}

void fdc_rw_pump(struct fdc *f)
{
    if (f->pumping)
        return;
    f->pumping = 1;
    while (f->phase == FDC_EXEC && f->exec_step == FDC_X_DATA && !fdc_pio(f) && f->dreq_level) {
        int tc;
        uint32_t n = dma_line_transfer(&f->dma, f->buf + f->buf_pos, (uint32_t)(f->buf_len - f->buf_pos),
                                       op_reads(f->x_op), &tc);
        f->buf_pos = (uint16_t)(f->buf_pos + n);
        if (tc)
            f->x_tc = 1;
        if (f->buf_pos < f->buf_len && !tc)
            break; /* the channel stopped: wait until it is granted again */
        data_done(f);
    }
    f->pumping = 0;
}

uint8_t fdc_rw_fifo_read(struct fdc *f)
{
    if (!op_reads(f->x_op) || f->buf_pos >= f->buf_len)
        return 0xFF;
    uint8_t v = f->buf[f->buf_pos++];
    if (f->buf_pos >= f->buf_len)
        data_done(f);
    fdc_pio_byte_taken(f, f->exec_step == FDC_X_DATA);
    return v;
}

void fdc_rw_fifo_write(struct fdc *f, uint8_t v)
{
    if (!op_writes(f->x_op) || f->buf_pos >= f->buf_len)
        return;
    f->buf[f->buf_pos++] = v;
    if (f->buf_pos >= f->buf_len)
        data_done(f);
    fdc_pio_byte_taken(f, f->exec_step == FDC_X_DATA);
}

/* ev_cmd: the head is on the track (start), or the command's time is up (result). */
void fdc_rw_step(struct fdc *f)
{
    if (f->exec_step == FDC_X_DONE) {
        uint8_t r[7] = { f->st0, f->st1, f->st2, f->x_c, f->x_h, f->x_r, f->x_n };
        memcpy(f->res, r, sizeof(r));
        f->res_len = 7;
        f->res_pos = 0;
        f->phase = FDC_RESULT;
        f->exec_step = FDC_X_NONE;
        f->int_out = 1;
        fdc_update_irq(f);
        return;
    }
    if (f->exec_step != FDC_X_START)
        return;
    if (!ids_readable(f)) {
        f->st1 |= 0x01; /* missing address mark */
        finish(f, 0x40);
        return;
    }
    struct disk *k = f->disk[f->x_drive];
    if (f->x_op == OP_READ_ID) {
        f->x_c = f->cyl[f->x_drive];
        f->x_h = f->x_hds;
        f->x_r = (uint8_t)(1 + (f->clk->now / (ROTATION_NS / k->spt)) % k->spt);
        f->x_n = 2;
        f->nsect = 1;
        finish(f, 0x00);
        return;
    }
    if (op_writes(f->x_op) && k->readonly) {
        f->st1 |= 0x02; /* not writable */
        finish(f, 0x40);
        return;
    }
    if (f->x_op == OP_FORMAT) {
        f->buf_len = 4;
        data_ready(f);
        return;
    }
    if (f->x_op == OP_WRITE_DEL)
        fdc_warn(f, 4, "WRITE DELETED DATA writes normal data marks");
    f->buf_len = FDC_SECTOR;
    begin_sector(f);
}

void fdc_rw_begin(struct fdc *f)
{
    const uint8_t *c = f->cmd;
    f->x_op = c[0] & 0x1F;
    f->x_drive = c[1] & 3;
    f->x_hds = (c[1] >> 2) & 1;
    f->x_mt = c[0] >> 7;
    f->x_sk = (c[0] >> 5) & 1;
    f->x_tc = 0;
    f->st0 = f->st1 = f->st2 = 0;
    f->nsect = 0;
    f->buf_pos = f->buf_len = 0;
    if (f->x_op == OP_READ_ID) {
        f->x_c = f->x_h = f->x_r = f->x_n = 0;
    } else if (f->x_op == OP_FORMAT) {
        f->x_n = c[2];
        f->x_sc = c[3];
        f->x_fill = c[5];
        f->last_eot = c[3];
        f->x_c = f->cyl[f->x_drive];
        f->x_h = f->x_hds;
        f->x_r = 0;
    } else {
        f->x_c = c[2];
        f->x_h = c[3];
        f->x_r = c[4];
        f->x_n = c[5];
        f->x_eot = c[6];
        f->x_dtl = c[8];
        f->x_ec = f->x_op == OP_VERIFY ? c[1] >> 7 : 0;
        f->x_sc = c[8];
        f->last_eot = c[6];
        if (f->x_op == OP_READ_TRACK)
            f->x_mt = 0;
        if ((f->config & 0x40) && f->pcn[f->x_drive] != f->x_c) { /* implied seek */
            fdc_step_head(f, f->x_drive, f->x_c - f->pcn[f->x_drive]);
            f->pcn[f->x_drive] = f->x_c;
        }
    }
    f->phase = FDC_EXEC;
    f->exec_step = FDC_X_START;
    fdc_schedule_cmd(f, START_NS);
}
