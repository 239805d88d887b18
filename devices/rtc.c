/*
 * rtc.c - Motorola MC146818A real-time clock plus CMOS RAM, following the
 * MC146818A datasheet: seconds/minutes/hours/day-of-week/date/month/year in
 * BCD or binary (register B DM) and 12- or 24-hour format (24/12, PM in bit 7),
 * the alarm with "don't care" bytes (0xC0-0xFF), register A (UIP, the divider
 * DV2-0 with 010 = run and 11x = reset, the periodic rate RS3-0), register B
 * (SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE with the datasheet's April/October
 * rule), register C (IRQF, PF, AF, UF; cleared by reading) and register D
 * (VRT).  The IRQ output goes to IRQ8; the index port's bit 7 is the PC's NMI
 * mask, stored for the board.  The century lives in CMOS byte 0x32 and is
 * carried when the year wraps (as the PC chipsets' RTCs do); leap years follow
 * the Gregorian rule on century * 100 + year.
 *
 * Model of the update cycle: UIP is high during the 244 us before and the
 * 1984 us of each update cycle; the time registers and UF change at its end,
 * once per second, the first 500 ms after the divider leaves reset.
 *
 * Left out: time bases other than 32.768 kHz (any DV other than 010 stops the
 * clock), the square-wave output pin, invalid BCD values counting the chip's
 * odd way (they are decoded and normalised), and the hardware quirk of writes
 * during an update cycle.  The time is held in binary, so switching DM or
 * 24/12 converts the current time instead of reinterpreting the bytes.
 */
#include <string.h>

#include "devices/rtc.h"

#define NS 1000000000ull
#define NEVER UINT64_MAX
#define UIP_NS 2228000ull    /* 244 us setup + 1984 us update cycle */

#define REG_A 0x0A
#define REG_B 0x0B
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM 0x04
#define B_24H 0x02
#define B_DSE 0x01
#define C_IRQF 0x80
#define C_PF 0x40  /* register C flags sit at their enables' bit positions in B */
#define C_AF 0x20
#define C_UF 0x10

static uint64_t to_32k(uint64_t t)
{
    return (t / NS) * 32768 + (t % NS) * 32768 / NS;
}

static uint64_t from_32k(uint64_t k)
{
    return (k / 32768) * NS + ((k % 32768) * NS + 32767) / 32768;
}

static int running(const struct rtc *r)
{
    return ((r->cmos[REG_A] >> 4) & 7) == 2;
}

static int updating(const struct rtc *r)
{
    return running(r) && !(r->cmos[REG_B] & B_SET);
}

/* Periodic interrupt period in 32.768 kHz ticks, 0 = none. */
static uint32_t period(const struct rtc *r)
{
    unsigned rs = r->cmos[REG_A] & 15;
    if (!rs)
        return 0;
    return rs <= 2 ? 1u << (rs + 6) : 1u << (rs - 1);
}

/* The first update-cycle end strictly after t. */
static uint64_t grid_next(const struct rtc *r, uint64_t t)
{
    uint64_t g0 = r->div_origin + NS / 2;
    if (t < g0)
        return g0;
    return g0 + ((t - g0) / NS + 1) * NS;
}

/* ---- calendar ---- */

static int is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_len(unsigned mon, unsigned full_year)
{
    static const uint8_t len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (mon < 1 || mon > 12)
        return 31;
    return len[mon - 1] + (mon == 2 && is_leap(full_year));
}

static void next_day(struct rtc *r)
{
    r->dse_done = 0;
    r->wday = (uint8_t)(r->wday >= 7 ? 1 : r->wday + 1);
    if (++r->mday <= month_len(r->mon, r->century * 100u + r->year))
        return;
    r->mday = 1;
    if (++r->mon <= 12)
        return;
    r->mon = 1;
    if (++r->year < 100)
        return;
    r->year = 0;
    r->century = (uint8_t)((r->century + 1) % 100);
}

static void next_second(struct rtc *r)
{
    if (++r->sec < 60)
        return;
    r->sec = 0;
    if (++r->min < 60)
        return;
    r->min = 0;
    if ((r->cmos[REG_B] & B_DSE) && r->wday == 1 && r->hour == 1) {
        if (r->mon == 4 && r->mday >= 24) { /* last Sunday in April: 1:59:59 -> 3:00:00 */
            r->hour = 3;
            return;
        }
        if (r->mon == 10 && r->mday >= 25 && !r->dse_done) { /* last Sunday in October: -> 1:00:00 */
            r->dse_done = 1;
            return;
        }
    }
    if (++r->hour < 24)
        return;
    r->hour = 0;
    next_day(r);
}

void rtc_set_epoch(struct rtc *r, int64_t epoch)
{
    if (epoch < 0)
        epoch = 0;
    uint64_t days = (uint64_t)epoch / 86400, s = (uint64_t)epoch % 86400;
    r->hour = (uint8_t)(s / 3600);
    r->min = (uint8_t)(s / 60 % 60);
    r->sec = (uint8_t)(s % 60);
    r->wday = (uint8_t)((days + 4) % 7 + 1); /* 1970-01-01 was a Thursday */
    unsigned y = 1970, m = 1;
    while (days >= (uint64_t)(365 + is_leap(y))) {
        days -= 365 + is_leap(y);
        y++;
    }
    while (days >= month_len(m, y)) {
        days -= month_len(m, y);
        m++;
    }
    r->mday = (uint8_t)(days + 1);
    r->mon = (uint8_t)m;
    r->year = (uint8_t)(y % 100);
    r->century = (uint8_t)(y / 100 % 100);
    r->dse_done = 0;
}

/* ---- register formats ---- */

static uint8_t enc(const struct rtc *r, unsigned v)
{
    return (r->cmos[REG_B] & B_DM) ? (uint8_t)v : (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned dec(const struct rtc *r, uint8_t v)
{
    return (r->cmos[REG_B] & B_DM) ? v : (v >> 4) * 10u + (v & 15);
}

static uint8_t enc_hour(const struct rtc *r)
{
    if (r->cmos[REG_B] & B_24H)
        return enc(r, r->hour);
    unsigned h = r->hour % 12 ? r->hour % 12 : 12;
    return (uint8_t)(enc(r, h) | (r->hour >= 12 ? 0x80 : 0));
}

static void dec_hour(struct rtc *r, uint8_t v)
{
    if (r->cmos[REG_B] & B_24H) {
        r->hour = (uint8_t)(dec(r, v) % 24);
        return;
    }
    unsigned h = dec(r, v & 0x7F) % 12;
    r->hour = (uint8_t)(h + ((v & 0x80) ? 12 : 0));
}

static int alarm_match(const struct rtc *r)
{
    const uint8_t *c = r->cmos;
    return (c[1] >= 0xC0 || c[1] == enc(r, r->sec)) && (c[3] >= 0xC0 || c[3] == enc(r, r->min)) &&
           (c[5] >= 0xC0 || c[5] == enc_hour(r));
}

/* ---- virtual time ---- */

/* Apply n update cycles: n seconds, UF, and AF when the alarm matched. */
static void run_updates(struct rtc *r, uint64_t n)
{
    if (n > 2 * 86400) {
        /* the alarm repeats at most daily: only the last day can change AF */
        uint64_t bulk = n - 86400;
        for (uint64_t d = bulk / 86400; d; d--)
            next_day(r);
        for (uint64_t s = bulk % 86400; s; s--)
            next_second(r);
        n = 86400;
    }
    for (; n; n--) {
        next_second(r);
        if (alarm_match(r))
            r->flags |= C_AF;
    }
    r->flags |= C_UF;
}

/* Fold everything that happened up to virtual time `now` into the registers. */
static void sync(struct rtc *r, uint64_t now)
{
    uint32_t P = period(r);
    if (running(r) && P && now > r->pf_until && now >= r->div_origin) {
        uint64_t from = r->pf_until > r->div_origin ? r->pf_until - r->div_origin : 0;
        if (to_32k(now - r->div_origin) / P > to_32k(from) / P)
            r->flags |= C_PF;
    }
    if (now > r->pf_until)
        r->pf_until = now;
    if (updating(r) && now >= r->next_update) {
        uint64_t n = (now - r->next_update) / NS + 1;
        run_updates(r, n);
        r->next_update += n * NS;
    }
}

static void update_irq(struct rtc *r)
{
    uint8_t lvl = (r->flags & r->cmos[REG_B] & 0x70) != 0;
    if (lvl != r->irq_level) {
        r->irq_level = lvl;
        irq_set(&r->irq, lvl);
    }
}

/* Schedule the next time an enabled flag could rise. */
static void reschedule(struct rtc *r, uint64_t now)
{
    uint64_t when = NEVER;
    uint8_t b = r->cmos[REG_B];
    uint32_t P = period(r);
    if ((b & B_PIE) && !(r->flags & C_PF) && running(r) && P) {
        uint64_t o = r->div_origin, k = now >= o ? to_32k(now - o) / P + 1 : 1;
        when = o + from_32k(k * P);
    }
    if ((((b & B_UIE) && !(r->flags & C_UF)) || ((b & B_AIE) && !(r->flags & C_AF))) && updating(r) &&
        r->next_update < when)
        when = r->next_update;
    if (when == NEVER)
        clock_cancel(r->clk, r->ev);
    else
        clock_schedule(r->clk, r->ev, when);
}

static void settle(struct rtc *r, uint64_t now)
{
    update_irq(r);
    reschedule(r, now);
}

static void rtc_fire(void *opaque, uint64_t now)
{
    struct rtc *r = opaque;
    sync(r, now);
    settle(r, now);
}

/* ---- registers ---- */

static uint8_t reg_read(struct rtc *r, unsigned i, uint64_t now)
{
    switch (i) {
    case 0x00: return enc(r, r->sec);
    case 0x02: return enc(r, r->min);
    case 0x04: return enc_hour(r);
    case 0x06: return enc(r, r->wday);
    case 0x07: return enc(r, r->mday);
    case 0x08: return enc(r, r->mon);
    case 0x09: return enc(r, r->year);
    case RTC_CENTURY: return enc(r, r->century);
    case REG_A: {
        uint8_t uip = updating(r) && r->next_update - now <= UIP_NS;
        return (uint8_t)((r->cmos[REG_A] & 0x7F) | (uip ? 0x80 : 0));
    }
    case 0x0C: {
        uint8_t v = r->flags | (r->irq_level ? C_IRQF : 0);
        r->flags = 0;
        settle(r, now);
        return v;
    }
    case 0x0D: return 0x80; /* VRT: the battery is good */
    default: return r->cmos[i];
    }
}

static void reg_write(struct rtc *r, unsigned i, uint8_t v, uint64_t now)
{
    switch (i) {
    case 0x00: r->sec = (uint8_t)(dec(r, v) % 60); break;
    case 0x02: r->min = (uint8_t)(dec(r, v) % 60); break;
    case 0x04: dec_hour(r, v); break;
    case 0x06: r->wday = (uint8_t)dec(r, v); break;
    case 0x07: r->mday = (uint8_t)dec(r, v); break;
    case 0x08: r->mon = (uint8_t)dec(r, v); break;
    case 0x09: r->year = (uint8_t)(dec(r, v) % 100); break;
    case RTC_CENTURY: r->century = (uint8_t)(dec(r, v) % 100); break;
    case REG_A: {
        int was = running(r);
        r->cmos[REG_A] = v & 0x7F;
        if (running(r) && !was) { /* leaving reset: the first update is 500 ms away */
            r->div_origin = now;
            r->next_update = grid_next(r, now);
        }
        r->pf_until = now;
        break;
    }
    case REG_B: {
        int was_set = r->cmos[REG_B] & B_SET;
        if (v & B_SET)
            v &= (uint8_t)~B_UIE;
        r->cmos[REG_B] = v;
        if (was_set && !(v & B_SET))
            r->next_update = grid_next(r, now);
        break;
    }
    case 0x0C:
    case 0x0D:
        break; /* read-only */
    default:
        r->cmos[i] = v;
        break;
    }
    settle(r, now);
}

static uint32_t rtc_read(void *opaque, uint32_t off, int size)
{
    struct rtc *r = opaque;
    if (!off)
        return r->index | (r->nmi_masked ? 0x80 : 0);
    uint64_t now = r->clk->now;
    sync(r, now);
    return reg_read(r, r->index, now);
}

static void rtc_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct rtc *r = opaque;
    if (!off) {
        r->index = val & 0x7F;
        r->nmi_masked = (val >> 7) & 1;
        return;
    }
    uint64_t now = r->clk->now;
    sync(r, now);
    reg_write(r, r->index, (uint8_t)val, now);
}

const struct io_ops rtc_ops = { rtc_read, rtc_write, IO_SIZE8 };

void rtc_init(struct rtc *r, struct vclock *clk, int64_t epoch)
{
    struct irq_line irq = r->irq;
    memset(r, 0, sizeof(*r));
    r->irq = irq;
    r->clk = clk;
    r->ev = clock_add_event(clk, "rtc", rtc_fire, r);
    r->cmos[REG_A] = 0x26;
    r->cmos[REG_B] = B_24H;
    r->div_origin = clk->now;
    r->next_update = grid_next(r, clk->now);
    r->pf_until = clk->now;
    rtc_set_epoch(r, epoch);
}

int rtc_nmi_masked(const struct rtc *r)
{
    return r->nmi_masked;
}

void rtc_resync(struct rtc *r)
{
    reschedule(r, r->clk->now);
}

static const struct state_field rtc_fields[] = {
    STATE_ARRAY(struct rtc, cmos, ST_BYTES, 128),
    STATE_FIELD(struct rtc, index, ST_U8), STATE_FIELD(struct rtc, nmi_masked, ST_U8),
    STATE_FIELD(struct rtc, sec, ST_U8), STATE_FIELD(struct rtc, min, ST_U8),
    STATE_FIELD(struct rtc, hour, ST_U8), STATE_FIELD(struct rtc, wday, ST_U8),
    STATE_FIELD(struct rtc, mday, ST_U8), STATE_FIELD(struct rtc, mon, ST_U8),
    STATE_FIELD(struct rtc, year, ST_U8), STATE_FIELD(struct rtc, century, ST_U8),
    STATE_FIELD(struct rtc, dse_done, ST_U8), STATE_FIELD(struct rtc, flags, ST_U8),
    STATE_FIELD(struct rtc, irq_level, ST_U8), STATE_FIELD(struct rtc, div_origin, ST_U64),
    STATE_FIELD(struct rtc, next_update, ST_U64), STATE_FIELD(struct rtc, pf_until, ST_U64),
    STATE_END
};
const struct state_table rtc_state = { "rtc", 1, rtc_fields };
