/*
 * int15_wait.c - waits in virtual time: INT 15h AH=86h (wait CX:DX
 * microseconds) and AH=83h (event wait: set bit 7 of a user flag byte after
 * CX:DX microseconds), per the IBM PC/AT and PS/2 BIOS interface, and the
 * wake-up that lets any service wait without spinning the host.
 *
 * A service that must wait returns nonzero; its ROM stub then executes
 * STI; HLT and calls again (service number | BSVC_RETRY).  Guest interrupts
 * end the HLT as usual; for a deadline of its own the service asks for a
 * wake-up (bios_wake_at): a clock event that ends the HLT when the CPU halts
 * in the BIOS ROM, as if the BIOS had polled until then.  The guest sees the
 * same as from a BIOS polling in a loop; the host skips the idle time.
 *
 * The 83h/86h interval keeps the BIOS data area fields of the real BIOS:
 * 40:98h the user flag's far address (0040:00A0h for 86h), 40:9Ch the count
 * in microseconds as given, 40:A0h the wait flag (bit 0 while the interval
 * runs, bit 7 once it has elapsed).  When it elapses the event sets bit 7 of
 * the user flag, as the AT BIOS's RTC interrupt does, whether or not anyone
 * waits (so an interval abandoned by its caller still ends).  A second
 * interval while one runs fails with AH=83h, CF=1.
 *
 * Left out: the real BIOS counts RTC periodic interrupts (976 us each) and
 * so rounds the interval up to them; here it ends at its exact time and the
 * RTC is not touched.  The user flag's address is resolved when 83h is
 * called (under paging, its physical page then).
 */
#include "bios/bios.h"
#include "cpu/sem.h"

#define BDA 0x400u
#define WAIT_FLAG 0xA0u     /* 40:A0h */
#define MIN_WAKE_NS 1000u   /* a wake-up at least 1 us ahead: after the stub's STI; HLT */

uint64_t bios_now(struct bios *b)
{
    struct vclock *k = b->wait.clock;
    return k ? b->cpu->icount * k->ns_per_insn : 0;
}

static void reschedule(struct bios *b)
{
    uint64_t t = b->wait.wake_at;
    if (b->wait.active && b->wait.end_at < t)
        t = b->wait.end_at;
    if (t == CLOCK_NEVER)
        clock_cancel(b->wait.clock, b->wait.ev);
    else
        clock_schedule(b->wait.clock, b->wait.ev, t);
}

/* The 83h/86h interval has elapsed: bit 7 of the user flag, 40:A0h says so. */
static void interval_end(struct bios *b)
{
    b->wait.active = 0;
    uint8_t f = (uint8_t)memmap_read(b->mem, b->wait.flag_phys, 1);
    memmap_write(b->mem, b->wait.flag_phys, f | 0x80u, 1);
    uint8_t w = (uint8_t)memmap_read(b->mem, BDA + WAIT_FLAG, 1);
    memmap_write(b->mem, BDA + WAIT_FLAG, (w & 0x7Eu) | 0x80u, 1);
}

/* Whether the CPU is halted in the BIOS ROM (a stub's STI; HLT). */
static int halted_in_rom(struct cpu *c)
{
    uint32_t phys;
    if (!c->halted || !(c->eflags & F_IF) || cpu_probe(c, c->seg[SEG_CS].base + c->eip, &phys))
        return 0;
    return phys >= c->hle.lo && phys < c->hle.hi;
}

static void wait_fire(void *opaque, uint64_t now)
{
    struct bios *b = opaque;
    if (b->wait.active && now >= b->wait.end_at)
        interval_end(b);
    if (now >= b->wait.wake_at) {
        b->wait.wake_at = CLOCK_NEVER;
        if (halted_in_rom(b->cpu))
            b->cpu->halted = 0; /* the stub goes on to call the service again */
    }
    reschedule(b);
}

int bios_wait_attach(struct bios *b, struct vclock *clock)
{
    b->wait.clock = clock;
    b->wait.wake_at = CLOCK_NEVER;
    b->wait.active = 0;
    b->wait.ev = clock_add_event(clock, "bios-wait", wait_fire, b);
    return b->wait.ev < 0 ? -1 : 0;
}

void bios_wake_at(struct bios *b, uint64_t when)
{
    if (!b->wait.clock)
        return;
    uint64_t now = bios_now(b);
    if (when < now + MIN_WAKE_NS)
        when = now + MIN_WAKE_NS;
    if (b->wait.wake_at <= now || when < b->wait.wake_at)
        b->wait.wake_at = when;
    reschedule(b);
}

void bios_wait_post(struct bios *b)
{
    if (!b->wait.clock)
        return;
    b->wait.active = 0;
    b->wait.wake_at = CLOCK_NEVER;
    reschedule(b);
}

/* Start an interval of `us` microseconds that sets the flag at seg:off. */
static void interval_start(struct bios *b, uint32_t us, uint16_t seg, uint16_t off, uint32_t flag_phys, int is86)
{
    b->wait.active = 1;
    b->wait.is86 = (uint8_t)is86;
    b->wait.end_at = bios_now(b) + (uint64_t)us * 1000u;
    b->wait.flag_phys = flag_phys;
    bios_wr16(b, BDA + 0x98, off);
    bios_wr16(b, BDA + 0x9A, seg);
    bios_wr32(b, BDA + 0x9C, us);
    bios_wr8(b, BDA + WAIT_FLAG, 0x01);
    reschedule(b);
}

/* An interval runs (one whose end has passed is finished first). */
static int interval_busy(struct bios *b)
{
    if (b->wait.active && bios_now(b) >= b->wait.end_at)
        interval_end(b);
    return b->wait.active;
}

static void fail(struct bios *b, struct cpu *c, uint8_t ah)
{
    set_hi(c, R_EAX, ah);
    bios_ret_flag(b, F_CF, true);
}

int bios_int15_wait(struct bios *b, struct cpu *c, int retry)
{
    uint8_t ah = reg8_hi(c, R_EAX);
    uint32_t us = (c->r[R_ECX] & 0xFFFF) << 16 | (c->r[R_EDX] & 0xFFFF);
    if (!b->wait.clock) {
        fail(b, c, 0x86);
        return 0;
    }
    if (ah == 0x86 && retry) {
        if (b->wait.active && b->wait.is86 && interval_busy(b)) {
            bios_wake_at(b, b->wait.end_at);
            return 1;
        }
        bios_wr8(b, BDA + WAIT_FLAG, 0); /* done (or cancelled by an 83h AL=01h) */
        bios_ret_flag(b, F_CF, false);
        return 0;
    }
    if (ah == 0x86) {
        if (interval_busy(b)) {
            fail(b, c, 0x83);
            return 0;
        }
        bios_ret_flag(b, F_CF, false);
        if (!us)
            return 0;
        interval_start(b, us, 0x40, WAIT_FLAG, BDA + WAIT_FLAG, 1);
        bios_wake_at(b, b->wait.end_at);
        return 1;
    }
    /* 83h */
    switch (reg8_lo(c, R_EAX)) {
    case 0x00: {
        uint32_t phys;
        if (interval_busy(b)) {
            fail(b, c, 0x83);
            return 0;
        }
        if (cpu_probe(c, bios_seg_lin(c, SEG_ES, c->r[R_EBX]), &phys)) {
            fail(b, c, 0x86);
            return 0;
        }
        interval_start(b, us, c->seg[SEG_ES].sel, (uint16_t)c->r[R_EBX], phys, 0);
        bios_ret_flag(b, F_CF, false);
        return 0;
    }
    case 0x01: /* cancel */
        b->wait.active = 0;
        bios_wr8(b, BDA + WAIT_FLAG, 0);
        reschedule(b);
        bios_ret_flag(b, F_CF, false);
        return 0;
    }
    fail(b, c, 0x86);
    return 0;
}
