/*
 * unit_devices_rtc_kbc.c - the chipset device tests (see unit_devices.c) for
 * the RTC (MC146818A: formats, periodic, update and alarm interrupts,
 * rollover), the KBC (8042 commands, keyboard, IRQ1 typing, PS/2 mouse) and
 * the devices' state tables.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit_devices.h"

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

void unit_devices_rtc_kbc(Suite *s)
{
    testlib_tcase(s, "rtc", 0,
                  (const TTest *const[]){ test_rtc_formats, test_rtc_periodic, test_rtc_update_alarm,
                                          test_rtc_rollover, NULL });
    testlib_tcase(s, "kbc", 0,
                  (const TTest *const[]){ test_kbc_controller, test_kbc_keyboard, test_kbc_typing_irq1,
                                          test_kbc_mouse, test_state_tables, NULL });
}
