/*
 * rtc.h - Motorola MC146818A real-time clock with its CMOS RAM (128 bytes as
 * on the PC/AT chipsets), at ports 0x70 (index, bit 7 = NMI mask) and 0x71.
 *
 * The clock counts virtual time from a start date given by the board; update
 * cycles, the periodic rate and the alarm are computed from virtual time when
 * the guest looks, and only an enabled interrupt schedules a clock event.
 */
#ifndef TARSIER_RTC_H
#define TARSIER_RTC_H

#include <stdint.h>

#include "machine/clock.h"
#include "machine/io.h"
#include "machine/state.h"

#define RTC_CENTURY 0x32     /* CMOS byte holding the century (IBM AT convention) */

struct rtc {
    uint8_t cmos[128];       /* registers A, B, alarms and the user bytes; time bytes unused */
    uint8_t index;           /* port 0x70 bits 6-0 */
    uint8_t nmi_masked;      /* port 0x70 bit 7 */
    uint8_t sec, min, hour;  /* the time, binary, 24-hour */
    uint8_t wday, mday, mon, year, century; /* wday 1 = Sunday */
    uint8_t dse_done;        /* October fall-back already applied today */
    uint8_t flags;           /* register C: PF 0x40, AF 0x20, UF 0x10 */
    uint8_t irq_level;
    uint64_t div_origin;     /* virtual ns at which the divider chain left reset */
    uint64_t next_update;    /* virtual ns of the next update cycle not yet applied */
    uint64_t pf_until;       /* periodic flag folded in up to this virtual ns */
    struct irq_line irq;     /* IRQ8 */
    struct vclock *clk;
    int ev;
};

extern const struct io_ops rtc_ops;   /* 2 ports: index, data */
extern const struct state_table rtc_state;

/* Power-on: register A = 0x26 (32.768 kHz, 1024 Hz rate), B = 0x02 (24 h, BCD),
 * the date from `epoch` (seconds since 1970-01-01 00:00:00 UTC, >= 0).  Set
 * `irq` first; registers the RTC's clock event. */
void rtc_init(struct rtc *r, struct vclock *clk, int64_t epoch);
/* Set the date and time (seconds since 1970-01-01 UTC). */
void rtc_set_epoch(struct rtc *r, int64_t epoch);
/* Port 0x70 bit 7: 1 when the guest masked NMI. */
int rtc_nmi_masked(const struct rtc *r);
/* Re-arm the clock event after a state load. */
void rtc_resync(struct rtc *r);

#endif
