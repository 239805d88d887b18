/*
 * machine.h - the board.  struct machine owns the CPU, RAM, memory map, port
 * bus, virtual clock and every device; there is no mutable global state, so
 * two machines can live in one process.  The board wires ports, MMIO ranges
 * and IRQ lines in one place (board.c).
 */
#ifndef TARSIER_MACHINE_H
#define TARSIER_MACHINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/trace.h"
#include "devices/acpi_pm.h"
#include "devices/debugport.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/ide.h"
#include "devices/i440fx.h"
#include "devices/kbc.h"
#include "devices/pci.h"
#include "devices/pic.h"
#include "devices/piix.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/stdvga_pci.h"
#include "devices/uart.h"
#include "bios/bios.h"
#include "devices/port92.h"
#include "devices/vga.h"
#include "machine/disk.h"
#include "machine/clock.h"
#include "machine/memmap.h"
#include "machine/portbus.h"

/* Deterministic virtual time: each retired instruction advances the clock by
 * this many nanoseconds (a 200 MIPS virtual CPU). */
#define MACHINE_NS_PER_INSN 5

struct machine_config {
    const char *cpu_model;       /* NULL: default */
    uint32_t ram_mb;             /* default 32 */
    const char *bios_path;       /* raw ROM image mapped below 1 MiB and 4 GiB */
    const char *vga_bios_path;   /* video BIOS served by the display function's ROM BAR, or NULL */
    const char *debugcon;        /* "stdio", "file:PATH" or NULL */
    const char *postcode;        /* "file:PATH[,port=N]" or NULL */
    bool exit_on_halt;
    double timeout_s;            /* virtual seconds, 0 = none */
    const char *trace_flags;     /* -d list */
    const char *trace_file;      /* -D */
    bool no_reboot;              /* triple fault ends the run instead of resetting */
    bool no_rom;                 /* tests: no ROM at all (RAM everywhere below 1 MiB) */
    bool bare;                   /* tests: no chipset devices (unclaimed ports read all ones) */
    const char *rtc_base;        /* RTC start: "utc"/"now" (host clock at start), "YYYY-MM-DD[THH:MM:SS]"
                                    (UTC), or NULL for 2000-01-01T00:00:00 (deterministic) */
    bool builtin_bios;           /* no -bios: map the built-in BIOS */
    const char *fda, *fdb, *hda, *hdb;  /* disk images */
    bool fd_readonly[2], hd_readonly[2];
    /* IDE slots 0-3 (primary master, primary slave, secondary master, secondary
     * slave) from -hdc/-hdd/-cdrom/-drive; hda/hdb fill slots 0 and 1.  A CD
     * slot may have no path (an empty drive). */
    struct machine_ide_slot {
        const char *path;
        bool used, cdrom, readonly;
    } ide[4];
    bool snapshot;               /* -snapshot: writes kept in memory */
    const char *boot_order;      /* -boot: e.g. "a", "c", "d", "acd" (default: a, c, then d) */
    const char *kernel, *initrd, *append;  /* Linux boot protocol */
    const struct uart_backend *serial[2];  /* COM1/COM2 host ends (owned by the caller,
                                              must outlive the machine); NULL: unconnected */
};

enum machine_status {
    MS_RUNNING,
    MS_HALTED_EXIT,   /* halted with IF=0 under -exit-on-halt */
    MS_EXIT_PORT,     /* the guest wrote to the exit port */
    MS_POWEROFF,      /* ACPI soft off (SLP_EN with the S5 type): exit status 0 */
    MS_TIMEOUT,
    MS_SIGNAL,        /* the host asked the emulator to stop (SIGINT/SIGTERM) */
    MS_HOST_QUIT,     /* the host frontend ended the run (its window was closed) */
    MS_ERROR,
};

struct machine;

/* A device port range behind the board's clock shim: virtual time is brought
 * up to the current instruction before the device sees the access. */
struct machine_port {
    struct machine *m;
    const struct io_ops *ops;
    void *dev;
};

#define MACHINE_MAX_TIMED_PORTS 24
#define MACHINE_PCI_PORTS 8          /* PCI I/O regions mapped behind the clock shim */
#define MACHINE_PCI_MEM 4            /* PCI memory and ROM regions (movable memory map regions) */
#define MACHINE_SERIAL_LOG 65536u
#define MACHINE_SERIAL_IN 4096u

struct machine {
    struct cpu cpu;
    struct memmap mem;
    struct portbus io;
    struct vclock clock;
    struct debugport dbg;        /* 0xE9 debug console, POST port, exit port */
    struct port92 p92;
    struct vga vga;              /* VGA register file (3B0h-3DFh) */
    struct pic pic;              /* 8259A pair: IRQ 0-15 -> CPU INTR */
    struct pit pit;              /* 8254 + port 61h: counter 0 -> IRQ0 */
    struct rtc rtc;              /* MC146818A + CMOS -> IRQ8 */
    struct kbc kbc;              /* 8042 + PS/2 keyboard (IRQ1) and mouse (IRQ12) */
    struct uart com[2];          /* 16550A: COM1 3F8h IRQ4, COM2 2F8h IRQ3 */
    struct dma dma;              /* 8237A pair: 00h-0Fh, C0h-DFh, pages 81h-8Fh */
    struct fdc fdc;              /* 82077AA: 3F0h-3F5h, 3F7h, IRQ6, DMA channel 2 */
    const struct uart_backend *serial_be[2]; /* the configured host ends */
    struct uart_backend com1_tap;  /* COM1 output: into serial_log, then serial_be[0] */
    uint32_t serial_len;         /* bytes in serial_log */
    uint8_t serial_log[MACHINE_SERIAL_LOG]; /* the latest COM1 output (wait-serial) */
    uint8_t serial_in[MACHINE_SERIAL_IN];  /* bytes queued for COM1's receiver (type-serial) */
    uint32_t serial_in_head, serial_in_len;
    struct machine_port tports[MACHINE_MAX_TIMED_PORTS];
    int ntports;
    struct pci_bus pci;          /* bus 0, configuration mechanism #1 (CF8h-CFFh) */
    struct i440fx pmc;           /* 00:00.0 host bridge, PAM shadow control */
    struct piix piix;            /* 00:01.0 ISA bridge + PIRQ router, 00:01.1 IDE */
    struct acpi_pm pm;           /* 00:01.3 ACPI PM registers and timer, SCI on IRQ 9 */
    struct stdvga_pci svga;      /* 00:02.0 1234:1111 display: BAR0 the VGA's frame buffer, ROM BAR */
    struct machine_port pci_ports[MACHINE_PCI_PORTS];
    struct {
        const struct pci_region *r;  /* a PCI memory region the board placed ... */
        int id;                      /* ... as this movable memory map region */
    } pci_mem[MACHINE_PCI_MEM];
    struct bios bios;
    struct disk *fd[2], *hd[2];     /* hd: the first two IDE hard disks (BIOS 80h, 81h), not owned */
    struct ide ide;              /* 1F0h-1F7h/3F6h IRQ14, 170h-177h/376h IRQ15; BM at PIIX BAR4 */
    struct disk *ide_disk[4];    /* the images behind the IDE slots (owned) */
    struct trace *trace;
    bool no_reboot;
    uint8_t *bios_rom;
    uint32_t bios_size;
    bool exit_on_halt;
    uint64_t timeout_ns;
    /* set by the frontend: a host signal number written by its SIGINT/SIGTERM
     * handler; the run loop then stops (status 128 + signal) so that the
     * frontend can finish cleanly (disks flushed, serial output drained) */
    volatile sig_atomic_t *stop_signal;
    /* set by a host frontend (frontend/sdl.c): host_poll runs between slices
     * once virtual time reaches host_poll_at and must move host_poll_at on
     * (input, display, sound, realtime pacing); a return other than
     * MACHINE_RUNNING ends the run with that exit status (the window closed) */
    int (*host_poll)(void *opaque);
    void *host_opaque;
    uint64_t host_poll_at;
    enum machine_status status;
    int exit_code;
    FILE *trace_out;
    char errbuf[256];
};

/* Build a machine from a configuration.  Returns NULL and writes a message to
 * err (size errlen) on bad input (missing ROM, bad option value, ...). */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
void machine_reset(struct machine *m);
/* Run until the machine stops (exit port, halt under exit-on-halt, timeout).
 * Returns the process exit status the frontend should use. */
int machine_run(struct machine *m);
/* Run until virtual time until_ns; returns MACHINE_RUNNING when that time is
 * reached with the machine still going, else the exit status as machine_run. */
#define MACHINE_RUNNING (-1)
int machine_run_until(struct machine *m, uint64_t until_ns);
/* Current virtual time in ns. */
static inline uint64_t machine_now(const struct machine *m) { return m->cpu.icount * m->clock.ns_per_insn; }
/* Write the VGA text screen (mode from the BIOS data area, B8000h) as text,
 * one line per row with trailing blanks removed.  Returns 0 or -1. */
int machine_text_dump(struct machine *m, FILE *out);
/* The board's IRQ wire n (ISA IRQ 0-15), e.g. for tests and future devices. */
struct irq_line machine_irq(struct machine *m, int n);
/* Whether COM1 has transmitted text (of length len) within its latest
 * MACHINE_SERIAL_LOG bytes of output. */
bool machine_serial_seen(const struct machine *m, const char *text, size_t len);
/* Queue bytes for COM1's receiver (ahead of the host backend's input); 0 if
 * they fit, -1 if the queue is full. */
int machine_serial_inject(struct machine *m, const void *bytes, size_t len);
/* A device of the board described by a declarative state table (the
 * monitor's `info NAME`).  New devices add one line to machine_devices(). */
struct machine_device {
    const char *name;
    const struct state_table *state;
    const void *obj;
};
/* After the state tables, RAM and memory map were loaded (snapshot.c):
 * rebuild what is derived (CPU mode and caches, watched pages, a full
 * redraw). */
void machine_after_load(struct machine *m);
/* The part of it for COM1's scripted input queue (board.c). */
void machine_serial_after_load(struct machine *m);
/* Write up to max of the board's devices to out; returns how many exist. */
int machine_devices(struct machine *m, struct machine_device *out, int max);
/* Bring virtual time up to the CPU's instruction count, firing due events. */
void machine_sync_clock(struct machine *m);
/* Run for at most n instructions (tests). */
void machine_run_insns(struct machine *m, uint64_t n);

#endif
