/*
 * unit_uart.c - Check unit tests of the 16550A UARTs on a real board
 * (machine_create): register access and reset values, the divisor latch,
 * character timing on the virtual clock, THRE interrupts, loopback, FIFO
 * trigger levels and the character timeout, overrun, the IIR priority order,
 * OUT2 gating the IRQ wire into the 8259A, and the COM1 output log.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/testlib.h"

#define COM1 0x3F8
#define COM2 0x2F8

struct capture {
    struct uart_backend be;
    uint8_t buf[256];
    unsigned n;
};

static void cap_write(void *opaque, uint8_t b)
{
    struct capture *c = opaque;
    if (c->n < sizeof(c->buf))
        c->buf[c->n++] = b;
}

static struct machine *board(struct capture *cap)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    if (cap) {
        memset(cap, 0, sizeof(*cap));
        cap->be.write = cap_write;
        cap->be.opaque = cap;
        cfg.serial[0] = &cap->be;
    }
    return testlib_create(&cfg);
}

static void set_baud(struct machine *m, uint16_t base, uint16_t div, uint8_t lcr)
{
    outb(m, base + 3, 0x80 | lcr);
    outb(m, base, (uint8_t)div);
    outb(m, base + 1, (uint8_t)(div >> 8));
    outb(m, base + 3, lcr);
}

START_TEST(test_registers)
{
    struct machine *m = board(NULL);
    ck_assert_uint_eq(inb(m, COM1 + 1), 0x00);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x01);
    ck_assert_uint_eq(inb(m, COM1 + 3), 0x00);
    ck_assert_uint_eq(inb(m, COM1 + 4), 0x00);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x60);
    ck_assert_uint_eq(inb(m, COM1 + 6), 0x00); /* nothing connected */
    outb(m, COM1 + 7, 0x3C);
    outb(m, COM2 + 7, 0xC3);
    ck_assert_uint_eq(inb(m, COM1 + 7), 0x3C);
    ck_assert_uint_eq(inb(m, COM2 + 7), 0xC3);
    outb(m, COM1 + 1, 0xFF);
    ck_assert_uint_eq(inb(m, COM1 + 1), 0x0F); /* IER bits 7-4 are 0 */
    outb(m, COM1 + 1, 0);
    outb(m, COM1 + 4, 0xFF);
    ck_assert_uint_eq(inb(m, COM1 + 4), 0x1F);
    outb(m, COM1 + 4, 0);
    /* divisor latch: DLAB switches offsets 0 and 1 */
    ck_assert_uint_eq(inb(m, COM1 + 3), 0x00);
    outb(m, COM1 + 3, 0x83);
    ck_assert_uint_eq(inb(m, COM1 + 0), 12); /* 9600 baud at power-on */
    outb(m, COM1 + 0, 0x34);
    outb(m, COM1 + 1, 0x12);
    ck_assert_uint_eq(inb(m, COM1 + 0), 0x34);
    ck_assert_uint_eq(inb(m, COM1 + 1), 0x12);
    ck_assert_uint_eq(inb(m, COM1 + 3), 0x83);
    outb(m, COM1 + 3, 0x03);
    ck_assert_uint_eq(inb(m, COM1 + 1), 0x00); /* IER untouched by the latch writes */
    ck_assert_uint_eq(m->com[0].dll, 0x34);
    ck_assert_uint_eq(m->com[0].dlm, 0x12);
    ck_assert_uint_eq(m->com[0].lsr & 0x60, 0); /* LSR holds only errors; THRE/TEMT computed */
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x60);
    /* FCR: FIFO bits only stick with FCR0 = 1 */
    outb(m, COM1 + 2, 0xC0);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x01);
    outb(m, COM1 + 2, 0xC1);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    outb(m, COM1 + 2, 0x00);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x01);
    machine_destroy(m);
}
END_TEST

START_TEST(test_char_time)
{
    struct machine *m = board(NULL);
    struct uart *u = &m->com[0];
    set_baud(m, COM1, 12, 0x03); /* 9600 8N1: 10 bits */
    ck_assert_uint_eq(uart_char_ns(u), 1041667);
    set_baud(m, COM1, 1, 0x03); /* 115200 8N1 */
    ck_assert_uint_eq(uart_char_ns(u), 86806);
    set_baud(m, COM1, 12, 0x1E); /* 9600 7E2: 1 + 7 + 1 + 2 = 11 bits */
    ck_assert_uint_eq(uart_char_ns(u), 1145833);
    set_baud(m, COM1, 12, 0x04); /* 5 bits, 1.5 stop: 7.5 bits */
    ck_assert_uint_eq(uart_char_ns(u), 781250);
    set_baud(m, COM1, 0, 0x03); /* divisor 0 counts as 65536 */
    ck_assert_uint_eq(uart_char_ns(u), 5688888889ull);
    machine_destroy(m);
}
END_TEST

START_TEST(test_thre_timing)
{
    struct capture cap;
    struct machine *m = board(&cap);
    struct uart *u = &m->com[0];
    const uint64_t ch = 1041667;
    set_baud(m, COM1, 12, 0x03);
    outb(m, COM1 + 4, 0x08); /* OUT2 */
    ck_assert_uint_eq(inb(m, COM1 + 6) & 0xF0, 0xB0); /* a connected line: DCD, DSR, CTS */
    outb(m, COM1 + 1, 0x02); /* ETBEI with THR empty: THRE interrupt at once */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x02);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x01); /* that read cleared it */
    testlib_advance_to(m, 1000000);
    uint64_t t0 = m->clock.now;
    outb(m, COM1, 'A'); /* straight into the shift register */
    ck_assert_uint_eq(u->irq_level, 1);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x20); /* THRE, not TEMT */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x02);
    outb(m, COM1, 'B'); /* waits in THR */
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x00);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x01);
    ck_assert_uint_eq(u->irq_level, 0);
    ck_assert_uint_eq(u->tx_done_at, t0 + ch);
    testlib_advance_to(m, t0 + ch - 5);
    ck_assert_uint_eq(cap.n, 0);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x00);
    testlib_advance_to(m, t0 + ch);
    ck_assert_uint_eq(cap.n, 1);
    ck_assert_uint_eq(cap.buf[0], 'A');
    ck_assert_uint_eq(u->irq_level, 1);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x20);
    ck_assert_uint_eq(u->tx_done_at, t0 + 2 * ch); /* B started at A's stop bit */
    testlib_advance_to(m, t0 + 2 * ch);
    ck_assert_uint_eq(cap.n, 2);
    ck_assert_uint_eq(cap.buf[1], 'B');
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x60);
    /* with the FIFO: the shift register takes the first byte at once and 16
     * more wait; THRE when the last one enters the shift register */
    outb(m, COM1 + 2, 0x07);
    inb(m, COM1 + 2);
    uint64_t t1 = m->clock.now;
    for (int k = 0; k < 17; k++)
        outb(m, COM1, (uint8_t)('a' + k));
    outb(m, COM1, 'X'); /* the FIFO is full: lost */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    testlib_advance_to(m, t1 + 16 * ch - 5);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x00);
    testlib_advance_to(m, t1 + 16 * ch);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x20);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC2);
    testlib_advance_to(m, t1 + 17 * ch);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x60);
    ck_assert_uint_eq(cap.n, 19);
    ck_assert_int_eq(memcmp(cap.buf + 2, "abcdefghijklmnopq", 17), 0);
    ck_assert(machine_serial_seen(m, "ABabc", 5));
    ck_assert(!machine_serial_seen(m, "X", 1));
    machine_destroy(m);
}
END_TEST

START_TEST(test_loopback)
{
    struct capture cap;
    struct machine *m = board(&cap);
    struct uart *u = &m->com[0];
    set_baud(m, COM1, 1, 0x03);
    outb(m, COM1 + 1, 0x01); /* ERBFI */
    outb(m, COM1 + 4, 0x10 | 0x08 | 0x01); /* LOOP, OUT2, DTR */
    uint8_t msr = inb(m, COM1 + 6);
    ck_assert_uint_eq(msr, 0xA0 | 0x01); /* DCD (OUT2), DSR (DTR); DCTS: CTS dropped */
    outb(m, COM1 + 4, 0x10 | 0x04 | 0x02); /* OUT1 -> RI, RTS -> CTS */
    msr = inb(m, COM1 + 6);
    ck_assert_uint_eq(msr & 0xF0, 0x50);
    outb(m, COM1 + 4, 0x10 | 0x08);
    msr = inb(m, COM1 + 6);
    ck_assert_uint_eq(msr & 0x0F, 0x01 | 0x04 | 0x08); /* CTS changed, RI trailing edge, DCD changed */
    uint64_t t0 = m->clock.now;
    outb(m, COM1, 0x42);
    testlib_advance_to(m, t0 + uart_char_ns(u) - 5);
    ck_assert_uint_eq(inb(m, COM1 + 5) & 1, 0);
    testlib_advance_to(m, t0 + uart_char_ns(u));
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x61);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0x04); /* RDA pending ... */
    ck_assert_uint_eq(u->irq_level, 0);        /* ... but loopback cuts the IRQ */
    ck_assert_uint_eq(inb(m, COM1), 0x42);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x60);
    ck_assert_uint_eq(cap.n, 0); /* nothing reached the line */
    uart_receive(u, 0x99);       /* SIN is disconnected in loopback */
    ck_assert_uint_eq(inb(m, COM1 + 5) & 1, 0);
    /* out of loopback, received data raises IRQ4 through OUT2 */
    outb(m, COM1 + 4, 0x08);
    uart_receive(u, 0x77);
    ck_assert_uint_eq(u->irq_level, 1);
    ck_assert_uint_eq(m->pic.chip[0].irr & 0x10, 0x10);
    outb(m, COM1 + 4, 0x00); /* OUT2 off closes the gate */
    ck_assert_uint_eq(u->irq_level, 0);
    ck_assert_uint_eq(inb(m, COM1), 0x77);
    machine_destroy(m);
}
END_TEST

START_TEST(test_fifo_trigger_timeout)
{
    struct machine *m = board(NULL);
    struct uart *u = &m->com[0];
    set_baud(m, COM1, 12, 0x03);
    const uint64_t ch = uart_char_ns(u);
    outb(m, COM1 + 2, 0x47); /* FIFO, clear, trigger 4 */
    outb(m, COM1 + 1, 0x01);
    outb(m, COM1 + 4, 0x08);
    for (int k = 0; k < 3; k++)
        uart_receive(u, (uint8_t)('0' + k));
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    uart_receive(u, '3');
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC4);
    ck_assert_uint_eq(u->irq_level, 1);
    ck_assert_uint_eq(inb(m, COM1), '0'); /* 3 left: below the trigger */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    ck_assert_uint_eq(u->irq_level, 0);
    /* character timeout: 4 character times after the last read */
    uint64_t t0 = m->clock.now;
    testlib_advance_to(m, t0 + 4 * ch - 5);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    testlib_advance_to(m, t0 + 4 * ch);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xCC);
    ck_assert_uint_eq(inb(m, COM1), '1'); /* a read clears it and restarts the timer */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    ck_assert_uint_eq(inb(m, COM1), '2');
    ck_assert_uint_eq(inb(m, COM1), '3');
    testlib_advance_to(m, m->clock.now + 10 * ch);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1); /* an empty FIFO never times out */
    /* trigger levels 1, 8, 14 */
    static const uint8_t fcr[3] = { 0x07, 0x87, 0xC7 };
    static const unsigned level[3] = { 1, 8, 14 };
    for (int t = 0; t < 3; t++) {
        outb(m, COM1 + 2, fcr[t]);
        for (unsigned k = 1; k <= level[t]; k++) {
            uart_receive(u, (uint8_t)k);
            ck_assert_uint_eq(inb(m, COM1 + 2), k == level[t] ? 0xC4 : 0xC1);
        }
    }
    /* overrun: a 17th byte is lost, OE set, RLS outranks RDA */
    outb(m, COM1 + 2, 0xC7);
    outb(m, COM1 + 1, 0x05);
    for (int k = 0; k < 17; k++)
        uart_receive(u, (uint8_t)k);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC6);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x63);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x61); /* OE clears on read */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC4);
    for (int k = 0; k < 16; k++)
        ck_assert_uint_eq(inb(m, COM1), k);
    /* without FIFOs a second byte overwrites RBR */
    outb(m, COM1 + 2, 0x00);
    uart_receive(u, 0x11);
    uart_receive(u, 0x22);
    ck_assert_uint_eq(inb(m, COM1 + 5), 0x63);
    ck_assert_uint_eq(inb(m, COM1), 0x22);
    machine_destroy(m);
}
END_TEST

START_TEST(test_iir_priority)
{
    struct machine *m = board(NULL);
    struct uart *u = &m->com[0];
    outb(m, COM1 + 2, 0x01);
    outb(m, COM1 + 4, 0x10); /* loopback to make modem-status changes */
    outb(m, COM1 + 4, 0x11); /* DTR -> DSR: DDSR */
    outb(m, COM1 + 4, 0x00);
    for (int k = 0; k < 17; k++)
        uart_receive(u, (uint8_t)k); /* RDA and an overrun */
    outb(m, COM1 + 1, 0x0F);         /* all four: THRE fires as THR is empty */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC6); /* receiver line status */
    inb(m, COM1 + 5);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC4); /* received data */
    for (int k = 0; k < 16; k++)
        inb(m, COM1);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC2); /* THR empty, cleared by this read */
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC0); /* modem status */
    ck_assert_uint_ne(inb(m, COM1 + 6) & 0x0F, 0);
    ck_assert_uint_eq(inb(m, COM1 + 2), 0xC1);
    /* the THRE interrupt also clears with a THR write */
    outb(m, COM1 + 1, 0x00);
    outb(m, COM1 + 1, 0x02);
    ck_assert_uint_eq(uart_iir_peek(u), 0xC2);
    outb(m, COM1, 'x');
    ck_assert_uint_eq(uart_iir_peek(u), 0xC2); /* it went straight to the shift register */
    outb(m, COM1, 'y');
    ck_assert_uint_eq(uart_iir_peek(u), 0xC1);
    /* COM2 sits on IRQ3 */
    outb(m, COM2 + 4, 0x08);
    outb(m, COM2 + 1, 0x02);
    ck_assert_uint_eq(m->com[1].irq_level, 1);
    ck_assert_uint_eq(m->pic.chip[0].irr & 0x08, 0x08);
    /* state table round trip */
    size_t n = state_size(&uart_state);
    uint8_t *buf = malloc(n);
    state_save(&uart_state, u, buf);
    struct uart copy = *u;
    memset(&copy, 0, offsetof(struct uart, irq));
    state_load(&uart_state, &copy, buf);
    ck_assert_int_eq(state_diff(NULL, &uart_state, u, &copy), 0);
    free(buf);
    machine_destroy(m);
}
END_TEST

int main(void)
{
    return testlib_main("uart", "16550a", 0,
                        (const TTest *const[]){ test_registers, test_char_time, test_thre_timing, test_loopback,
                                                test_fifo_trigger_timeout, test_iir_priority, NULL });
}
