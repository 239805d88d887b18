/*
 * unit_devices.c - Check unit tests of the PC chipset devices, driven like a
 * guest would drive them: port I/O on a real board (machine_create) and the
 * virtual clock, with the CPU's INTR pin and INTA (pic_ack) observed directly.
 * PIC (8259A pair), PIT (8254 + port 61h), RTC (MC146818A) and KBC (8042).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/testlib.h"

static struct machine *board(const char *rtc_base)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.rtc_base = rtc_base;
    return testlib_create(&cfg);
}

/* An interrupt is seen at the first instruction boundary at or after its
 * event: within one instruction's worth of virtual time. */
#define ASSERT_AT(m, seen, due)                                                      \
    do {                                                                             \
        uint64_t s_ = (seen), d_ = (due);                                            \
        ck_assert_msg(s_ >= d_ && s_ - d_ < (m)->clock.ns_per_insn,                  \
                      "seen at %llu ns, due at %llu ns", (unsigned long long)s_,     \
                      (unsigned long long)d_);                                       \
    } while (0)

static uint64_t tick_ns(uint64_t k)
{
    return (k / PIT_HZ) * 1000000000ull + ((k % PIT_HZ) * 1000000000ull + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t ns_tick(uint64_t t)
{
    return (t / 1000000000ull) * PIT_HZ + (t % 1000000000ull) * PIT_HZ / 1000000000ull;
}

/* Standard PC initialisation: vectors 08h/70h, cascade on IR2, 8086 mode. */
static void pic_setup(struct machine *m, uint8_t icw4, uint8_t mask_m, uint8_t mask_s)
{
    outb(m, 0x20, 0x11);
    outb(m, 0x21, 0x08);
    outb(m, 0x21, 0x04);
    outb(m, 0x21, icw4);
    outb(m, 0xA0, 0x11);
    outb(m, 0xA1, 0x70);
    outb(m, 0xA1, 0x02);
    outb(m, 0xA1, icw4);
    outb(m, 0x21, mask_m);
    outb(m, 0xA1, mask_s);
}

static void eoi(struct machine *m, int vec)
{
    if (vec >= 0x70)
        outb(m, 0xA0, 0x20);
    outb(m, 0x20, 0x20);
}

/* Step the clock event by event up to t_end; acknowledge and EOI each INTR
 * with `vec`, calling on_irq (may be NULL).  Returns the number taken. */
static int run_irqs(struct machine *m, uint64_t t_end, int vec, uint64_t *times, int max,
                    void (*on_irq)(struct machine *))
{
    int n = 0;
    for (;;) {
        uint64_t next = clock_next_deadline(&m->clock);
        if (next > t_end)
            break;
        testlib_advance_to(m, next);
        while (m->cpu.intr_line) {
            int v = pic_ack(&m->pic);
            ck_assert_int_eq(v, vec);
            if (times && n < max)
                times[n] = testlib_now(m);
            n++;
            if (on_irq)
                on_irq(m);
            eoi(m, v);
        }
    }
    testlib_advance_to(m, t_end);
    return n;
}

/* ---------------------------------------------------------------- PIC */

START_TEST(test_pic_init_mask_eoi)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFF, 0xFF);
    struct irq_line l3 = machine_irq(m, 3), l5 = machine_irq(m, 5);
    irq_set(&l3, 1);
    ck_assert_int_eq(m->cpu.intr_line, 0); /* masked */
    ck_assert_uint_eq(inb(m, 0x20) & 8, 8); /* but in the IRR */
    outb(m, 0x21, 0xF7);
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0B);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    outb(m, 0x20, 0x0B); /* OCW3: read ISR */
    ck_assert_uint_eq(inb(m, 0x20), 0x08);
    outb(m, 0x20, 0x0A); /* read IRR: the edge latch was taken */
    ck_assert_uint_eq(inb(m, 0x20), 0x00);
    ck_assert_uint_eq(inb(m, 0x21), 0xF7);
    /* priority: 5 waits while 3 is in service, nested 1 preempts */
    outb(m, 0x21, 0x00);
    irq_set(&l5, 1);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    struct irq_line l1 = machine_irq(m, 1);
    irq_set(&l1, 1);
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x09);
    outb(m, 0x20, 0x20); /* non-specific EOI: clears IR1, the highest */
    outb(m, 0x20, 0x0B);
    ck_assert_uint_eq(inb(m, 0x20), 0x08);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    outb(m, 0x20, 0x63); /* specific EOI for IR3 */
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0D);
    outb(m, 0x20, 0x20);
    /* nothing pending: spurious IRQ7, ISR untouched */
    ck_assert_int_eq(pic_ack(&m->pic), 0x0F);
    ck_assert_uint_eq(inb(m, 0x20), 0x00);
    /* an edge request withdrawn before INTA disappears */
    irq_set(&l3, 0);
    irq_set(&l3, 1);
    ck_assert_int_eq(m->cpu.intr_line, 1);
    irq_set(&l3, 0);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pic_cascade_poll_rotate)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0x00, 0x00);
    struct irq_line l10 = machine_irq(m, 10);
    irq_set(&l10, 1);
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x72);
    outb(m, 0x20, 0x0B);
    outb(m, 0xA0, 0x0B);
    ck_assert_uint_eq(inb(m, 0x20), 0x04);
    ck_assert_uint_eq(inb(m, 0xA0), 0x04);
    eoi(m, 0x72);
    ck_assert_uint_eq(inb(m, 0x20), 0x00);
    ck_assert_uint_eq(inb(m, 0xA0), 0x00);
    irq_set(&l10, 0);
    /* poll mode */
    struct irq_line l3 = machine_irq(m, 3), l6 = machine_irq(m, 6);
    irq_set(&l6, 1);
    irq_set(&l3, 1);
    outb(m, 0x20, 0x0C);
    ck_assert_uint_eq(inb(m, 0x20), 0x83);
    outb(m, 0x20, 0x0B);
    ck_assert_uint_eq(inb(m, 0x20), 0x08); /* the poll acknowledged IR3 */
    outb(m, 0x20, 0x20);
    outb(m, 0x20, 0x0C);
    ck_assert_uint_eq(inb(m, 0x20), 0x86);
    outb(m, 0x20, 0x20);
    outb(m, 0x20, 0x0C);
    ck_assert_uint_eq(inb(m, 0x20), 0x00);
    /* set priority: IR4 lowest makes IR5 highest, so 6 beats 3 */
    irq_set(&l3, 0);
    irq_set(&l6, 0);
    outb(m, 0x20, 0xC4);
    irq_set(&l3, 1);
    irq_set(&l6, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0E);
    outb(m, 0x20, 0xA0); /* rotate on non-specific EOI: IR6 becomes lowest */
    ck_assert_int_eq(pic_ack(&m->pic), 0x0B);
    outb(m, 0x20, 0x20);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pic_aeoi_level_smm)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x03, 0x00, 0x00); /* auto-EOI */
    struct irq_line l4 = machine_irq(m, 4), l5 = machine_irq(m, 5), l3 = machine_irq(m, 3);
    irq_set(&l4, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0C);
    outb(m, 0x20, 0x0B);
    ck_assert_uint_eq(inb(m, 0x20), 0x00);
    irq_set(&l4, 0);
    /* level-triggered IRQ5 through the ELCR: re-requests until the line drops */
    pic_setup(m, 0x01, 0x00, 0x00);
    outb(m, 0x4D0, 0xFF);
    ck_assert_uint_eq(inb(m, 0x4D0), 0xF8); /* IRQ 0-2 are edge only */
    outb(m, 0x4D1, 0xFF);
    ck_assert_uint_eq(inb(m, 0x4D1), 0xDE);
    outb(m, 0x4D0, 0x20);
    irq_set(&l5, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0D);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    outb(m, 0x20, 0x20);
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0D);
    irq_set(&l5, 0);
    outb(m, 0x20, 0x20);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    outb(m, 0x4D0, 0x00);
    /* special mask mode: with IR3 in service and masked, IR5 gets through */
    irq_set(&l3, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0B);
    irq_set(&l5, 1);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    outb(m, 0x21, 0x08);
    outb(m, 0x20, 0x68); /* OCW3: set special mask */
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x0D);
    outb(m, 0x20, 0x48); /* reset special mask */
    machine_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------- PIT */

START_TEST(test_pit_mode2_period)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFE, 0xFF);
    testlib_advance_to(m, 1000);
    uint64_t w = ns_tick(testlib_now(m));
    outb(m, 0x43, 0x34); /* counter 0, LSB/MSB, mode 2, binary */
    outb(m, 0x40, 1000 & 0xFF);
    outb(m, 0x40, 1000 >> 8);
    uint64_t t[64];
    int n = run_irqs(m, tick_ns(w + 1 + 1000 * 50) + 10, 0x08, t, 64, NULL);
    ck_assert_int_eq(n, 50);
    for (int i = 0; i < 50; i++)
        ASSERT_AT(m, t[i], tick_ns(w + 1 + 1000 * (uint64_t)(i + 1)));
    /* a new count takes effect at the end of the current period */
    uint64_t T = ns_tick(testlib_now(m));
    outb(m, 0x40, 500 & 0xFF);
    outb(m, 0x40, 500 >> 8);
    uint64_t base = w + 1, end = base + ((T - base) / 1000 + 1) * 1000;
    n = run_irqs(m, tick_ns(end + 500 * 4) + 10, 0x08, t, 64, NULL);
    ck_assert_int_eq(n, 5);
    ASSERT_AT(m, t[0], tick_ns(end));
    ASSERT_AT(m, t[4], tick_ns(end + 2000));
    machine_destroy(m);
}
END_TEST

START_TEST(test_pit_mode3_speaker)
{
    struct machine *m = board(NULL);
    outb(m, 0x61, 0x03); /* gate 2 on, speaker on */
    outb(m, 0x43, 0xB6); /* counter 2, LSB/MSB, mode 3 */
    uint64_t w = ns_tick(testlib_now(m));
    outb(m, 0x42, 100);
    outb(m, 0x42, 0);
    uint64_t base = w + 1;
    /* even count: 50 ticks high, 50 low */
    int high = 0;
    for (uint64_t k = 0; k < 1000; k++) {
        testlib_advance_to(m, tick_ns(base + k));
        int out2 = (inb(m, 0x61) >> 5) & 1;
        ck_assert_int_eq(out2, (k % 100) < 50);
        high += out2;
    }
    ck_assert_int_eq(high, 500);
    ck_assert_int_eq(pit_speaker_hz(&m->pit), PIT_HZ / 100);
    /* odd count 5: 3 high, 2 low */
    outb(m, 0x43, 0xB6);
    w = ns_tick(testlib_now(m));
    outb(m, 0x42, 5);
    outb(m, 0x42, 0);
    base = w + 1;
    for (uint64_t k = 0; k < 50; k++) {
        testlib_advance_to(m, tick_ns(base + k));
        ck_assert_int_eq((inb(m, 0x61) >> 5) & 1, (k % 5) < 3);
    }
    /* gate low forces OUT high and stops; gate high restarts the period */
    outb(m, 0x61, 0x02);
    ck_assert_int_eq((inb(m, 0x61) >> 5) & 1, 1);
    ck_assert_int_eq(pit_speaker_hz(&m->pit), 0);
    /* the refresh toggle flips with virtual time */
    uint8_t a = inb(m, 0x61) & 0x10;
    testlib_advance_to(m, testlib_now(m) + 15085);
    ck_assert_uint_ne(inb(m, 0x61) & 0x10, a);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pit_latch_readback)
{
    struct machine *m = board(NULL);
    outb(m, 0x43, 0x34);
    uint64_t w = ns_tick(testlib_now(m));
    outb(m, 0x40, 0x00);
    outb(m, 0x40, 0x10); /* 4096 */
    /* status right after the write: null count set, OUT high, control 0x34 */
    outb(m, 0x43, 0xE2); /* read-back: status only, counter 0 */
    ck_assert_uint_eq(inb(m, 0x40), 0x80 | 0x40 | 0x34);
    uint64_t base = w + 1;
    testlib_advance_to(m, tick_ns(base + 100));
    outb(m, 0x43, 0x00); /* counter latch */
    testlib_advance_to(m, tick_ns(base + 300));
    uint16_t v = inb(m, 0x40);
    v |= (uint16_t)(inb(m, 0x40) << 8);
    ck_assert_uint_eq(v, 4096 - 100);
    /* live read after the latch is consumed */
    v = inb(m, 0x40);
    v |= (uint16_t)(inb(m, 0x40) << 8);
    ck_assert_uint_eq(v, 4096 - 300);
    /* read-back of count and status: status first, null count clear now */
    outb(m, 0x43, 0xC2);
    ck_assert_uint_eq(inb(m, 0x40), 0x80 | 0x34);
    v = inb(m, 0x40);
    v |= (uint16_t)(inb(m, 0x40) << 8);
    ck_assert_uint_eq(v, 4096 - 300);
    /* LSB-only access and BCD: 0x99 BCD counts down in decimal */
    outb(m, 0x43, 0x55); /* counter 1, LSB only, mode 2, BCD */
    w = ns_tick(testlib_now(m));
    outb(m, 0x41, 0x99);
    testlib_advance_to(m, tick_ns(w + 1 + 10));
    ck_assert_uint_eq(inb(m, 0x41), 0x89);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pit_mode0_oneshot)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFE, 0xFF);
    testlib_advance_to(m, 5000);
    outb(m, 0x43, 0x30); /* counter 0, LSB/MSB, mode 0 */
    ck_assert_int_eq(pit_out(&m->pit, 0), 0);
    uint64_t w = ns_tick(testlib_now(m));
    outb(m, 0x40, 500 & 0xFF);
    outb(m, 0x40, 500 >> 8);
    uint64_t t[4];
    int n = run_irqs(m, 20000000, 0x08, t, 4, NULL); /* 20 ms */
    ck_assert_int_eq(n, 1);
    ASSERT_AT(m, t[0], tick_ns(w + 1 + 500));
    ck_assert_int_eq(pit_out(&m->pit, 0), 1);
    ck_assert_uint_eq(clock_next_deadline(&m->clock), CLOCK_NEVER);
    machine_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------- RTC */

static uint8_t cmos(struct machine *m, uint8_t i)
{
    outb(m, 0x70, i);
    return inb(m, 0x71);
}

static void cmos_w(struct machine *m, uint8_t i, uint8_t v)
{
    outb(m, 0x70, i);
    outb(m, 0x71, v);
}

START_TEST(test_rtc_formats)
{
    struct machine *m = board(NULL); /* 2000-01-01 00:00:00, a Saturday */
    ck_assert_uint_eq(cmos(m, 0x0A), 0x26);
    ck_assert_uint_eq(cmos(m, 0x0B), 0x02);
    ck_assert_uint_eq(cmos(m, 0x0D), 0x80);
    ck_assert_uint_eq(cmos(m, 0x00), 0x00);
    ck_assert_uint_eq(cmos(m, 0x06), 0x07);
    ck_assert_uint_eq(cmos(m, 0x07), 0x01);
    ck_assert_uint_eq(cmos(m, 0x08), 0x01);
    ck_assert_uint_eq(cmos(m, 0x09), 0x00);
    ck_assert_uint_eq(cmos(m, 0x32), 0x20);
    cmos_w(m, 0x0B, 0x82); /* SET, BCD, 24 h */
    cmos_w(m, 0x04, 0x23);
    cmos_w(m, 0x02, 0x59);
    ck_assert_uint_eq(cmos(m, 0x04), 0x23);
    cmos_w(m, 0x0B, 0x80); /* 12 h BCD: 11 PM */
    ck_assert_uint_eq(cmos(m, 0x04), 0x91);
    cmos_w(m, 0x0B, 0x84); /* 12 h binary */
    ck_assert_uint_eq(cmos(m, 0x04), 0x8B);
    ck_assert_uint_eq(cmos(m, 0x02), 59);
    cmos_w(m, 0x04, 0x0C); /* 12 AM = midnight */
    cmos_w(m, 0x0B, 0x86);
    ck_assert_uint_eq(cmos(m, 0x04), 0);
    cmos_w(m, 0x0B, 0x06); /* binary, 24 h, running */
    /* NMI mask bit */
    ck_assert_int_eq(rtc_nmi_masked(&m->rtc), 0);
    outb(m, 0x70, 0x8F);
    ck_assert_int_eq(rtc_nmi_masked(&m->rtc), 1);
    outb(m, 0x70, 0x0F);
    ck_assert_int_eq(rtc_nmi_masked(&m->rtc), 0);
    /* user bytes and the board's memory sizes */
    cmos_w(m, 0x40, 0x5A);
    ck_assert_uint_eq(cmos(m, 0x40), 0x5A);
    ck_assert_uint_eq(cmos(m, 0x15) | cmos(m, 0x16) << 8, 640);
    ck_assert_uint_eq(cmos(m, 0x30) | cmos(m, 0x31) << 8, 15 * 1024);
    machine_destroy(m);

    m = board("2024-02-29T12:34:56");
    ck_assert_uint_eq(cmos(m, 0x04), 0x12);
    ck_assert_uint_eq(cmos(m, 0x02), 0x34);
    ck_assert_uint_eq(cmos(m, 0x00), 0x56);
    ck_assert_uint_eq(cmos(m, 0x06), 0x05); /* Thursday */
    ck_assert_uint_eq(cmos(m, 0x07), 0x29);
    ck_assert_uint_eq(cmos(m, 0x08), 0x02);
    ck_assert_uint_eq(cmos(m, 0x09), 0x24);
    machine_destroy(m);

    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.no_rom = true;
    cfg.rtc_base = "2024-13-01";
    char err[256];
    ck_assert_ptr_null(machine_create(&cfg, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "-rtc"));
}
END_TEST

static void read_c(struct machine *m)
{
    cmos(m, 0x0C);
}

START_TEST(test_rtc_periodic)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFB, 0xFE);
    cmos_w(m, 0x0B, 0x42); /* PIE */
    uint64_t t0 = testlib_now(m);
    int n = run_irqs(m, t0 + 1000000000ull, 0x70, NULL, 0, read_c);
    ck_assert_int_ge(n, 1023);
    ck_assert_int_le(n, 1024);
    /* 2 Hz (RS = 15) */
    cmos_w(m, 0x0A, 0x2F);
    n = run_irqs(m, testlib_now(m) + 3000000000ull, 0x70, NULL, 0, read_c);
    ck_assert_int_eq(n, 6);
    /* without PIE no events are scheduled, but PF still shows in C */
    cmos_w(m, 0x0B, 0x02);
    read_c(m);
    ck_assert_uint_eq(clock_next_deadline(&m->clock), CLOCK_NEVER);
    testlib_advance_to(m, testlib_now(m) + 600000000ull);
    ck_assert_uint_eq(cmos(m, 0x0C) & 0xC0, 0x40);
    ck_assert_uint_eq(cmos(m, 0x0C), 0x00);
    machine_destroy(m);
}
END_TEST

START_TEST(test_rtc_update_alarm)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFB, 0xFE);
    cmos_w(m, 0x0B, 0x12); /* UIE */
    uint64_t t[8];
    int n = run_irqs(m, 5200000000ull, 0x70, t, 8, read_c);
    ck_assert_int_eq(n, 5); /* at 0.5, 1.5, ... 4.5 s */
    for (int i = 0; i < 5; i++)
        ASSERT_AT(m, t[i], 500000000ull + i * 1000000000ull);
    ck_assert_uint_eq(cmos(m, 0x00), 0x05);
    /* UIP just before the update, clear just after */
    testlib_advance_to(m, 5499000000ull);
    ck_assert_uint_eq(cmos(m, 0x0A) & 0x80, 0x80);
    testlib_advance_to(m, 5500000001ull);
    ck_assert_uint_eq(cmos(m, 0x0A) & 0x80, 0x00);
    ck_assert_uint_eq(cmos(m, 0x00), 0x06);
    /* alarm at 00:00:09 (hours don't care) */
    cmos_w(m, 0x01, 0x09);
    cmos_w(m, 0x03, 0x00);
    cmos_w(m, 0x05, 0xC0);
    read_c(m);
    cmos_w(m, 0x0B, 0x22); /* AIE only */
    n = run_irqs(m, testlib_now(m) + 5000000000ull, 0x70, t, 8, read_c);
    ck_assert_int_eq(n, 1);
    ASSERT_AT(m, t[0], 8500000000ull);
    machine_destroy(m);
}
END_TEST

struct date { uint8_t cen, yr, mon, day, wday; };

static void check_rollover(const char *base, struct date want)
{
    struct machine *m = board(base);
    testlib_advance_to(m, 1000000000ull);
    ck_assert_uint_eq(cmos(m, 0x00), 0x00);
    ck_assert_uint_eq(cmos(m, 0x02), 0x00);
    ck_assert_uint_eq(cmos(m, 0x04), 0x00);
    ck_assert_uint_eq(cmos(m, 0x07), want.day);
    ck_assert_uint_eq(cmos(m, 0x08), want.mon);
    ck_assert_uint_eq(cmos(m, 0x09), want.yr);
    ck_assert_uint_eq(cmos(m, 0x32), want.cen);
    if (want.wday)
        ck_assert_uint_eq(cmos(m, 0x06), want.wday);
    machine_destroy(m);
}

START_TEST(test_rtc_rollover)
{
    check_rollover("1999-12-31T23:59:59", (struct date){ 0x20, 0x00, 0x01, 0x01, 7 });
    check_rollover("2024-02-28T23:59:59", (struct date){ 0x20, 0x24, 0x02, 0x29, 5 });
    check_rollover("2024-02-29T23:59:59", (struct date){ 0x20, 0x24, 0x03, 0x01, 6 });
    check_rollover("2023-02-28T23:59:59", (struct date){ 0x20, 0x23, 0x03, 0x01, 4 });
    check_rollover("2000-02-28T23:59:59", (struct date){ 0x20, 0x00, 0x02, 0x29, 3 });
    check_rollover("2021-04-30T23:59:59", (struct date){ 0x20, 0x21, 0x05, 0x01, 7 });
    check_rollover("2021-12-31T23:59:59", (struct date){ 0x20, 0x22, 0x01, 0x01, 7 });
    /* 2100 is not a leap year; set it through the registers */
    struct machine *m = board(NULL);
    cmos_w(m, 0x0B, 0x82);
    cmos_w(m, 0x32, 0x21);
    cmos_w(m, 0x09, 0x00);
    cmos_w(m, 0x08, 0x02);
    cmos_w(m, 0x07, 0x28);
    cmos_w(m, 0x04, 0x23);
    cmos_w(m, 0x02, 0x59);
    cmos_w(m, 0x00, 0x59);
    cmos_w(m, 0x0B, 0x02);
    testlib_advance_to(m, testlib_now(m) + 1000000000ull);
    ck_assert_uint_eq(cmos(m, 0x08), 0x03);
    ck_assert_uint_eq(cmos(m, 0x07), 0x01);
    /* SET stops the clock */
    cmos_w(m, 0x0B, 0x82);
    testlib_advance_to(m, testlib_now(m) + 3000000000ull);
    ck_assert_uint_eq(cmos(m, 0x00), 0x00);
    cmos_w(m, 0x0B, 0x02);
    testlib_advance_to(m, testlib_now(m) + 1000000000ull);
    ck_assert_uint_eq(cmos(m, 0x00), 0x01);
    machine_destroy(m);
}
END_TEST

/* ---------------------------------------------------------------- KBC */

static uint8_t kbc_read(struct machine *m)
{
    ck_assert_uint_eq(inb(m, 0x64) & 1, 1);
    return inb(m, 0x60);
}

START_TEST(test_kbc_controller)
{
    struct machine *m = board(NULL);
    ck_assert_uint_eq(inb(m, 0x64) & 1, 0);
    outb(m, 0x64, 0xAA);
    ck_assert_uint_eq(inb(m, 0x64) & 0x08, 0x08);
    ck_assert_uint_eq(kbc_read(m), 0x55);
    ck_assert_uint_eq(inb(m, 0x64) & 1, 0);
    outb(m, 0x64, 0xAB);
    ck_assert_uint_eq(kbc_read(m), 0x00);
    outb(m, 0x64, 0xA9);
    ck_assert_uint_eq(kbc_read(m), 0x00);
    outb(m, 0x64, 0x20);
    ck_assert_uint_eq(kbc_read(m), 0x41);
    outb(m, 0x64, 0x60);
    outb(m, 0x60, 0x65);
    ck_assert_uint_eq(inb(m, 0x64) & 0x04, 0x04); /* SYS */
    outb(m, 0x64, 0x20);
    ck_assert_uint_eq(kbc_read(m), 0x65);
    /* A20 through the output port */
    outb(m, 0x64, 0xD1);
    outb(m, 0x60, 0xDD);
    ck_assert(!memmap_a20(&m->mem));
    outb(m, 0x64, 0xD0);
    ck_assert_uint_eq(kbc_read(m) & 0x03, 0x01);
    outb(m, 0x64, 0xD1);
    outb(m, 0x60, 0xDF);
    ck_assert(memmap_a20(&m->mem));
    ck_assert_int_eq(m->kbc.reset_requested, 0);
    /* reset pulse */
    outb(m, 0x64, 0xFE);
    ck_assert_int_eq(m->kbc.reset_requested, 1);
    machine_reset(m);
    ck_assert_int_eq(m->kbc.reset_requested, 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_kbc_keyboard)
{
    struct machine *m = board(NULL);
    outb(m, 0x60, 0xFF);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    ck_assert_uint_eq(kbc_read(m), 0xAA);
    outb(m, 0x60, 0xF2); /* ID, translated: AB 41 */
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    ck_assert_uint_eq(kbc_read(m), 0xAB);
    ck_assert_uint_eq(kbc_read(m), 0x41);
    outb(m, 0x64, 0x60);
    outb(m, 0x60, 0x01); /* translation off */
    outb(m, 0x60, 0xF2);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    ck_assert_uint_eq(kbc_read(m), 0xAB);
    ck_assert_uint_eq(kbc_read(m), 0x83);
    outb(m, 0x60, 0xED); /* LEDs */
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    outb(m, 0x60, 0x07);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    outb(m, 0x60, 0xF0); /* get scan code set */
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    outb(m, 0x60, 0x00);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    ck_assert_uint_eq(kbc_read(m), 0x02);
    outb(m, 0x60, 0xEE);
    ck_assert_uint_eq(kbc_read(m), 0xEE);
    outb(m, 0x60, 0x12); /* not a command */
    ck_assert_uint_eq(kbc_read(m), 0xFE);
    machine_destroy(m);
}
END_TEST

START_TEST(test_kbc_typing_irq1)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFD, 0xFF);
    /* translated set 1 (the default) */
    kbc_key(&m->kbc, 0x1C, 1); /* A */
    ck_assert_int_eq(m->cpu.intr_line, 1);
    ck_assert_int_eq(pic_ack(&m->pic), 0x09);
    ck_assert_uint_eq(inb(m, 0x60), 0x1E);
    outb(m, 0x20, 0x20);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    kbc_key(&m->kbc, 0xE075, 0); /* Up released: E0 C8 */
    ck_assert_int_eq(pic_ack(&m->pic), 0x09);
    ck_assert_uint_eq(inb(m, 0x60), 0xE0);
    outb(m, 0x20, 0x20);
    ck_assert_int_eq(pic_ack(&m->pic), 0x09);
    ck_assert_uint_eq(inb(m, 0x60), 0xC8);
    outb(m, 0x20, 0x20);
    ck_assert_int_eq(m->cpu.intr_line, 0);
    /* raw set 2: translation off */
    outb(m, 0x64, 0x60);
    outb(m, 0x60, 0x01);
    kbc_key(&m->kbc, 0x1C, 1);
    kbc_key(&m->kbc, 0x1C, 0);
    uint8_t want[] = { 0x1C, 0xF0, 0x1C };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(m->cpu.intr_line, 1);
        ck_assert_int_eq(pic_ack(&m->pic), 0x09);
        ck_assert_uint_eq(inb(m, 0x60), want[i]);
        outb(m, 0x20, 0x20);
    }
    ck_assert_int_eq(m->cpu.intr_line, 0);
    /* keyboard disabled by the command byte: bytes wait */
    outb(m, 0x64, 0xAD);
    kbc_key(&m->kbc, 0x1C, 1);
    ck_assert_uint_eq(inb(m, 0x64) & 1, 0);
    outb(m, 0x64, 0xAE);
    ck_assert_uint_eq(kbc_read(m), 0x1C);
    machine_destroy(m);
}
END_TEST

START_TEST(test_kbc_mouse)
{
    struct machine *m = board(NULL);
    pic_setup(m, 0x01, 0xFB, 0xEF);
    outb(m, 0x64, 0x60);
    outb(m, 0x60, 0x43); /* keyboard and aux interrupts, translation */
    outb(m, 0x64, 0xA8);
    outb(m, 0x64, 0xD4);
    outb(m, 0x60, 0xF2);
    ck_assert_uint_eq(inb(m, 0x64) & 0x21, 0x21);
    ck_assert_int_eq(pic_ack(&m->pic), 0x74);
    ck_assert_uint_eq(inb(m, 0x60), 0xFA);
    eoi(m, 0x74);
    ck_assert_int_eq(pic_ack(&m->pic), 0x74);
    ck_assert_uint_eq(inb(m, 0x60), 0x00);
    eoi(m, 0x74);
    kbc_mouse(&m->kbc, 5, 3, 0); /* reporting is off */
    ck_assert_uint_eq(inb(m, 0x64) & 1, 0);
    outb(m, 0x64, 0xD4);
    outb(m, 0x60, 0xF4);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    kbc_mouse(&m->kbc, 5, 3, KBC_BTN_LEFT); /* 3 down the screen = -3 */
    ck_assert_uint_eq(kbc_read(m), 0x08 | 0x20 | 0x01);
    ck_assert_uint_eq(kbc_read(m), 5);
    ck_assert_uint_eq(kbc_read(m), 0xFD);
    ck_assert_uint_eq(inb(m, 0x64) & 1, 0);
    outb(m, 0x64, 0xD4);
    outb(m, 0x60, 0xF3);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    outb(m, 0x64, 0xD4);
    outb(m, 0x60, 40);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    outb(m, 0x64, 0xD4);
    outb(m, 0x60, 0xE9);
    ck_assert_uint_eq(kbc_read(m), 0xFA);
    ck_assert_uint_eq(kbc_read(m), 0x24);
    ck_assert_uint_eq(kbc_read(m), 0x02);
    ck_assert_uint_eq(kbc_read(m), 40);
    machine_destroy(m);
}
END_TEST

START_TEST(test_state_tables)
{
    struct machine *a = board(NULL), *b = board(NULL);
    outb(a, 0x43, 0x34);
    outb(a, 0x40, 0x10);
    outb(a, 0x40, 0x00);
    ck_assert_int_gt(state_diff(NULL, &pit_state, &a->pit, &b->pit), 0);
    uint8_t buf[4096];
    ck_assert_uint_le(state_size(&pit_state), sizeof(buf));
    state_save(&pit_state, &a->pit, buf);
    state_load(&pit_state, &b->pit, buf);
    ck_assert_int_eq(state_diff(NULL, &pit_state, &a->pit, &b->pit), 0);
    ck_assert_uint_le(state_size(&rtc_state), sizeof(buf));
    ck_assert_uint_le(state_size(&kbc_state), sizeof(buf));
    ck_assert_uint_le(state_size(&pic_state), sizeof(buf));
    machine_destroy(a);
    machine_destroy(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("devices");
    testlib_tcase(s, "pic", 0,
                  (const TTest *const[]){ test_pic_init_mask_eoi, test_pic_cascade_poll_rotate, test_pic_aeoi_level_smm,
                                          NULL });
    testlib_tcase(s, "pit", 0,
                  (const TTest *const[]){ test_pit_mode2_period, test_pit_mode3_speaker, test_pit_latch_readback,
                                          test_pit_mode0_oneshot, NULL });
    testlib_tcase(s, "rtc", 0,
                  (const TTest *const[]){ test_rtc_formats, test_rtc_periodic, test_rtc_update_alarm,
                                          test_rtc_rollover, NULL });
    testlib_tcase(s, "kbc", 0,
                  (const TTest *const[]){ test_kbc_controller, test_kbc_keyboard, test_kbc_typing_irq1,
                                          test_kbc_mouse, test_state_tables, NULL });
    return testlib_run_suite(s);
}
