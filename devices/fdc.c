/*
 * fdc.c - Intel 82077AA CHMOS single-chip floppy disk controller, following
 * the 82077AA datasheet in PC-AT mode: the DOR (drive select, nRESET, DMA
 * gate which also gates INT, motor enables), TDR, MSR/DSR (software reset,
 * data rate), the FIFO data port, DIR (disk change) and CCR; the command,
 * execution and result phases with the MSR's RQM/DIO/NON-DMA/CB/drive-busy
 * bits; the reset interrupt with the four "polling" statuses for SENSE
 * INTERRUPT STATUS; SPECIFY, SENSE DRIVE STATUS, RECALIBRATE (up to 79 step
 * pulses), SEEK and RELATIVE SEEK (overlapped, per-drive completion), VERSION,
 * CONFIGURE, LOCK, DUMPREG and PERPENDICULAR MODE; invalid opcodes answer ST0
 * = 80h.  The data commands are in fdc_rw.c.  The drives are 80- or 40-track
 * drives of the type the medium needs; their disk change line is raised at
 * power-on and by a media change, and cleared by a step pulse with a disk in
 * the drive.
 *
 * Left out: the PS/2 and Model 30 register modes (SRA/SRB read FFh), power
 * down (DSR bit 6 and the powerdown modes), precompensation (stored only),
 * the FIFO threshold's timing (data moves at once), drive polling after the
 * reset interrupt, and the scan commands (treated as invalid).  Head
 * movement, head load and rotation take short fixed virtual times rather
 * than the SPECIFY step rate.
 */
#include <stdio.h>
#include <string.h>

#include "devices/fdc.h"

#define RESET_INT_NS 10000u   /* reset released -> the polling interrupt */
#define SEEK_BASE_NS 20000u
#define SEEK_STEP_NS 1000u
#define PIO_BYTE_NS 8000u     /* a byte at 1 Mbit/s: the next non-DMA data interrupt */

/* command bytes per opcode (low 5 bits); 0: invalid */
static const uint8_t cmd_bytes[32] = {
    [0x02] = 9, [0x03] = 3, [0x04] = 2, [0x05] = 9, [0x06] = 9, [0x07] = 2, [0x08] = 1, [0x09] = 9,
    [0x0A] = 2, [0x0C] = 9, [0x0D] = 6, [0x0E] = 1, [0x0F] = 3, [0x10] = 1, [0x12] = 2, [0x13] = 4,
    [0x14] = 1, [0x16] = 9,
};

void fdc_warn(struct fdc *f, unsigned bit, const char *what)
{
    if (f->warned & (1u << bit))
        return;
    f->warned |= 1u << bit;
    fprintf(stderr, "tarsier: fdc: %s (reported once)\n", what);
}

void fdc_update_irq(struct fdc *f)
{
    uint8_t level = f->int_out && (f->dor & 0x0C) == 0x0C; /* out of reset, DMA gate open */
    if (level != f->irq_level) {
        f->irq_level = level;
        irq_set(&f->irq, level);
    }
}

void fdc_set_dreq(struct fdc *f, bool want)
{
    uint8_t level = want && (f->dor & 0x0C) == 0x0C;
    if (level != f->dreq_level) {
        f->dreq_level = level;
        dma_line_dreq(&f->dma, level);
    }
}

void fdc_schedule_cmd(struct fdc *f, uint64_t delay_ns)
{
    f->cmd_at = f->clk->now + delay_ns;
    clock_schedule(f->clk, f->ev_cmd, f->cmd_at);
}

static void schedule_aux(struct fdc *f, uint8_t kind, uint64_t delay_ns)
{
    f->aux_kind = kind;
    f->aux_at = f->clk->now + delay_ns;
    clock_schedule(f->clk, f->ev_aux, f->aux_at);
}

static void schedule_seeks(struct fdc *f)
{
    uint64_t t = CLOCK_NEVER;
    for (int d = 0; d < FDC_DRIVES; d++)
        if (f->seek_done[d] < t)
            t = f->seek_done[d];
    clock_schedule(f->clk, f->ev_seek, t);
}

static void to_result(struct fdc *f, const uint8_t *bytes, uint8_t n)
{
    memcpy(f->res, bytes, n);
    f->res_len = n;
    f->res_pos = 0;
    f->phase = FDC_RESULT;
}

static void invalid(struct fdc *f)
{
    static const uint8_t st0 = 0x80;
    to_result(f, &st0, 1);
}

/* ---- reset ---- */

static void enter_reset(struct fdc *f)
{
    clock_cancel(f->clk, f->ev_cmd);
    clock_cancel(f->clk, f->ev_aux);
    clock_cancel(f->clk, f->ev_seek);
    f->cmd_at = f->aux_at = CLOCK_NEVER;
    for (int d = 0; d < FDC_DRIVES; d++)
        f->seek_done[d] = CLOCK_NEVER;
    f->phase = FDC_IDLE;
    f->cmd_pos = f->cmd_len = 0;
    f->res_pos = f->res_len = 0;
    f->exec_step = FDC_X_NONE;
    f->int_out = 0;
    f->sense_pending = 0;
    f->drive_busy = 0;
    /* CONFIGURE returns to its defaults unless LOCK keeps EFIFO, FIFOTHR and PRETRK */
    if (f->lock) {
        f->config &= 0x2F;
    } else {
        f->config = 0x20;
        f->pretrk = 0;
    }
    f->perp &= 0x3C; /* GAP and WGATE clear; the drive bits stay */
    fdc_set_dreq(f, false);
    fdc_update_irq(f);
}

static void leave_reset(struct fdc *f)
{
    if (!(f->config & 0x10)) /* polling enabled: one interrupt, four statuses */
        schedule_aux(f, 1, RESET_INT_NS);
}

/* ---- seeks ---- */

static uint8_t max_cyl(const struct fdc *f, int d)
{
    if (d < FDC_MEDIA_DRIVES && f->disk[d] && f->disk[d]->cyls <= 40)
        return 41;
    return 83;
}

static bool has_media(const struct fdc *f, int d)
{
    return d < FDC_MEDIA_DRIVES && f->present[d] && f->disk[d];
}

static bool has_drive(const struct fdc *f, int d)
{
    return d < FDC_MEDIA_DRIVES && f->present[d];
}

/* Step drive d's head by delta tracks (the stop limits it); count steps. */
void fdc_step_head(struct fdc *f, int d, int delta)
{
    if (!delta || !has_drive(f, d))
        return;
    int c = f->cyl[d] + delta;
    int hi = max_cyl(f, d);
    f->cyl[d] = (uint8_t)(c < 0 ? 0 : c > hi ? hi : c);
    if (has_media(f, d))
        f->dskchg[d] = 0; /* a step pulse with a disk in resets the change line */
}

static void start_seek(struct fdc *f, int d, uint8_t st0, unsigned steps)
{
    f->sense_st0[d] = st0;
    f->drive_busy |= (uint8_t)(1u << d);
    f->seek_done[d] = f->clk->now + SEEK_BASE_NS + (uint64_t)steps * SEEK_STEP_NS;
    schedule_seeks(f);
    f->phase = FDC_IDLE;
}

static void cmd_seek(struct fdc *f)
{
    int d = f->cmd[1] & 3, hds = (f->cmd[1] >> 2) & 1;
    uint8_t st0 = (uint8_t)(0x20 | (hds << 2) | d);
    int from = f->pcn[d], to;
    if (f->cmd[0] & 0x80) { /* relative: bit 6 = step in */
        to = (f->cmd[0] & 0x40) ? from + f->cmd[2] : from - f->cmd[2];
        if (to < 0) {
            to = 0;
            st0 |= 0x50; /* stepped out beyond track 0: abnormal, equipment check */
        } else if (to > 255) {
            to = 255;
        }
    } else {
        to = f->cmd[2];
    }
    fdc_step_head(f, d, to - from);
    f->pcn[d] = (uint8_t)to;
    start_seek(f, d, st0, (unsigned)(to > from ? to - from : from - to));
}

static void cmd_recalibrate(struct fdc *f)
{
    int d = f->cmd[1] & 3;
    uint8_t st0 = (uint8_t)(0x20 | d);
    unsigned steps = 79;
    if (has_drive(f, d) && f->cyl[d] <= 79) {
        steps = f->cyl[d];
        fdc_step_head(f, d, -(int)steps);
    } else {
        fdc_step_head(f, d, -79);
        st0 |= 0x50; /* track 0 never seen: abnormal termination, equipment check */
    }
    f->pcn[d] = 0;
    start_seek(f, d, st0, steps);
}

static void cmd_sense_interrupt(struct fdc *f)
{
    if (!f->sense_pending) {
        invalid(f);
        return;
    }
    int d = 0;
    while (!(f->sense_pending & (1u << d)))
        d++;
    f->sense_pending &= (uint8_t)~(1u << d);
    f->drive_busy &= (uint8_t)~(1u << d);
    if (!f->sense_pending) {
        f->int_out = 0;
        fdc_update_irq(f);
    }
    uint8_t r[2] = { f->sense_st0[d], f->pcn[d] };
    to_result(f, r, 2);
}

static void cmd_sense_drive(struct fdc *f)
{
    int d = f->cmd[1] & 3, hds = (f->cmd[1] >> 2) & 1;
    uint8_t st3 = (uint8_t)(0x28 | (hds << 2) | d); /* bits 5 and 3 read 1 on the 82077AA */
    if (has_drive(f, d)) {
        if (f->cyl[d] == 0)
            st3 |= 0x10;
        if (!f->disk[d] || f->disk[d]->readonly)
            st3 |= 0x40; /* no disk: the write-protect sensor sees no tab */
    }
    to_result(f, &st3, 1);
}

/* ---- command dispatch ---- */

static bool opcode_ok(uint8_t b)
{
    uint8_t op = b & 0x1F;
    if (!cmd_bytes[op])
        return false;
    switch (op) {
    case 0x03: case 0x04: case 0x07: case 0x08: case 0x0E: case 0x10: case 0x12: case 0x13:
        return (b & 0xE0) == 0;
    case 0x14:
        return (b & 0x60) == 0;
    case 0x0F:
        return b == 0x0F || (b & 0xBF) == 0x8F;
    default: /* the data commands: MT, MFM and SK bits */
        return true;
    }
}

static void execute(struct fdc *f)
{
    uint8_t op = f->cmd[0] & 0x1F;
    switch (op) {
    case 0x03: /* SPECIFY */
        f->spec[0] = f->cmd[1];
        f->spec[1] = f->cmd[2];
        f->phase = FDC_IDLE;
        break;
    case 0x04:
        cmd_sense_drive(f);
        break;
    case 0x07:
        cmd_recalibrate(f);
        break;
    case 0x08:
        cmd_sense_interrupt(f);
        break;
    case 0x0E: { /* DUMPREG */
        uint8_t r[10] = { f->pcn[0], f->pcn[1], f->pcn[2], f->pcn[3], f->spec[0], f->spec[1], f->last_eot,
                          (uint8_t)((f->lock << 7) | (f->perp & 0x3F)), f->config, f->pretrk };
        to_result(f, r, 10);
        break;
    }
    case 0x0F:
        cmd_seek(f);
        break;
    case 0x10: { /* VERSION: an enhanced controller */
        static const uint8_t v = 0x90;
        to_result(f, &v, 1);
        break;
    }
    case 0x12: /* PERPENDICULAR MODE: OW gates the drive bits */
        f->perp = (uint8_t)((f->cmd[1] & 0x80) ? (f->cmd[1] & 0x3F) : ((f->perp & 0x3C) | (f->cmd[1] & 3)));
        if (f->perp & 0x3F)
            fdc_warn(f, 0, "perpendicular recording requested; media behave as conventional");
        f->phase = FDC_IDLE;
        break;
    case 0x13: /* CONFIGURE */
        f->config = f->cmd[2] & 0x7F;
        f->pretrk = f->cmd[3];
        f->phase = FDC_IDLE;
        break;
    case 0x14: { /* LOCK */
        f->lock = f->cmd[0] >> 7;
        uint8_t r = (uint8_t)(f->lock << 4);
        to_result(f, &r, 1);
        break;
    }
    default:
        fdc_rw_begin(f);
        break;
    }
}

static void fifo_write(struct fdc *f, uint8_t v)
{
    switch (f->phase) {
    case FDC_IDLE:
        if (!opcode_ok(v)) {
            uint8_t op = v & 0x1F;
            if (op == 0x11 || op == 0x19 || op == 0x1D)
                fdc_warn(f, 1, "SCAN commands are not implemented");
            invalid(f);
            return;
        }
        f->cmd[0] = v;
        f->cmd_len = cmd_bytes[v & 0x1F];
        f->cmd_pos = 1;
        f->phase = FDC_COMMAND;
        break;
    case FDC_COMMAND:
        f->cmd[f->cmd_pos++] = v;
        break;
    case FDC_EXEC:
        if (f->exec_step == FDC_X_DATA && fdc_pio(f))
            fdc_rw_fifo_write(f, v);
        return;
    default:
        return; /* result phase: the FIFO holds result bytes */
    }
    if (f->cmd_pos >= f->cmd_len)
        execute(f);
}

static uint8_t fifo_read(struct fdc *f)
{
    if (f->phase == FDC_EXEC && f->exec_step == FDC_X_DATA && fdc_pio(f))
        return fdc_rw_fifo_read(f);
    if (f->phase != FDC_RESULT)
        return 0xFF;
    uint8_t v = f->res[f->res_pos++];
    if (f->res_pos == 1 && f->int_out && !f->sense_pending) {
        f->int_out = 0; /* reading the result clears the command's interrupt */
        fdc_update_irq(f);
    }
    if (f->res_pos >= f->res_len) {
        f->phase = FDC_IDLE;
        f->res_len = f->res_pos = 0;
    }
    return v;
}

static uint8_t msr(const struct fdc *f)
{
    if (!(f->dor & 0x04))
        return 0x00; /* held in reset */
    uint8_t v = f->drive_busy & 0x0F;
    switch (f->phase) {
    case FDC_IDLE:
        return v | 0x80;
    case FDC_COMMAND:
        return v | 0x90;
    case FDC_RESULT:
        return v | 0xD0;
    default:
        v |= 0x10;
        if (fdc_pio(f) && f->exec_step != FDC_X_DONE) {
            v |= 0x20;
            if (f->exec_step == FDC_X_DATA) {
                uint8_t op = f->x_op;
                v |= (uint8_t)(0x80 | ((op == 0x06 || op == 0x0C || op == 0x02) ? 0x40 : 0));
            }
        }
        return v;
    }
}

static void dor_write(struct fdc *f, uint8_t v)
{
    uint8_t old = f->dor;
    f->dor = v;
    if (!(v & 0x04) && (old & 0x04))
        enter_reset(f);
    else if ((v & 0x04) && !(old & 0x04))
        leave_reset(f);
    fdc_update_irq(f);
    if (f->exec_step == FDC_X_DATA && !fdc_pio(f)) { /* the DMA gate may have opened or closed */
        fdc_set_dreq(f, true);
        fdc_rw_pump(f);
    }
}

static uint32_t fdc_read(void *opaque, uint32_t off, int size)
{
    struct fdc *f = opaque;
    switch (off) {
    case 2:
        return f->dor;
    case 3:
        return f->tdr & 3;
    case 4:
        return msr(f);
    case 5:
        return fifo_read(f);
    default:
        return 0xFF; /* SRA/SRB exist in PS/2 mode only */
    }
}

static void fdc_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct fdc *f = opaque;
    uint8_t v = (uint8_t)val;
    switch (off) {
    case 2:
        dor_write(f, v);
        break;
    case 3:
        f->tdr = v & 3;
        break;
    case 4: /* DSR */
        if (v & 0x40)
            fdc_warn(f, 2, "power down (DSR bit 6) ignored");
        f->dsr = v & 0x3F;
        if ((v & 0x80) && (f->dor & 0x04)) { /* software reset, self-clearing */
            enter_reset(f);
            leave_reset(f);
        }
        break;
    case 5:
        fifo_write(f, v);
        break;
    default:
        break;
    }
}

static uint32_t dir_read(void *opaque, uint32_t off, int size)
{
    struct fdc *f = opaque;
    int d = f->dor & 3;
    return has_drive(f, d) && f->dskchg[d] ? 0x80 : 0x00;
}

static void ccr_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct fdc *f = opaque;
    f->dsr = (uint8_t)((f->dsr & ~3u) | (val & 3));
}

const struct io_ops fdc_ops = { fdc_read, fdc_write, IO_SIZE8 };
const struct io_ops fdc_dir_ops = { dir_read, ccr_write, IO_SIZE8 };

/* ---- events ---- */

static void cmd_fire(void *opaque, uint64_t now)
{
    struct fdc *f = opaque;
    f->cmd_at = CLOCK_NEVER;
    fdc_rw_step(f);
}

static void seek_fire(void *opaque, uint64_t now)
{
    struct fdc *f = opaque;
    for (int d = 0; d < FDC_DRIVES; d++)
        if (f->seek_done[d] <= now) {
            f->seek_done[d] = CLOCK_NEVER;
            f->sense_pending |= (uint8_t)(1u << d);
            f->int_out = 1;
        }
    fdc_update_irq(f);
    schedule_seeks(f);
}

static void aux_fire(void *opaque, uint64_t now)
{
    struct fdc *f = opaque;
    f->aux_at = CLOCK_NEVER;
    if (f->aux_kind == 1) {
        for (int d = 0; d < FDC_DRIVES; d++)
            f->sense_st0[d] = (uint8_t)(0xC0 | d);
        f->sense_pending = 0x0F;
        f->int_out = 1;
    } else if (f->exec_step == FDC_X_DATA && fdc_pio(f)) {
        f->int_out = 1;
    }
    fdc_update_irq(f);
}

/* Non-DMA mode: a data byte was taken; the next one interrupts a byte time later. */
void fdc_pio_byte_taken(struct fdc *f, bool more)
{
    f->int_out = f->sense_pending != 0; /* a seek's status keeps INT up */
    fdc_update_irq(f);
    if (more) {
        schedule_aux(f, 2, PIO_BYTE_NS);
    } else if (f->aux_kind == 2) {
        f->aux_at = CLOCK_NEVER;
        clock_cancel(f->clk, f->ev_aux);
    }
}

void fdc_dma_service(void *opaque)
{
    fdc_rw_pump(opaque);
}

void fdc_attach(struct fdc *f, int n, bool present, struct disk *disk)
{
    if (n < 0 || n >= FDC_MEDIA_DRIVES)
        return;
    f->present[n] = present;
    f->disk[n] = present ? disk : NULL;
    f->dskchg[n] = 1;
}

int fdc_init(struct fdc *f, struct vclock *clk)
{
    struct irq_line irq = f->irq;
    struct dma_line dma = f->dma;
    struct disk *disk[FDC_MEDIA_DRIVES] = { f->disk[0], f->disk[1] };
    bool present[FDC_MEDIA_DRIVES] = { f->present[0], f->present[1] };
    memset(f, 0, sizeof(*f));
    f->irq = irq;
    f->dma = dma;
    f->clk = clk;
    for (int n = 0; n < FDC_MEDIA_DRIVES; n++) {
        f->disk[n] = disk[n];
        f->present[n] = present[n];
    }
    for (int d = 0; d < FDC_DRIVES; d++) {
        f->dskchg[d] = 1;
        f->seek_done[d] = CLOCK_NEVER;
    }
    f->cmd_at = f->aux_at = CLOCK_NEVER;
    f->config = 0x20; /* EIS off, FIFO disabled, polling on, threshold 1 */
    f->dsr = 0x02;    /* 250 kbit/s after a hardware reset */
    f->ev_cmd = clock_add_event(clk, "fdc", cmd_fire, f);
    f->ev_seek = clock_add_event(clk, "fdc-seek", seek_fire, f);
    f->ev_aux = clock_add_event(clk, "fdc-int", aux_fire, f);
    return f->ev_cmd < 0 || f->ev_seek < 0 || f->ev_aux < 0 ? -1 : 0;
}

void fdc_resync(struct fdc *f)
{
    clock_schedule(f->clk, f->ev_cmd, f->cmd_at);
    clock_schedule(f->clk, f->ev_aux, f->aux_at);
    schedule_seeks(f);
    irq_set(&f->irq, f->irq_level);
    dma_line_dreq(&f->dma, f->dreq_level);
}

static const struct state_field fdc_fields[] = {
    STATE_FIELD(struct fdc, dor, ST_U8), STATE_FIELD(struct fdc, tdr, ST_U8),
    STATE_FIELD(struct fdc, dsr, ST_U8), STATE_FIELD(struct fdc, phase, ST_U8),
    STATE_ARRAY(struct fdc, cmd, ST_BYTES, 9), STATE_FIELD(struct fdc, cmd_len, ST_U8),
    STATE_FIELD(struct fdc, cmd_pos, ST_U8), STATE_ARRAY(struct fdc, res, ST_BYTES, 10),
    STATE_FIELD(struct fdc, res_len, ST_U8), STATE_FIELD(struct fdc, res_pos, ST_U8),
    STATE_FIELD(struct fdc, int_out, ST_U8), STATE_FIELD(struct fdc, irq_level, ST_U8),
    STATE_FIELD(struct fdc, dreq_level, ST_U8), STATE_FIELD(struct fdc, sense_pending, ST_U8),
    STATE_ARRAY(struct fdc, sense_st0, ST_U8, FDC_DRIVES), STATE_FIELD(struct fdc, drive_busy, ST_U8),
    STATE_ARRAY(struct fdc, pcn, ST_U8, FDC_DRIVES), STATE_ARRAY(struct fdc, spec, ST_U8, 2),
    STATE_FIELD(struct fdc, config, ST_U8), STATE_FIELD(struct fdc, pretrk, ST_U8),
    STATE_FIELD(struct fdc, lock, ST_U8), STATE_FIELD(struct fdc, perp, ST_U8),
    STATE_FIELD(struct fdc, last_eot, ST_U8), STATE_ARRAY(struct fdc, cyl, ST_U8, FDC_DRIVES),
    STATE_ARRAY(struct fdc, dskchg, ST_U8, FDC_DRIVES), STATE_ARRAY(struct fdc, seek_done, ST_U64, FDC_DRIVES),
    STATE_FIELD(struct fdc, exec_step, ST_U8), STATE_FIELD(struct fdc, x_op, ST_U8),
    STATE_FIELD(struct fdc, x_drive, ST_U8), STATE_FIELD(struct fdc, x_hds, ST_U8),
    STATE_FIELD(struct fdc, x_c, ST_U8), STATE_FIELD(struct fdc, x_h, ST_U8),
    STATE_FIELD(struct fdc, x_r, ST_U8), STATE_FIELD(struct fdc, x_n, ST_U8),
    STATE_FIELD(struct fdc, x_eot, ST_U8), STATE_FIELD(struct fdc, x_dtl, ST_U8),
    STATE_FIELD(struct fdc, x_mt, ST_U8), STATE_FIELD(struct fdc, x_sk, ST_U8),
    STATE_FIELD(struct fdc, x_ec, ST_U8), STATE_FIELD(struct fdc, x_sc, ST_U8),
    STATE_FIELD(struct fdc, x_tc, ST_U8), STATE_FIELD(struct fdc, x_fill, ST_U8),
    STATE_FIELD(struct fdc, st0, ST_U8), STATE_FIELD(struct fdc, st1, ST_U8),
    STATE_FIELD(struct fdc, st2, ST_U8), STATE_FIELD(struct fdc, nsect, ST_U16),
    STATE_FIELD(struct fdc, buf_pos, ST_U16), STATE_FIELD(struct fdc, buf_len, ST_U16),
    STATE_ARRAY(struct fdc, buf, ST_BYTES, FDC_SECTOR), STATE_FIELD(struct fdc, cmd_at, ST_U64),
    STATE_FIELD(struct fdc, aux_at, ST_U64), STATE_FIELD(struct fdc, aux_kind, ST_U8),
    STATE_END
};
const struct state_table fdc_state = { "fdc", 1, fdc_fields };
