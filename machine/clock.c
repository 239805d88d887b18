/*
 * clock.c - the virtual clock and event queue (see clock.h).  A handful of
 * event sources, so a linear scan is the simplest correct structure.
 */
#include <string.h>

#include "machine/clock.h"

void clock_init(struct vclock *k, uint32_t ns_per_insn)
{
    memset(k, 0, sizeof(*k));
    k->ns_per_insn = ns_per_insn ? ns_per_insn : 1;
}

int clock_add_event(struct vclock *k, const char *name, void (*fire)(void *, uint64_t), void *opaque)
{
    if (k->nev >= CLOCK_MAX_EVENTS)
        return -1;
    struct clock_event *e = &k->ev[k->nev];
    e->when = CLOCK_NEVER;
    e->fire = fire;
    e->opaque = opaque;
    e->name = name;
    return k->nev++;
}

void clock_schedule(struct vclock *k, int id, uint64_t when)
{
    if (id >= 0 && id < k->nev)
        k->ev[id].when = when;
}

void clock_cancel(struct vclock *k, int id)
{
    clock_schedule(k, id, CLOCK_NEVER);
}

uint64_t clock_next_deadline(const struct vclock *k)
{
    uint64_t t = CLOCK_NEVER;
    for (int i = 0; i < k->nev; i++)
        if (k->ev[i].when < t)
            t = k->ev[i].when;
    return t;
}

void clock_advance(struct vclock *k, uint64_t now)
{
    if (now > k->now)
        k->now = now;
    for (;;) {
        int best = -1;
        for (int i = 0; i < k->nev; i++)
            if (k->ev[i].when <= k->now && (best < 0 || k->ev[i].when < k->ev[best].when))
                best = i;
        if (best < 0)
            return;
        struct clock_event *e = &k->ev[best];
        uint64_t when = e->when;
        e->when = CLOCK_NEVER; /* the handler re-arms it if periodic */
        e->fire(e->opaque, when);
    }
}
