/*
 * fdc.h - Intel 82077AA floppy disk controller in PC-AT mode (ports 3F0h-3F5h
 * and 3F7h, 3F6h belonging to the IDE controller), its INT pin on IRQ6 and
 * DRQ on DMA channel 2, with up to two drives whose media are raw images
 * (machine/disk.h).  See fdc.c for what it follows and leaves out; the data
 * path of the read, write, verify and format commands is in fdc_rw.c.
 */
#ifndef TARSIER_FDC_H
#define TARSIER_FDC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/dma.h"
#include "machine/clock.h"
#include "machine/disk.h"
#include "machine/io.h"
#include "machine/state.h"

#define FDC_DRIVES 4          /* drive selects the chip decodes */
#define FDC_MEDIA_DRIVES 2    /* drives this board can connect */
#define FDC_SECTOR 512

/* phases as the main status register shows them */
enum fdc_phase { FDC_IDLE, FDC_COMMAND, FDC_EXEC, FDC_RESULT };

/* what the execution phase is doing (exec_step) */
enum fdc_step {
    FDC_X_NONE,
    FDC_X_START,     /* head loaded, looking for the first sector (ev_cmd) */
    FDC_X_DATA,      /* sector bytes moving through DMA or the FIFO */
    FDC_X_DONE,      /* the command ended; the result phase follows (ev_cmd) */
};

struct fdc {
    /* registers */
    uint8_t dor;              /* digital output register: motors, DMA gate, nRESET, drive select */
    uint8_t tdr;              /* tape drive register (bits 0-1) */
    uint8_t dsr;              /* data rate select: precompensation and rate (rate shared with CCR) */
    uint8_t phase;            /* enum fdc_phase */
    uint8_t cmd[9], cmd_len, cmd_pos;
    uint8_t res[10], res_len, res_pos;
    uint8_t int_out;          /* the INT pin before the DOR's DMA gate */
    uint8_t irq_level;        /* what the IRQ6 wire carries */
    uint8_t dreq_level;       /* what the DRQ2 wire carries */
    uint8_t sense_pending;    /* drives with a status for SENSE INTERRUPT STATUS */
    uint8_t sense_st0[FDC_DRIVES];
    uint8_t drive_busy;       /* MSR bits 0-3: seeking drives */
    uint8_t pcn[FDC_DRIVES];  /* present cylinder number registers */
    uint8_t spec[2];          /* SPECIFY bytes: SRT/HUT, HLT/ND */
    uint8_t config, pretrk;   /* CONFIGURE: EIS EFIFO POLL FIFOTHR, precompensation track */
    uint8_t lock;             /* LOCK bit */
    uint8_t perp;             /* PERPENDICULAR MODE: drive bits 2-5, GAP, WGATE */
    uint8_t last_eot;         /* SC/EOT of the last command (DUMPREG) */
    /* the drives */
    uint8_t cyl[FDC_DRIVES];  /* head position (physical track) */
    uint8_t dskchg[FDC_DRIVES]; /* disk change line */
    uint64_t seek_done[FDC_DRIVES]; /* virtual ns a seek ends, CLOCK_NEVER if none */
    /* the execution phase of a read/write/verify/format/read ID command */
    uint8_t exec_step;        /* enum fdc_step */
    uint8_t x_op;             /* command code (low 5 bits) */
    uint8_t x_drive, x_hds;   /* drive and physical head */
    uint8_t x_c, x_h, x_r, x_n, x_eot, x_dtl; /* current sector ID as the command counts it */
    uint8_t x_mt, x_sk, x_ec, x_sc; /* multi-track, skip, verify count mode, sectors left */
    uint8_t x_tc;             /* terminal count seen */
    uint8_t x_fill;           /* FORMAT filler byte */
    uint8_t st0, st1, st2;
    uint16_t nsect;           /* sectors handled by this command (timing) */
    uint16_t buf_pos, buf_len;
    uint8_t buf[FDC_SECTOR];
    uint64_t cmd_at;          /* virtual ns of the next execution step, CLOCK_NEVER if none */
    uint64_t aux_at;          /* virtual ns of the reset or non-DMA byte interrupt, CLOCK_NEVER if none */
    uint8_t aux_kind;         /* 1 reset interrupt, 2 non-DMA data interrupt */
    /* wiring (not state) */
    struct irq_line irq;
    struct dma_line dma;
    struct vclock *clk;
    struct disk *disk[FDC_MEDIA_DRIVES];
    bool present[FDC_MEDIA_DRIVES];
    int ev_cmd, ev_seek, ev_aux;
    uint8_t pumping;          /* re-entrancy guard of fdc_rw_pump */
    uint32_t warned;
};

extern const struct io_ops fdc_ops;       /* 6 ports at 3F0h */
extern const struct io_ops fdc_dir_ops;   /* 1 port at 3F7h: DIR / CCR */
extern const struct state_table fdc_state;

/* Power-on state (held in reset: DOR = 0); registers three clock events.  Set
 * irq and dma first.  Returns 0, or -1 when the clock has no room. */
int fdc_init(struct fdc *f, struct vclock *clk);
/* Connect drive n (0-1): present says a drive is cabled, disk is its medium
 * or NULL for an empty drive.  Raises the drive's disk change line. */
void fdc_attach(struct fdc *f, int n, bool present, struct disk *disk);
/* The DMA controller grants channel 2 (the board registers this with dma_attach). */
void fdc_dma_service(void *opaque);
/* Re-arm the clock events after a state load. */
void fdc_resync(struct fdc *f);

/* shared between fdc.c and fdc_rw.c */
void fdc_update_irq(struct fdc *f);
void fdc_set_dreq(struct fdc *f, bool level);
void fdc_schedule_cmd(struct fdc *f, uint64_t delay_ns);
void fdc_warn(struct fdc *f, unsigned bit, const char *what);
/* Move drive d's head by delta tracks (a seek's step pulses). */
void fdc_step_head(struct fdc *f, int d, int delta);
/* Non-DMA mode: a data byte moved; more says whether another one follows. */
void fdc_pio_byte_taken(struct fdc *f, bool more);
/* Start the execution phase of a data command (cmd[] holds its bytes). */
void fdc_rw_begin(struct fdc *f);
/* The ev_cmd step of a data command. */
void fdc_rw_step(struct fdc *f);
/* Move data: DMA when granted, or one byte through the FIFO (non-DMA mode). */
void fdc_rw_pump(struct fdc *f);
uint8_t fdc_rw_fifo_read(struct fdc *f);
void fdc_rw_fifo_write(struct fdc *f, uint8_t v);
/* Non-DMA mode (SPECIFY ND bit). */
static inline bool fdc_pio(const struct fdc *f)
{
    return f->spec[1] & 1;
}

#endif
