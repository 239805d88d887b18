/*
 * unit_devices_rtc_kbc.c - the chipset device tests (see unit_devices.c) for
 * the RTC (MC146818A: formats, periodic, update and alarm interrupts,
 * rollover), the KBC (8042 commands, keyboard, IRQ1 typing, set 2 -> set 1
 * translation of the byte stream, PS/2 mouse) and the devices' state tables.
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

/* Bytes a set 2 keyboard sends, fed through the 8042; what port 60h gives. */
static int kbc_feed(struct machine *m, const uint8_t *in, int n, uint8_t *out)
{
    kbc_key_bytes(&m->kbc, in, n);
    int k = 0;
    while (k < 16 && (inb(m, 0x64) & 1))
        out[k++] = inb(m, 0x60);
    return k;
}

/* The 8042's set 2 -> set 1 translation on the byte stream, against codes
 * written down from the two sets' key charts: E0 keys keep their prefix,
 * F0 xx becomes the set 1 code | 80h, Pause and Print Screen's sequences. */
START_TEST(test_kbc_translation_stream)
{
    struct machine *m = board(NULL);
    static const struct {
        uint8_t in[8], n_in, out[8], n_out;
    } seq[] = {
        { { 0xE0, 0x14 }, 2, { 0xE0, 0x1D }, 2 },                         /* right Ctrl */
        { { 0xE0, 0xF0, 0x14 }, 3, { 0xE0, 0x9D }, 2 },
        { { 0xE0, 0x75 }, 2, { 0xE0, 0x48 }, 2 },                         /* Up */
        { { 0xE0, 0xF0, 0x75 }, 3, { 0xE0, 0xC8 }, 2 },
        { { 0xE0, 0x38 }, 2, { 0xE0, 0x6A }, 2 },                         /* browser Back */
        { { 0xE0, 0xF0, 0x38 }, 3, { 0xE0, 0xEA }, 2 },
        { { 0xE0, 0x4A }, 2, { 0xE0, 0x35 }, 2 },                         /* keypad / */
        { { 0xE0, 0x12, 0xE0, 0x7C }, 4, { 0xE0, 0x2A, 0xE0, 0x37 }, 4 }, /* Print Screen */
        { { 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12 }, 6, { 0xE0, 0xB7, 0xE0, 0xAA }, 4 },
        { { 0x84 }, 1, { 0x54 }, 1 },                                     /* SysRq */
        { { 0xF0, 0x84 }, 2, { 0xD4 }, 1 },
        { { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 }, 8,          /* Pause */
          { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 }, 6 },
        { { 0x13 }, 1, { 0x70 }, 1 },                                     /* Katakana/Hiragana */
        { { 0xF0, 0x13 }, 2, { 0xF0 }, 1 },
        { { 0x51 }, 1, { 0x73 }, 1 },                                     /* Ro */
        { { 0xF0, 0x51 }, 2, { 0xF3 }, 1 },
        { { 0x6A }, 1, { 0x7D }, 1 },                                     /* Yen */
        { { 0xF0, 0x6A }, 2, { 0xFD }, 1 },
        { { 0x64 }, 1, { 0x79 }, 1 },                                     /* Henkan */
        { { 0xF0, 0x64 }, 2, { 0xF9 }, 1 },
        { { 0x67 }, 1, { 0x7B }, 1 },                                     /* Muhenkan */
        { { 0xF0, 0x67 }, 2, { 0xFB }, 1 },
        { { 0x62, 0x63, 0x5F }, 3, { 0x77, 0x78, 0x76 }, 3 },             /* Hiragana, Katakana, Zenkaku */
        { { 0xF2, 0xF1 }, 2, { 0xF2, 0xF1 }, 2 },                         /* Hangul, Hanja: no break */
        { { 0x6D, 0x0F }, 2, { 0x7E, 0x59 }, 2 },                         /* keypad , and = */
        { { 0x08, 0x5F }, 2, { 0x64, 0x76 }, 2 },                         /* F13, F24 */
        { { 0x83 }, 1, { 0x41 }, 1 },                                     /* F7 */
        { { 0xF0, 0x83 }, 2, { 0xC1 }, 1 },
    };
    uint8_t got[16];
    for (size_t k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
        int n = kbc_feed(m, seq[k].in, seq[k].n_in, got);
        ck_assert_msg(n == seq[k].n_out, "sequence %zu: %d bytes, expected %d", k, n, seq[k].n_out);
        for (int i = 0; i < n; i++)
            ck_assert_msg(got[i] == seq[k].out[i], "sequence %zu byte %d: %02x, expected %02x", k, i, got[i],
                          seq[k].out[i]);
    }
    /* every code: the break is the make | 80h, with or without E0 */
    for (int c = 1; c < 0x80; c++) {
        const uint8_t make[] = { (uint8_t)c }, brk[] = { 0xF0, (uint8_t)c }, ebrk[] = { 0xE0, 0xF0, (uint8_t)c };
        ck_assert_int_eq(kbc_feed(m, make, 1, got), 1);
        uint8_t s1 = got[0];
        ck_assert_msg(s1 < 0x80 && s1 == kbc_set2_to_set1((uint8_t)c), "set 2 %02x -> %02x", c, s1);
        ck_assert_int_eq(kbc_feed(m, brk, 2, got), 1);
        ck_assert_msg(got[0] == (s1 | 0x80), "F0 %02x -> %02x, expected %02x", c, got[0], s1 | 0x80);
        ck_assert_int_eq(kbc_feed(m, ebrk, 3, got), 2);
        ck_assert_msg(got[0] == 0xE0 && got[1] == (s1 | 0x80), "E0 F0 %02x -> %02x %02x", c, got[0], got[1]);
    }
    /* translation off: the bytes pass unchanged */
    outb(m, 0x64, 0x60);
    outb(m, 0x60, 0x01);
    const uint8_t raw[] = { 0xE0, 0xF0, 0x75, 0x51, 0xF0, 0x51 };
    ck_assert_int_eq(kbc_feed(m, raw, 6, got), 6);
    ck_assert_int_eq(memcmp(got, raw, 6), 0);
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
                                          test_kbc_translation_stream, test_kbc_mouse, test_state_tables, NULL });
}
