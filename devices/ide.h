/*
 * ide.h - the PC's two IDE (ATA) channels with their devices and the Intel
 * PIIX/PIIX3 bus-master IDE function (82371SB datasheet, "Bus Master IDE
 * registers"): primary 1F0h-1F7h + 3F6h on IRQ14, secondary 170h-177h +
 * 376h on IRQ15, each with a master and a slave that is an ATA hard disk
 * (ide_ata.c), an ATAPI CD-ROM (atapi.c) or nothing.
 *
 * The board maps ide_cmd_ops (8 ports) and ide_ctl_ops (1 port: alternate
 * status / device control) per channel with the channel as opaque, and
 * ide_bm_ops (16 ports: primary at +0, secondary at +8) with the struct ide as
 * opaque wherever the PCI function's BAR4 points.  Bus-master DMA reads and
 * writes guest RAM through the memory map given in `mem`.
 *
 * Timing: a command completes at once in host terms; the device reads BSY
 * until its completion time on the virtual clock (a few microseconds) and
 * asserts INTRQ then, through a clock event (or at the first register access
 * past that time).  Reading the status register clears INTRQ.
 */
#ifndef TARSIER_IDE_H
#define TARSIER_IDE_H

#include <stdint.h>

#include "machine/clock.h"
#include "machine/disk.h"
#include "machine/io.h"
#include "machine/memmap.h"
#include "machine/state.h"

#define IDE_BUF_SIZE 0x10000u   /* per device: 128 ATA sectors or 32 CD sectors */
#define CD_SECTOR CD_SECTOR_SIZE

/* status register */
#define IDE_BSY 0x80
#define IDE_DRDY 0x40
#define IDE_DF 0x20
#define IDE_DSC 0x10
#define IDE_DRQ 0x08
#define IDE_ERR 0x01
/* error register */
#define IDE_ERR_ABRT 0x04
#define IDE_ERR_IDNF 0x10
#define IDE_ERR_UNC 0x40
/* device control register */
#define IDE_DC_NIEN 0x02
#define IDE_DC_SRST 0x04
#define IDE_DC_HOB 0x80
/* bus-master command / status registers */
#define IDE_BM_START 0x01
#define IDE_BM_TOMEM 0x08       /* bus master writes to memory (a device read) */
#define IDE_BM_ACTIVE 0x01
#define IDE_BM_ERROR 0x02
#define IDE_BM_INTR 0x04

/* virtual ns from a command to its completion interrupt */
#define IDE_CMD_NS 2000u
#define IDE_DMA_NS 10000u
#define IDE_RESET_NS 10000u

enum ide_kind { IDE_NONE, IDE_ATA, IDE_ATAPI };
/* What happens when the PIO window [pos, end) is drained or filled. */
enum ide_xfer { XFER_NONE, XFER_ATA_READ, XFER_ATA_WRITE, XFER_PACKET, XFER_ATAPI };
/* A DMA transfer waiting for the bus master. */
enum ide_dma { DMA_NONE, DMA_TO_MEM, DMA_FROM_MEM };

struct ide_drive {
    /* the task file as this device holds it (writes reach both devices) */
    uint8_t feature, nsect, lbal, lbam, lbah, select;
    uint8_t hob_feature, hob_nsect, hob_lbal, hob_lbam, hob_lbah;
    uint8_t status, error;
    uint8_t kind;               /* enum ide_kind */
    uint8_t cmd;                /* command being executed */
    uint8_t xfer;               /* enum ide_xfer */
    uint8_t dma;                /* enum ide_dma */
    uint8_t mult;               /* sectors per READ/WRITE MULTIPLE block, 0: disabled */
    uint8_t pio_mode, dma_mode; /* SET FEATURES 03h: dma_mode 0x20+n MWDMA, 0x40+n UDMA, 0 none */
    uint8_t standby;            /* power mode: 0 active/idle, 1 standby */
    uint8_t wcache;             /* write cache enabled (SET FEATURES 02h/82h) */
    /* ATAPI */
    uint8_t sense_key, asc, ascq;
    uint8_t unit_attention;     /* 0, or the ASC to report (29h reset, 28h medium changed) */
    uint8_t locked, tray_open, media_event;
    uint8_t packet[12];
    uint16_t byte_limit;        /* PIO byte count limit of the running packet command */
    /* current CHS translation (INITIALIZE DEVICE PARAMETERS) */
    uint16_t cyls, heads, spt;
    /* transfer: buf[pos, end) is the PIO window, buf[0, len) the valid data */
    uint32_t pos, end, len;
    uint32_t block;             /* sectors per DRQ block (ATA PIO) */
    uint32_t left;              /* sectors (ATA) or CD blocks (ATAPI) still to load or store */
    uint64_t lba;               /* next sector to load or store */
    uint64_t busy_until;        /* virtual ns: BSY reads until then */
    uint8_t buf[IDE_BUF_SIZE];
};

struct ide;

struct ide_channel {
    struct ide_drive drv[2];
    uint8_t devctl;
    uint8_t intrq;              /* a device asserts INTRQ */
    uint8_t irq_level;          /* what the IRQ wire carries */
    uint8_t bm_cmd, bm_status;
    uint32_t bm_prd;
    uint64_t irq_at;            /* virtual ns of the pending INTRQ, CLOCK_NEVER if none */
    /* wiring (not state) */
    struct ide *ide;
    struct irq_line irq;
    struct disk *disk[2];
    int ev;
    int index;
};

struct ide {
    struct ide_channel ch[2];
    /* wiring (not state) */
    struct memmap *mem;         /* bus-master DMA target */
    struct vclock *clk;
    uint64_t (*now)(void *opaque); /* current virtual ns (NULL: the clock's time) */
    void *now_opaque;
};

extern const struct io_ops ide_cmd_ops;   /* 8 ports, opaque: struct ide_channel */
extern const struct io_ops ide_ctl_ops;   /* 1 port (3F6h/376h), opaque: struct ide_channel */
extern const struct io_ops ide_bm_ops;    /* 16 ports, opaque: struct ide */
extern const struct state_table ide_channel_state;

/* Set mem, now and each channel's irq first.  Registers the clock events;
 * returns 0 or -1 when the clock is full. */
int ide_init(struct ide *ide, struct vclock *clk);
/* Put a device in slot 0-3 (primary master, primary slave, secondary master,
 * secondary slave): IDE_ATA needs a disk, IDE_ATAPI takes a CD image or NULL
 * (no medium). */
void ide_attach(struct ide *ide, int slot, enum ide_kind kind, struct disk *disk);
/* Power-on reset of both channels (hardware reset: defaults, signatures). */
void ide_reset(struct ide *ide);
/* Re-arm the clock events and the IRQ wires after a state load. */
void ide_resync(struct ide *ide);

/* ---- shared by ide.c, ide_ata.c and atapi.c ---- */
uint64_t ide_now(struct ide_channel *ch);
struct disk *ide_disk(struct ide_channel *ch, struct ide_drive *d);
/* INTRQ after delay ns; the device reads BSY until then when busy is set. */
void ide_irq_after(struct ide_channel *ch, struct ide_drive *d, uint64_t delay, int busy);
/* Open the PIO window buf[0, n) for the host (data in or out). */
void ide_pio(struct ide_drive *d, uint32_t n, enum ide_xfer x);
/* A DMA transfer is ready: run it if the bus master is started. */
void ide_dma_ready(struct ide_channel *ch, struct ide_drive *d, enum ide_dma dir);
void ide_set_signature(struct ide_drive *d);
uint64_t ide_lba(const struct ide_drive *d, int lba48);
/* End a command: good (status DRDY|DSC) or aborted with an error register value. */
void ide_cmd_done(struct ide_channel *ch, struct ide_drive *d);
void ide_cmd_error(struct ide_channel *ch, struct ide_drive *d, uint8_t err);
/* Put a string into IDENTIFY words (two characters a word, first in the high byte). */
void ide_id_string(uint8_t *id, int word, int nwords, const char *s);
void ide_id_word(uint8_t *id, int word, uint16_t v);

void ide_ata_command(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd);
/* The PIO/DMA buffer is used up: load or store the next sectors.  Returns 1
 * when more data/room is ready in buf[0, len), 0 when the command's data is
 * done, -1 on an error (status and error register set). */
int ide_ata_refill(struct ide_channel *ch, struct ide_drive *d);
void ide_ata_pio_end(struct ide_channel *ch, struct ide_drive *d);
/* DMA of a disk command finished (ok = 1) or failed. */
void ide_ata_dma_end(struct ide_channel *ch, struct ide_drive *d, int ok);

void atapi_command(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd);
void atapi_packet(struct ide_channel *ch, struct ide_drive *d);
int atapi_refill(struct ide_channel *ch, struct ide_drive *d);
void atapi_pio_end(struct ide_channel *ch, struct ide_drive *d);
void atapi_dma_end(struct ide_channel *ch, struct ide_drive *d, int ok);
void atapi_reset(struct ide_drive *d, int power_on);
/* atapi.c helpers for the packet commands (atapi_scsi.c) */
struct disk *atapi_medium(struct ide_channel *ch, struct ide_drive *d);
uint32_t atapi_blocks(struct ide_channel *ch, struct ide_drive *d);
void atapi_complete(struct ide_channel *ch, struct ide_drive *d, uint64_t delay);
void atapi_check(struct ide_channel *ch, struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq);
void atapi_send(struct ide_channel *ch, struct ide_drive *d, uint32_t len, uint32_t alloc);
void atapi_pio_chunk(struct ide_channel *ch, struct ide_drive *d);

#endif
