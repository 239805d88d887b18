/*
 * clock.h - the virtual clock and its event queue.
 *
 * Time is virtual: in deterministic mode nanoseconds are derived from the
 * instruction count (ns = icount * ns_per_insn); devices schedule events on
 * this clock and never read the host clock.  Realtime pacing (a frontend
 * concern) only sleeps the host to keep virtual time near wall time.
 */
#ifndef TARSIER_CLOCK_H
#define TARSIER_CLOCK_H

#include <stdint.h>

#define CLOCK_MAX_EVENTS 32
#define CLOCK_NEVER UINT64_MAX

struct clock_event {
    uint64_t when;             /* virtual ns, CLOCK_NEVER if idle */
    void (*fire)(void *opaque, uint64_t now);
    void *opaque;
    const char *name;
};

struct vclock {
    uint64_t now;              /* current virtual time in ns */
    uint32_t ns_per_insn;      /* deterministic rate (default 1 ns = 1000 MIPS nominal) */
    struct clock_event ev[CLOCK_MAX_EVENTS];
    int nev;
};

void clock_init(struct vclock *k, uint32_t ns_per_insn);
/* Register an event source; returns its id or -1. */
int clock_add_event(struct vclock *k, const char *name, void (*fire)(void *, uint64_t), void *opaque);
void clock_schedule(struct vclock *k, int id, uint64_t when);
void clock_cancel(struct vclock *k, int id);
/* Earliest pending deadline, CLOCK_NEVER if none. */
uint64_t clock_next_deadline(const struct vclock *k);
/* Advance to `now` and fire every event due, in time order. */
void clock_advance(struct vclock *k, uint64_t now);

#endif
