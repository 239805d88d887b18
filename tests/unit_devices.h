/*
 * unit_devices.h - what the chipset device tests (unit_devices.c: PIC, PIT;
 * unit_devices_rtc_kbc.c: RTC, KBC, state tables) share: a board, the PIT's
 * tick <-> ns conversions, the standard PIC set-up and an IRQ-taking loop.
 */
#ifndef TARSIER_UNIT_DEVICES_H
#define TARSIER_UNIT_DEVICES_H

#include <check.h>
#include <stdint.h>

#include "machine/machine.h"
#include "tests/testlib.h"

/* A test board (16 MiB, no ROM) with the RTC started at rtc_base (NULL: 2000-01-01). */
struct machine *board(const char *rtc_base);
/* ns of PIT tick k, and the tick at ns t. */
uint64_t tick_ns(uint64_t k);
uint64_t ns_tick(uint64_t t);
/* Standard PC initialisation: vectors 08h/70h, cascade on IR2, ICW4 as given, masks. */
void pic_setup(struct machine *m, uint8_t icw4, uint8_t mask_m, uint8_t mask_s);
/* EOI for vector vec (slave and master for 70h and up). */
void eoi(struct machine *m, int vec);
/* Step the clock event by event up to t_end; acknowledge and EOI each INTR
 * with `vec`, calling on_irq (may be NULL).  Returns the number taken. */
int run_irqs(struct machine *m, uint64_t t_end, int vec, uint64_t *times, int max,
             void (*on_irq)(struct machine *));

/* An interrupt is seen at the first instruction boundary at or after its
 * event: within one instruction's worth of virtual time. */
#define ASSERT_AT(m, seen, due)                                                      \
    do {                                                                             \
        uint64_t s_ = (seen), d_ = (due);                                            \
        ck_assert_msg(s_ >= d_ && s_ - d_ < (m)->clock.ns_per_insn,                  \
                      "seen at %llu ns, due at %llu ns", (unsigned long long)s_,     \
                      (unsigned long long)d_);                                       \
    } while (0)


/* The RTC, KBC and state-table test cases (unit_devices_rtc_kbc.c). */
void unit_devices_rtc_kbc(Suite *s);

#endif
