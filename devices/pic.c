/*
 * pic.c - dual Intel 8259A programmable interrupt controller, following the
 * Intel 8259A datasheet (initialization command words ICW1-ICW4, operation
 * command words OCW1-OCW3, priority resolution, cascading), plus the
 * edge/level control registers of the Intel 82371 PIIX (ELCR1/ELCR2 at
 * 0x4D0/0x4D1; IRQ 0, 1, 2, 8 and 13 are always edge-triggered).
 *
 * Left out: 8080/8085 mode (ICW4 uPM=0 still delivers 8086 vectors; the
 * call-address bytes are never generated), special fully nested mode and
 * buffered mode (the bits are stored, not acted on), and the timing of the
 * INTA pulses.  Departure: ICW1 also clears the ISR, so a guest that reboots
 * in the middle of a handler is not left with a stuck level.
 */
#include <string.h>

#include "devices/pic.h"

#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW4_AEOI 0x02

/* rank 0 is the highest priority; `lowest` has rank 7 */
static int rank(const struct pic_chip *c, int n)
{
    return (n - c->lowest - 1) & 7;
}

/* Highest-priority bit set in `bits`, or -1. */
static int highest(const struct pic_chip *c, uint8_t bits)
{
    for (int i = 1; i <= 8; i++) {
        int n = (c->lowest + i) & 7;
        if (bits & (1u << n))
            return n;
    }
    return -1;
}

static uint8_t level_mode(const struct pic_chip *c)
{
    return (c->icw1 & ICW1_LTIM) ? 0xFF : c->elcr;
}

/* The IRR as the datasheet defines it: edge latches, or the levels. */
static uint8_t requests(const struct pic_chip *c)
{
    uint8_t lv = level_mode(c);
    return (uint8_t)((c->irr & ~lv) | (c->level & lv));
}

/* The IR the chip would present on INT now, or -1. */
static int pending(const struct pic_chip *c)
{
    if (c->init_step)
        return -1;
    int n = highest(c, (uint8_t)(requests(c) & ~c->imr));
    if (n < 0)
        return -1;
    /* special mask mode enables every unmasked level, whatever is in service */
    int s = c->smm ? -1 : highest(c, c->isr);
    if (s >= 0 && rank(c, s) <= rank(c, n))
        return -1;
    return n;
}

static void chip_input(struct pic_chip *c, int n, int level)
{
    uint8_t bit = (uint8_t)(1u << n);
    if (level) {
        if (!(c->level & bit))
            c->irr |= bit; /* rising edge */
        c->level |= bit;
    } else {
        c->level &= (uint8_t)~bit;
        c->irr &= (uint8_t)~bit; /* request withdrawn before INTA */
    }
}

static int is_cascade(const struct pic *p, int n)
{
    const struct pic_chip *m = &p->chip[0];
    return !(m->icw1 & ICW1_SNGL) && n == 2 && (m->icw3 & 4);
}

void pic_update(struct pic *p)
{
    chip_input(&p->chip[0], 2, pending(&p->chip[1]) >= 0);
    uint8_t lvl = pending(&p->chip[0]) >= 0;
    if (lvl != p->int_out) {
        p->int_out = lvl;
        irq_set(&p->out, lvl);
    }
}

/* Second INTA / poll read: IRR -> ISR (or automatic EOI). */
static void chip_ack(struct pic_chip *c, int n)
{
    uint8_t bit = (uint8_t)(1u << n);
    c->irr &= (uint8_t)~bit;
    if (c->icw4 & ICW4_AEOI) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)n;
    } else {
        c->isr |= bit;
    }
}

int pic_ack(struct pic *p)
{
    struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
    int vec;
    int n = pending(m);
    if (n < 0) {
        vec = m->vbase + 7; /* spurious IRQ7: no ISR bit */
    } else {
        chip_ack(m, n);
        if (is_cascade(p, n)) {
            int k = pending(s);
            if (k < 0) {
                vec = s->vbase + 7; /* spurious IRQ15: the master's ISR2 is set */
            } else {
                chip_ack(s, k);
                vec = s->vbase + k;
                p->acked[8 + k]++;
            }
        } else {
            vec = m->vbase + n;
            p->acked[n]++;
        }
    }
    pic_update(p);
    return vec;
}

void pic_set_irq(void *opaque, int n, int level)
{
    struct pic *p = opaque;
    if (n < 0 || n > 15)
        return;
    if (n == 2)
        n = 9; /* the ISA bus IRQ2 pin is the slave's IR1 */
    chip_input(&p->chip[n >> 3], n & 7, level);
    pic_update(p);
}

static void chip_reset(struct pic_chip *c)
{
    uint8_t elcr = c->elcr, level = c->level;
    memset(c, 0, sizeof(*c));
    c->elcr = elcr;
    c->level = level;
    c->lowest = 7;
}

void pic_init(struct pic *p)
{
    struct irq_line out = p->out;
    memset(p, 0, sizeof(*p));
    p->out = out;
    for (int i = 0; i < 2; i++) {
        chip_reset(&p->chip[i]);
        p->chip[i].imr = 0xFF; /* power-on: masked until the BIOS initialises the chip */
    }
}

static void ocw2(struct pic_chip *c, uint8_t val)
{
    int l = val & 7;
    switch (val >> 5) {
    case 1: /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int n = highest(c, c->isr);
        if (n >= 0) {
            c->isr &= (uint8_t)~(1u << n);
            if (val & 0x80)
                c->lowest = (uint8_t)n;
        }
        break;
    }
    case 3: /* specific EOI */
        c->isr &= (uint8_t)~(1u << l);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t)~(1u << l);
        c->lowest = (uint8_t)l;
        break;
    case 6: /* set priority */
        c->lowest = (uint8_t)l;
        break;
    case 4: c->rotate_aeoi = 1; break;
    case 0: c->rotate_aeoi = 0; break;
    default: break; /* 2: no operation */
    }
}

static void chip_write(struct pic *p, struct pic_chip *c, uint32_t a0, uint8_t val)
{
    if (!a0) {
        if (val & 0x10) { /* ICW1 */
            chip_reset(c);
            c->icw1 = val;
            c->init_step = 2;
        } else if (val & 0x08) { /* OCW3 */
            if (val & 0x40)
                c->smm = (val >> 5) & 1;
            if (val & 0x02)
                c->read_isr = val & 1;
            c->poll = (val >> 2) & 1;
        } else {
            ocw2(c, val);
        }
    } else {
        switch (c->init_step) {
        case 2:
            c->vbase = val & 0xF8;
            c->init_step = !(c->icw1 & ICW1_SNGL) ? 3 : (c->icw1 & ICW1_IC4) ? 4 : 0;
            break;
        case 3:
            c->icw3 = val;
            c->init_step = (c->icw1 & ICW1_IC4) ? 4 : 0;
            break;
        case 4:
            c->icw4 = val;
            c->init_step = 0;
            break;
        default:
            c->imr = val; /* OCW1 */
            break;
        }
    }
    pic_update(p);
}

static uint8_t chip_read(struct pic *p, struct pic_chip *c, uint32_t a0)
{
    if (c->poll) {
        /* poll word: bit 7 = request present, bits 2-0 = the highest level; acts as INTA */
        c->poll = 0;
        int n = pending(c);
        if (n < 0)
            return 0;
        chip_ack(c, n);
        pic_update(p);
        return (uint8_t)(0x80 | n);
    }
    if (a0)
        return c->imr;
    return c->read_isr ? c->isr : requests(c);
}

static uint32_t master_read(void *o, uint32_t off, int size)
{
    struct pic *p = o;
    return chip_read(p, &p->chip[0], off & 1);
}

static void master_write(void *o, uint32_t off, uint32_t val, int size)
{
    struct pic *p = o;
    chip_write(p, &p->chip[0], off & 1, (uint8_t)val);
}

static uint32_t slave_read(void *o, uint32_t off, int size)
{
    struct pic *p = o;
    return chip_read(p, &p->chip[1], off & 1);
}

static void slave_write(void *o, uint32_t off, uint32_t val, int size)
{
    struct pic *p = o;
    chip_write(p, &p->chip[1], off & 1, (uint8_t)val);
}

/* ELCR1 bits 0-2 and ELCR2 bits 0 and 5 are reserved (edge only) */
static const uint8_t elcr_mask[2] = { 0xF8, 0xDE };

static uint32_t elcr_read(void *o, uint32_t off, int size)
{
    struct pic *p = o;
    return p->chip[off & 1].elcr;
}

static void elcr_write(void *o, uint32_t off, uint32_t val, int size)
{
    struct pic *p = o;
    p->chip[off & 1].elcr = (uint8_t)(val & elcr_mask[off & 1]);
    pic_update(p);
}

const struct io_ops pic_master_ops = { master_read, master_write, IO_SIZE8 };
const struct io_ops pic_slave_ops = { slave_read, slave_write, IO_SIZE8 };
const struct io_ops pic_elcr_ops = { elcr_read, elcr_write, IO_SIZE8 };

#define PIC_CHIP_FIELDS(i)                                                      \
    STATE_FIELD(struct pic, chip[i].irr, ST_U8), STATE_FIELD(struct pic, chip[i].isr, ST_U8), \
    STATE_FIELD(struct pic, chip[i].imr, ST_U8), STATE_FIELD(struct pic, chip[i].level, ST_U8), \
    STATE_FIELD(struct pic, chip[i].elcr, ST_U8), STATE_FIELD(struct pic, chip[i].icw1, ST_U8), \
    STATE_FIELD(struct pic, chip[i].icw3, ST_U8), STATE_FIELD(struct pic, chip[i].icw4, ST_U8), \
    STATE_FIELD(struct pic, chip[i].vbase, ST_U8), STATE_FIELD(struct pic, chip[i].init_step, ST_U8), \
    STATE_FIELD(struct pic, chip[i].lowest, ST_U8), STATE_FIELD(struct pic, chip[i].read_isr, ST_U8), \
    STATE_FIELD(struct pic, chip[i].poll, ST_U8), STATE_FIELD(struct pic, chip[i].smm, ST_U8), \
    STATE_FIELD(struct pic, chip[i].rotate_aeoi, ST_U8)

static const struct state_field pic_fields[] = {
    PIC_CHIP_FIELDS(0),
    PIC_CHIP_FIELDS(1),
    STATE_FIELD(struct pic, int_out, ST_U8),
    STATE_END
};
const struct state_table pic_state = { "pic", 1, pic_fields };
