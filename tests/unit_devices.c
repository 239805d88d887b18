/*
 * unit_devices.c - Check unit tests of the PC chipset devices, driven like a
 * guest would drive them: port I/O on a real board (machine_create) and the
 * virtual clock, with the CPU's INTR pin and INTA (pic_ack) observed directly.
 * This file: the shared helpers (unit_devices.h), PIC (8259A pair) and PIT
 * (8254 + port 61h); unit_devices_rtc_kbc.c: RTC (MC146818A), KBC (8042) and
 * the state tables.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit_devices.h"

struct machine *board(const char *rtc_base)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.rtc_base = rtc_base;
    return testlib_create(&cfg);
}

uint64_t tick_ns(uint64_t k)
{
    return (k / PIT_HZ) * 1000000000ull + ((k % PIT_HZ) * 1000000000ull + PIT_HZ - 1) / PIT_HZ;
}

uint64_t ns_tick(uint64_t t)
{
    return (t / 1000000000ull) * PIT_HZ + (t % 1000000000ull) * PIT_HZ / 1000000000ull;
}

/* Standard PC initialisation: vectors 08h/70h, cascade on IR2, 8086 mode. */
void pic_setup(struct machine *m, uint8_t icw4, uint8_t mask_m, uint8_t mask_s)
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

void eoi(struct machine *m, int vec)
{
    if (vec >= 0x70)
        outb(m, 0xA0, 0x20);
    outb(m, 0x20, 0x20);
}

/* Step the clock event by event up to t_end; acknowledge and EOI each INTR
 * with `vec`, calling on_irq (may be NULL).  Returns the number taken. */
int run_irqs(struct machine *m, uint64_t t_end, int vec, uint64_t *times, int max,
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

int main(void)
{
    Suite *s = suite_create("devices");
    testlib_tcase(s, "pic", 0,
                  (const TTest *const[]){ test_pic_init_mask_eoi, test_pic_cascade_poll_rotate, test_pic_aeoi_level_smm,
                                          NULL });
    testlib_tcase(s, "pit", 0,
                  (const TTest *const[]){ test_pit_mode2_period, test_pit_mode3_speaker, test_pit_latch_readback,
                                          test_pit_mode0_oneshot, NULL });
    unit_devices_rtc_kbc(s);
    return testlib_run_suite(s);
}
