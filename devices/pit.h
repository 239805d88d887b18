/*
 * pit.h - Intel 8254 programmable interval timer (ports 0x40-0x43) and the
 * PC's system control port B (0x61: counter 2 gate, speaker enable, OUT2 and
 * the refresh toggle).
 *
 * The counters are clocked at 1.193182 MHz of virtual time.  Nothing counts
 * tick by tick: each counter remembers the CLK tick at which its counting
 * element held a known value, and reads compute the count and OUT from the
 * current virtual time.  Counter 0 drives `irq0`; only its next OUT edge is
 * scheduled on the clock.
 */
#ifndef TARSIER_PIT_H
#define TARSIER_PIT_H

#include <stdint.h>

#include "machine/clock.h"
#include "machine/io.h"
#include "machine/state.h"

#define PIT_HZ 1193182u

struct pit_counter {
    uint8_t ctrl;          /* control word bits 5-0 (RW1 RW0 M2 M1 M0 BCD), for status */
    uint8_t mode;          /* 0-5 */
    uint8_t wff, rff;      /* write / read byte flip-flops (1: MSB next) */
    uint8_t cr_lsb;        /* LSB written, MSB pending */
    uint8_t latched;       /* count latched in ol */
    uint8_t status_latched;
    uint8_t status;
    uint8_t gate;
    uint8_t have_count;    /* a count was written since the control word */
    uint8_t counting;      /* the counting element decrements from `base` on */
    uint8_t armed;         /* one-shot modes: terminal count not reached yet */
    uint8_t out0;          /* modes 2/3: OUT at `base` (mode 3: which half starts) */
    uint8_t pend;          /* modes 2/3: a new count loads at pend_base */
    uint8_t pend_out0;
    uint8_t null_count;    /* count register not yet moved to the counting element */
    uint16_t cr;           /* count register (as written: BCD when BCD is set) */
    uint16_t ol;           /* output latch */
    uint32_t start;        /* CE at `base` (binary; 1..65536 right after a load) */
    uint32_t pend_start;
    uint64_t base;         /* CLK tick at which CE == start */
    uint64_t pend_base;
    uint64_t null_until;   /* tick at which the CR reaches the CE (null count clears) */
};

struct pit {
    struct pit_counter ch[3];
    uint8_t port61;        /* bits 0-3 as written (gate 2, speaker enable, parity/IOCHK enables) */
    struct irq_line irq0;
    struct vclock *clk;
    int ev;                /* clock event of counter 0 */
};

extern const struct io_ops pit_ops;       /* 4 ports: counters 0-2 and the control word */
extern const struct io_ops pit_port61_ops; /* 1 port */
extern const struct state_table pit_state;

/* Power-on state; registers the counter-0 event on clk.  Set irq0 first. */
void pit_init(struct pit *p, struct vclock *clk);
/* Re-arm the counter-0 event after a state load. */
void pit_resync(struct pit *p);
/* OUT of a counter at the current virtual time. */
int pit_out(struct pit *p, int ch);
/* Speaker: 1 when port 61h enables it and OUT2 is high now. */
int pit_speaker(struct pit *p);
/* Square-wave frequency the speaker plays (Hz), 0 when silent or not mode 3. */
uint32_t pit_speaker_hz(struct pit *p);

#endif
