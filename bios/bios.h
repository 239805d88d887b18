/*
 * bios.h - the built-in firmware.  A high-level BIOS: the 64 KiB ROM at
 * F0000 holds small real-mode stubs that execute the firmware trap (0F 04 ib,
 * honoured only from these ROM addresses) and the services themselves are C,
 * with full access to the CPU registers and to guest memory through the MMU,
 * so they work from real mode and from v86 mode under a protected-mode OS.
 * Services that wait (a key press) answer "not ready"; the stub halts with
 * interrupts enabled and retries.
 */
#ifndef TARSIER_BIOS_H
#define TARSIER_BIOS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "bios/multiboot.h"
#include "machine/clock.h"
#include "machine/disk.h"
#include "machine/memmap.h"
#include "machine/portbus.h"

#define BIOS_ROM_BASE 0xF0000u
#define BIOS_ROM_SIZE 0x10000u

/* Service numbers passed by the ROM stubs (mostly the interrupt number). */
enum {
    BSVC_IRQ0 = 0x08, BSVC_IRQ1 = 0x09, BSVC_VIDEO = 0x10, BSVC_EQUIP = 0x11, BSVC_MEMSIZE = 0x12,
    BSVC_DISK = 0x13, BSVC_SERIAL = 0x14, BSVC_SYS = 0x15, BSVC_KBD = 0x16, BSVC_PRINTER = 0x17,
    BSVC_NOBOOT = 0x18, BSVC_BOOT = 0x19, BSVC_TIME = 0x1A, BSVC_POST = 0xF0,
    BSVC_BIOS32 = 0xE0, BSVC_PCI32 = 0xE1, /* 32-bit entries (pcibios.c; ROM offsets D800h-D8FFh) */
    BSVC_IRQ12 = 0x74,           /* PS/2 mouse (int15_mouse.c) */
    BSVC_RETRY = 0x80,           /* or'ed into 14h/15h: the stub's call after a wait (int15_wait.c) */
};

struct bios {
    uint8_t rom[BIOS_ROM_SIZE];
    struct cpu *cpu;
    struct memmap *mem;
    struct portbus *io;
    struct disk *fd[2];          /* floppy A: and B: */
    struct disk *hd[2];          /* hard disks 0x80, 0x81 */
    struct disk *cd;             /* the first CD-ROM with a disc (El Torito boot, eltorito.c) */
    struct {
        uint32_t rba;            /* the boot image's first 2048-byte sector */
        uint16_t load_seg, count;
        uint8_t active;          /* booted from the CD (no emulation) */
    } cdboot;
    char boot_order[8];          /* e.g. "acd": a floppy, c hard disk, d CD-ROM */
    uint32_t ram_size;
    uint16_t stub[256];          /* ROM offset of each interrupt's entry */
    uint16_t post_entry, dpt_off, config_off;
    uint8_t boot_drive;
    uint8_t e0_prefix;           /* INT 09h saw an E0 extended-key prefix */
    uint32_t idle_polls;         /* consecutive INT 16h polls that found no key */
    struct bios_wait {           /* waits in virtual time (int15_wait.c) */
        struct vclock *clock;
        int ev;                  /* the clock event: ends a wait, wakes the stub's HLT */
        uint64_t wake_at;        /* virtual ns to wake the stub's HLT, CLOCK_NEVER: none */
        uint64_t end_at;         /* INT 15h 83h/86h: the interval's end */
        uint32_t flag_phys;      /* ... the user flag byte it sets (physical address) */
        uint8_t active, is86;    /* an 83h/86h interval runs; 86h's (flag at 40:A0) */
    } wait;
    bool linux_boot;             /* INT 19h enters a kernel placed by -kernel */
    bool multiboot;              /* ... or a Multiboot kernel */
    struct multiboot_entry mb;
    int verbose;
};

/* The services' state between calls (bios_state.c; snapshots, monitor). */
struct state_table;
extern const struct state_table bios_state;

/* Build the ROM image (stubs, tables, reset vector). */
void bios_build_rom(struct bios *b);
/* The firmware trap handler (installed as cpu->hle.call). */
int bios_call(void *opaque, struct cpu *c, int svc);

/* Helpers shared by the service files (bios.c). */
uint8_t bios_rd8(struct bios *b, uint32_t lin);
uint16_t bios_rd16(struct bios *b, uint32_t lin);
uint32_t bios_rd32(struct bios *b, uint32_t lin);
void bios_wr8(struct bios *b, uint32_t lin, uint8_t v);
void bios_wr16(struct bios *b, uint32_t lin, uint16_t v);
void bios_wr32(struct bios *b, uint32_t lin, uint32_t v);
/* Set or clear a flag in the FLAGS image the INT pushed (returned by IRET). */
void bios_ret_flag(struct bios *b, uint32_t flag, bool on);
uint32_t bios_seg_lin(struct cpu *c, int sreg, uint32_t off);

static inline uint8_t reg8_hi(struct cpu *c, int r) { return (uint8_t)(c->r[r] >> 8); }
static inline uint8_t reg8_lo(struct cpu *c, int r) { return (uint8_t)c->r[r]; }
static inline void set_hi(struct cpu *c, int r, uint8_t v) { c->r[r] = (c->r[r] & ~0xFF00u) | ((uint32_t)v << 8); }
static inline void set_lo(struct cpu *c, int r, uint8_t v) { c->r[r] = (c->r[r] & ~0xFFu) | v; }
static inline void set16(struct cpu *c, int r, uint16_t v) { c->r[r] = (c->r[r] & 0xFFFF0000u) | v; }

/* Services (int10.c, int13.c, int16.c). */
void bios_video_init(struct bios *b);
void bios_int10(struct bios *b, struct cpu *c);
void bios_tty_puts(struct bios *b, const char *s);
void bios_int13(struct bios *b, struct cpu *c);
int bios_boot_sector(struct bios *b, uint8_t drive);
/* El Torito (eltorito.c): boot the CD (0, registers set up to enter the
 * image) or -1; INT 13h for drive E0h (returns 1 when it handled the call). */
int bios_cd_boot(struct bios *b, struct cpu *c);
int bios_cd_int13(struct bios *b, struct cpu *c);
int bios_int16(struct bios *b, struct cpu *c);
void bios_irq1(struct bios *b, struct cpu *c);
/* Put a key (scan code << 8 | ASCII) into the BDA keyboard buffer; 0 if full. */
int bios_kbd_push(struct bios *b, uint16_t key);
/* Waits in virtual time (int15_wait.c): the clock event (0, or -1 if the
 * clock has no room), virtual now, a wake-up of the stub's STI; HLT by
 * `when`, POST's reset, and INT 15h AH=83h/86h (nonzero: wait). */
int bios_wait_attach(struct bios *b, struct vclock *clock);
uint64_t bios_now(struct bios *b);
void bios_wake_at(struct bios *b, uint64_t when);
void bios_wait_post(struct bios *b);
int bios_int15_wait(struct bios *b, struct cpu *c, int retry);
/* Serial ports (int14.c): INT 14h; nonzero: wait. */
int bios_int14(struct bios *b, struct cpu *c, int retry);
/* PS/2 mouse (int15_mouse.c): POST, INT 15h AH=C2h, IRQ 12 (nonzero: call
 * the device handler with the packet the registers now hold). */
void bios_mouse_post(struct bios *b);
void bios_int15_mouse(struct bios *b, struct cpu *c);
int bios_irq12(struct bios *b, struct cpu *c);

#endif
