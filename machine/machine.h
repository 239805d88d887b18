/*
 * machine.h - the board.  struct machine owns the CPU, RAM, memory map, port
 * bus, virtual clock and every device; there is no mutable global state, so
 * two machines can live in one process.  The board wires ports, MMIO ranges
 * and IRQ lines in one place (machine.c).
 */
#ifndef TARSIER_MACHINE_H
#define TARSIER_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/trace.h"
#include "devices/debugport.h"
#include "devices/kbc.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
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
    bool snapshot;               /* -snapshot: writes kept in memory */
    const char *boot_order;      /* -boot: e.g. "a", "c", "ac" (default: a then c) */
    const char *kernel, *initrd, *append;  /* Linux boot protocol */
    const struct uart_backend *serial[2];  /* COM1/COM2 host ends (owned by the caller,
                                              must outlive the machine); NULL: unconnected */
};

enum machine_status {
    MS_RUNNING,
    MS_HALTED_EXIT,   /* halted with IF=0 under -exit-on-halt */
    MS_EXIT_PORT,     /* the guest wrote to the exit port */
    MS_TIMEOUT,
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

#define MACHINE_MAX_TIMED_PORTS 16
#define MACHINE_SERIAL_LOG 65536u

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
    const struct uart_backend *serial_be[2]; /* the configured host ends */
    struct uart_backend com1_tap;  /* COM1 output: into serial_log, then serial_be[0] */
    uint32_t serial_len;         /* bytes in serial_log */
    uint8_t serial_log[MACHINE_SERIAL_LOG]; /* the latest COM1 output (wait-serial) */
    struct machine_port tports[MACHINE_MAX_TIMED_PORTS];
    int ntports;
    struct bios bios;
    struct disk *fd[2], *hd[2];
    struct trace *trace;
    bool no_reboot;
    uint8_t *bios_rom;
    uint32_t bios_size;
    bool exit_on_halt;
    uint64_t timeout_ns;
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
/* Bring virtual time up to the CPU's instruction count, firing due events. */
void machine_sync_clock(struct machine *m);
/* Run for at most n instructions (tests). */
void machine_run_insns(struct machine *m, uint64_t n);

#endif
