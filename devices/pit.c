/*
 * pit.c - Intel 8254 programmable interval timer, following the Intel 8254
 * datasheet: the six counter modes, binary and BCD counting, LSB/MSB/LSB-MSB
 * access with the read and write flip-flops, the counter latch command, the
 * read-back command (count and status, null count), and the gate inputs
 * (counter 2's gate is bit 0 of port 61h; counters 0 and 1 are gated on).
 * Port 61h (system control port B of the PC/AT and PIIX) also shows OUT2
 * (bit 5) and the refresh request toggle (bit 4, every 15.085 us of virtual
 * time); bits 0-3 read back as written, bits 6-7 (parity/IOCHK) read 0.
 *
 * Left out: the undefined behaviour of illegal counts (1 in modes 2 and 3)
 * beyond "no OUT edges"; the exact CE value on the load clock of an odd count
 * in mode 3; counter 1 driving anything (the refresh toggle is a fixed rate);
 * CLK inputs other than the PC's 1.193182 MHz.
 */
#include <string.h>

#include "devices/pit.h"

#define NS 1000000000ull
#define NEVER UINT64_MAX

/* CLK ticks that have happened at or before virtual time t (ns). */
static uint64_t ns_to_tick(uint64_t t)
{
    return (t / NS) * PIT_HZ + ((t % NS) * PIT_HZ) / NS;
}

/* The first virtual ns at which tick k has happened. */
static uint64_t tick_to_ns(uint64_t k)
{
    return (k / PIT_HZ) * NS + ((k % PIT_HZ) * NS + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t now_tick(const struct pit *p)
{
    return ns_to_tick(p->clk->now);
}

static uint32_t modulus(const struct pit_counter *c)
{
    return (c->ctrl & 1) ? 10000u : 65536u;
}

/* The count register as a binary count, 0 meaning the maximum. */
static uint32_t cr_value(const struct pit_counter *c)
{
    uint32_t v = c->cr;
    if (c->ctrl & 1)
        v = ((v >> 12) & 15) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
    return v ? v : modulus(c);
}

/* Mode 3 half-cycle lengths: high (P+1)/2, low P/2 (odd counts favour high). */
static uint32_t high_half(uint32_t p)
{
    return (p + 1) / 2;
}

/* Position in the mode 3 period at tick d after base. */
static uint32_t sq_phase(const struct pit_counter *c, uint64_t d)
{
    uint32_t P = c->start;
    return (uint32_t)((d + (c->out0 ? 0 : high_half(P))) % P);
}

/* Commit a pending reload (modes 2/3) once its boundary has passed. */
static void sync(struct pit_counter *c, uint64_t T)
{
    if (c->pend && T >= c->pend_base) {
        c->base = c->pend_base;
        c->start = c->pend_start;
        c->out0 = c->pend_out0;
        c->pend = 0;
    }
}

static uint64_t elapsed(const struct pit_counter *c, uint64_t T)
{
    return (c->counting && T > c->base) ? T - c->base : 0;
}

/* The counting element at tick T (binary, 0..modulus-1). */
static uint32_t ce_at(const struct pit_counter *c, uint64_t T)
{
    uint32_t M = modulus(c);
    uint64_t d = elapsed(c, T);
    uint32_t P = c->start;
    switch (c->mode) {
    case 2:
        return P ? (uint32_t)((P - d % P) % M) : 0;
    case 3: {
        if (P < 2)
            return P % M;
        uint32_t H = high_half(P), p = sq_phase(c, d);
        int high = p < H;
        uint32_t j = high ? p : p - H;
        uint32_t v;
        if (!(P & 1))
            v = P - 2 * j;
        else if (high)
            v = j ? P + 1 - 2 * j : P;
        else
            v = j ? P - 1 - 2 * j : P;
        return v % M;
    }
    default:
        return (uint32_t)((c->start + M - d % M) % M);
    }
}

static int out_at(const struct pit_counter *c, uint64_t T)
{
    uint64_t d = elapsed(c, T);
    switch (c->mode) {
    case 0:
    case 1:
        return !c->armed || (c->counting && d >= c->start);
    case 4:
    case 5:
        return !(c->armed && c->counting && d == c->start);
    case 2:
        return !c->counting || !c->start || d % c->start != c->start - 1;
    default:
        if (!c->counting || c->start < 2)
            return 1;
        return sq_phase(c, d) < high_half(c->start);
    }
}

/* The next tick after T at which OUT may change, or NEVER. */
static uint64_t next_edge(const struct pit_counter *c, uint64_t T)
{
    uint64_t e = (c->pend && c->pend_base > T) ? c->pend_base : NEVER;
    if (!c->counting)
        return e;
    uint64_t te = T > c->base ? T : c->base, d = te - c->base, cand = NEVER;
    uint32_t P = c->start;
    switch (c->mode) {
    case 0:
    case 1:
        if (c->armed && c->base + P > T)
            cand = c->base + P;
        break;
    case 4:
    case 5:
        if (c->armed)
            cand = c->base + P > T ? c->base + P : c->base + P + 1 > T ? c->base + P + 1 : NEVER;
        break;
    case 2:
        if (P >= 2) {
            uint32_t ph = (uint32_t)(d % P);
            cand = ph < P - 1 ? te + (P - 1 - ph) : te + 1;
        }
        break;
    default:
        if (P >= 2) {
            uint32_t H = high_half(P), ph = sq_phase(c, d);
            cand = ph < H ? te + (H - ph) : te + (P - ph);
        }
        break;
    }
    return cand < e ? cand : e;
}

/* Counter 0: drive IRQ0 and schedule its next edge. */
static void ch0_update(struct pit *p, uint64_t T)
{
    struct pit_counter *c = &p->ch[0];
    sync(c, T);
    irq_set(&p->irq0, out_at(c, T));
    uint64_t e = next_edge(c, T);
    if (e == NEVER)
        clock_cancel(p->clk, p->ev);
    else
        clock_schedule(p->clk, p->ev, tick_to_ns(e));
}

static void ch0_fire(void *opaque, uint64_t now)
{
    struct pit *p = opaque;
    ch0_update(p, ns_to_tick(now));
}

/* Stop counting at tick T, keeping CE (gate low, or a mode 0 LSB write). */
static void freeze(struct pit_counter *c, uint64_t T)
{
    if (!c->counting)
        return;
    if (T > c->base) {
        uint64_t d = T - c->base;
        if ((c->mode == 0 || c->mode == 1) && d >= c->start)
            c->armed = 0;
        if ((c->mode == 4 || c->mode == 5) && d > c->start)
            c->armed = 0;
        c->start = ce_at(c, T);
        c->base = T;
    }
    c->counting = 0;
    c->pend = 0;
}

/* A complete count was written at tick T (CR -> CE on the next CLK). */
static void load_count(struct pit_counter *c, uint64_t T)
{
    uint32_t N = cr_value(c);
    c->have_count = 1;
    c->null_count = 1;
    switch (c->mode) {
    case 0:
    case 4:
        c->base = T + 1;
        c->start = N;
        c->armed = 1;
        c->counting = c->gate;
        c->null_until = T + 1;
        break;
    case 2:
    case 3:
        if (c->counting && T >= c->base) {
            /* load at the end of the current period (2) or half cycle (3) */
            uint64_t d = T - c->base;
            uint32_t P = c->start;
            if (c->mode == 2) {
                c->pend_base = c->base + (d / P + 1) * P;
                c->pend_out0 = 1;
            } else {
                uint32_t H = high_half(P), ph = sq_phase(c, d);
                c->pend_base = ph < H ? T + (H - ph) : T + (P - ph);
                c->pend_out0 = ph >= H;
            }
            c->pend = 1;
            c->pend_start = N;
            c->null_until = c->pend_base;
        } else {
            c->base = T + 1;
            c->start = N;
            c->out0 = 1;
            c->counting = c->gate;
            c->null_until = T + 1;
        }
        break;
    default: /* 1, 5: the count waits for a gate trigger */
        c->null_until = NEVER;
        break;
    }
}

static void set_gate(struct pit_counter *c, int level, uint64_t T)
{
    level = !!level;
    if (level == c->gate)
        return;
    sync(c, T);
    c->gate = (uint8_t)level;
    if (!c->have_count)
        return;
    switch (c->mode) {
    case 0:
    case 4:
        if (!level) {
            freeze(c, T);
        } else {
            c->counting = 1;
            if (c->base < T)
                c->base = T;
        }
        break;
    default:
        if (!level) {
            if (c->mode == 2 || c->mode == 3)
                freeze(c, T); /* modes 1 and 5 ignore a falling gate */
            break;
        }
        /* a rising gate reloads the count (2, 3) or triggers the one-shot (1, 5) */
        c->base = T + 1;
        c->start = cr_value(c);
        c->out0 = 1;
        c->armed = 1;
        c->counting = 1;
        c->pend = 0;
        if (c->null_until > T + 1)
            c->null_until = T + 1;
        break;
    }
}

static uint16_t count_value(const struct pit_counter *c, uint64_t T)
{
    uint32_t v = ce_at(c, T);
    if (c->ctrl & 1)
        return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
    return (uint16_t)v;
}

static void latch_count(struct pit_counter *c, uint64_t T)
{
    if (!c->latched) {
        c->ol = count_value(c, T);
        c->latched = 1;
        c->rff = 0;
    }
}

static void latch_status(struct pit_counter *c, uint64_t T)
{
    if (!c->status_latched) {
        int null = c->null_count && T < c->null_until;
        c->status = (uint8_t)((out_at(c, T) << 7) | (null << 6) | c->ctrl);
        c->status_latched = 1;
    }
}

static void control_word(struct pit *p, uint8_t val, uint64_t T)
{
    int sel = val >> 6;
    if (sel == 3) { /* read-back: bit 5 = !COUNT, bit 4 = !STATUS, bits 3-1 = counters 2-0 */
        for (int i = 0; i < 3; i++) {
            if (!(val & (2u << i)))
                continue;
            sync(&p->ch[i], T);
            if (!(val & 0x10))
                latch_status(&p->ch[i], T);
            if (!(val & 0x20))
                latch_count(&p->ch[i], T);
        }
        return;
    }
    struct pit_counter *c = &p->ch[sel];
    sync(c, T);
    if (!(val & 0x30)) {
        latch_count(c, T);
        return;
    }
    uint8_t gate = c->gate;
    memset(c, 0, sizeof(*c));
    c->gate = gate;
    c->ctrl = val & 0x3F;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;
    c->armed = c->mode == 0; /* mode 0: OUT low from the control word on; others high */
    c->out0 = 1;
    c->null_count = 1;
    c->null_until = NEVER;
    if (sel == 0)
        ch0_update(p, T);
}

static void count_write(struct pit *p, int i, uint8_t val, uint64_t T)
{
    struct pit_counter *c = &p->ch[i];
    sync(c, T);
    switch ((c->ctrl >> 4) & 3) {
    case 1:
        c->cr = val;
        load_count(c, T);
        break;
    case 2:
        c->cr = (uint16_t)(val << 8);
        load_count(c, T);
        break;
    case 3:
        if (!c->wff) {
            c->cr_lsb = val;
            c->wff = 1;
            if (c->mode == 0) { /* the first byte stops counting and sets OUT low */
                freeze(c, T);
                c->armed = 1;
            }
        } else {
            c->cr = (uint16_t)(c->cr_lsb | val << 8);
            c->wff = 0;
            load_count(c, T);
        }
        break;
    default:
        break;
    }
    if (i == 0)
        ch0_update(p, T);
}

static uint8_t count_read(struct pit *p, int i, uint64_t T)
{
    struct pit_counter *c = &p->ch[i];
    sync(c, T);
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    uint16_t v = c->latched ? c->ol : count_value(c, T);
    uint8_t r;
    switch ((c->ctrl >> 4) & 3) {
    case 1: r = (uint8_t)v; c->latched = 0; break;
    case 2: r = (uint8_t)(v >> 8); c->latched = 0; break;
    default:
        r = c->rff ? (uint8_t)(v >> 8) : (uint8_t)v;
        if (c->rff)
            c->latched = 0;
        c->rff ^= 1;
        break;
    }
    return r;
}

static uint32_t pit_read(void *opaque, uint32_t off, int size)
{
    struct pit *p = opaque;
    if (off >= 3)
        return 0xFF; /* the control word register is write-only */
    return count_read(p, (int)off, now_tick(p));
}

static void pit_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct pit *p = opaque;
    uint64_t T = now_tick(p);
    if (off >= 3)
        control_word(p, (uint8_t)val, T);
    else
        count_write(p, (int)off, (uint8_t)val, T);
}

int pit_out(struct pit *p, int ch)
{
    uint64_t T = now_tick(p);
    sync(&p->ch[ch], T);
    return out_at(&p->ch[ch], T);
}

int pit_speaker(struct pit *p)
{
    return (p->port61 & 2) && pit_out(p, 2);
}

uint32_t pit_speaker_hz(struct pit *p)
{
    struct pit_counter *c = &p->ch[2];
    sync(c, now_tick(p));
    if ((p->port61 & 3) != 3 || c->mode != 3 || !c->counting || c->start < 2)
        return 0;
    return PIT_HZ / c->start;
}

#define REFRESH_NS 15085u

static uint32_t p61_read(void *opaque, uint32_t off, int size)
{
    struct pit *p = opaque;
    uint32_t v = p->port61 & 0x0F;
    if ((p->clk->now / REFRESH_NS) & 1)
        v |= 0x10;
    if (pit_out(p, 2))
        v |= 0x20;
    return v;
}

static void p61_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct pit *p = opaque;
    p->port61 = (uint8_t)(val & 0x0F);
    set_gate(&p->ch[2], val & 1, now_tick(p));
}

const struct io_ops pit_ops = { pit_read, pit_write, IO_SIZE8 };
const struct io_ops pit_port61_ops = { p61_read, p61_write, IO_SIZE8 };

void pit_init(struct pit *p, struct vclock *clk)
{
    struct irq_line irq0 = p->irq0;
    memset(p, 0, sizeof(*p));
    p->irq0 = irq0;
    p->clk = clk;
    p->ev = clock_add_event(clk, "pit", ch0_fire, p);
    for (int i = 0; i < 3; i++) {
        struct pit_counter *c = &p->ch[i];
        /* power-on: no count, OUT high (mode 3 control word, as BIOSes leave it) */
        c->ctrl = 0x36;
        c->mode = 3;
        c->out0 = 1;
        c->gate = i < 2;
        c->null_until = NEVER;
    }
    irq_set(&p->irq0, 1);
}

void pit_resync(struct pit *p)
{
    ch0_update(p, now_tick(p));
}

#define PIT_CH_FIELDS(i)                                                                          \
    STATE_FIELD(struct pit, ch[i].ctrl, ST_U8), STATE_FIELD(struct pit, ch[i].mode, ST_U8),       \
    STATE_FIELD(struct pit, ch[i].wff, ST_U8), STATE_FIELD(struct pit, ch[i].rff, ST_U8),         \
    STATE_FIELD(struct pit, ch[i].cr_lsb, ST_U8), STATE_FIELD(struct pit, ch[i].latched, ST_U8),  \
    STATE_FIELD(struct pit, ch[i].status_latched, ST_U8), STATE_FIELD(struct pit, ch[i].status, ST_U8), \
    STATE_FIELD(struct pit, ch[i].gate, ST_U8), STATE_FIELD(struct pit, ch[i].have_count, ST_U8), \
    STATE_FIELD(struct pit, ch[i].counting, ST_U8), STATE_FIELD(struct pit, ch[i].armed, ST_U8),  \
    STATE_FIELD(struct pit, ch[i].out0, ST_U8), STATE_FIELD(struct pit, ch[i].pend, ST_U8),       \
    STATE_FIELD(struct pit, ch[i].pend_out0, ST_U8), STATE_FIELD(struct pit, ch[i].null_count, ST_U8), \
    STATE_FIELD(struct pit, ch[i].cr, ST_U16), STATE_FIELD(struct pit, ch[i].ol, ST_U16),         \
    STATE_FIELD(struct pit, ch[i].start, ST_U32), STATE_FIELD(struct pit, ch[i].pend_start, ST_U32), \
    STATE_FIELD(struct pit, ch[i].base, ST_U64), STATE_FIELD(struct pit, ch[i].pend_base, ST_U64), \
    STATE_FIELD(struct pit, ch[i].null_until, ST_U64)

static const struct state_field pit_fields[] = {
    PIT_CH_FIELDS(0),
    PIT_CH_FIELDS(1),
    PIT_CH_FIELDS(2),
    STATE_FIELD(struct pit, port61, ST_U8),
    STATE_END
};
const struct state_table pit_state = { "pit", 1, pit_fields };
