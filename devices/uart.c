/*
 * uart.c - National Semiconductor PC16550D / TI TL16C550 ("16550A") UART,
 * following the datasheet's register descriptions: RBR/THR, IER, IIR/FCR
 * with 16-byte receive and transmit FIFOs and the 1/4/8/14 trigger levels,
 * LCR with the divisor latch access bit, MCR with loopback (TX looped to RX,
 * DTR/RTS/OUT1/OUT2 looped to DSR/CTS/RI/DCD, output pins inactive), LSR
 * (DR, OE, THRE, TEMT), MSR with its delta bits and trailing-edge RI, SCR.
 * Interrupts follow the datasheet's priority: receiver line status, then
 * received data available / character timeout (4 character times with data
 * in the FIFO and no activity), then THR empty, then modem status.  An ETBEI
 * 0->1 write with the THR empty raises the THRE interrupt, as the chip does.
 * The PC's IRQ gate is modelled here: the wire carries the interrupt only
 * while OUT2 is set and loopback is off (loopback forces the OUT2 pin inactive).
 *
 * Timing: the transmitter shifts one character for start + data + parity +
 * stop bits at 1.8432 MHz / 16 / divisor on the virtual clock.  A byte
 * written while the shift register is idle moves into it at once (THRE is
 * set again, TEMT stays clear until its stop bit ends); the next one waits in
 * THR or the FIFO.  A looped-back byte reaches the receiver at the end of its
 * stop bit.  Input from the backend is polled once per character time.
 *
 * Left out: parity, framing and break errors (no line carries them, so PE,
 * FE, BI and LSR bit 7 stay 0; the set-break bit is stored only), the DMA
 * mode signals (FCR bit 3 is stored), the FIFO's per-byte error flags, and
 * any change of timing for a character already in the shift register when
 * LCR or the divisor changes.  The divisor is 12 (9600 baud) at power-on; 0 counts as 65536.
 */
#include <string.h>

#include "devices/uart.h"

#define R_IER 1
#define R_IIR 2
#define R_LCR 3
#define R_MCR 4
#define R_LSR 5
#define R_MSR 6
#define R_SCR 7

#define IER_RDA 0x01
#define IER_THRE 0x02
#define IER_RLS 0x04
#define IER_MS 0x08

#define IIR_NONE 0x01
#define IIR_MS 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_CTI 0x0C

#define LCR_DLAB 0x80
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_ERRS 0x1E
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define FCR_ENABLE 0x01

static uint64_t now(const struct uart *u)
{
    return u->clk->now;
}

static int fifo_on(const struct uart *u)
{
    return u->fcr & FCR_ENABLE;
}

static unsigned cap(const struct uart *u)
{
    return fifo_on(u) ? UART_FIFO : 1;
}

static unsigned trigger(const struct uart *u)
{
    static const uint8_t lv[4] = { 1, 4, 8, 14 };
    return lv[u->fcr >> 6];
}

static int looped(const struct uart *u)
{
    return u->mcr & MCR_LOOP;
}

uint64_t uart_char_ns(const struct uart *u)
{
    unsigned word = 5 + (u->lcr & 3);
    unsigned half_bits = 2 * (1 + word + ((u->lcr >> 3) & 1));
    half_bits += (u->lcr & 4) ? (word == 5 ? 3 : 4) : 2;
    uint64_t div = (uint64_t)u->dll | (uint64_t)u->dlm << 8;
    if (!div)
        div = 65536;
    uint64_t num = (uint64_t)half_bits * div * 16u * 1000000000ull, den = 2ull * UART_XTAL_HZ;
    return (num + den / 2) / den;
}

/* The highest-priority pending interrupt, as IIR bits 3-0. */
static uint8_t int_id(const struct uart *u)
{
    if ((u->ier & IER_RLS) && (u->lsr & LSR_ERRS))
        return IIR_RLS;
    if ((u->ier & IER_RDA) && u->rx_count && u->rx_count >= (fifo_on(u) ? trigger(u) : 1))
        return IIR_RDA;
    if ((u->ier & IER_RDA) && u->timeout_int && u->rx_count)
        return IIR_CTI;
    if ((u->ier & IER_THRE) && u->thre_int)
        return IIR_THRE;
    if ((u->ier & IER_MS) && (u->msr & 0x0F))
        return IIR_MS;
    return IIR_NONE;
}

uint8_t uart_iir_peek(const struct uart *u)
{
    return (uint8_t)(int_id(u) | (fifo_on(u) ? 0xC0 : 0));
}

static void update_irq(struct uart *u)
{
    uint8_t level = int_id(u) != IIR_NONE && (u->mcr & MCR_OUT2) && !looped(u);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* New modem inputs (MSR bits 7-4): record the delta bits. */
static void set_inputs(struct uart *u, uint8_t in)
{
    uint8_t old = u->msr & 0xF0, d = 0;
    if ((old ^ in) & 0x10)
        d |= 0x01; /* DCTS */
    if ((old ^ in) & 0x20)
        d |= 0x02; /* DDSR */
    if ((old & 0x40) && !(in & 0x40))
        d |= 0x04; /* TERI: RI went inactive */
    if ((old ^ in) & 0x80)
        d |= 0x08; /* DDCD */
    u->msr = (uint8_t)(in | (u->msr & 0x0F) | d);
}

static uint8_t loop_inputs(uint8_t mcr)
{
    return (uint8_t)(((mcr & 1) << 5) | ((mcr & 2) << 3) | ((mcr & 4) << 4) | ((mcr & 8) << 4));
}

static void arm(struct uart *u, int ev, uint64_t *at, uint64_t when)
{
    *at = when;
    if (ev < 0)
        return;
    if (when == CLOCK_NEVER)
        clock_cancel(u->clk, ev);
    else
        clock_schedule(u->clk, ev, when);
}

static void restart_timeout(struct uart *u, uint64_t t)
{
    if (fifo_on(u) && u->rx_count)
        arm(u, u->ev_timeout, &u->timeout_at, t + 4 * uart_char_ns(u));
    else
        arm(u, u->ev_timeout, &u->timeout_at, CLOCK_NEVER);
}

/* A character completed in the receive shift register at time t. */
static void rx_push(struct uart *u, uint8_t byte, uint64_t t)
{
    if (u->rx_count < cap(u)) {
        u->rx[(u->rx_head + u->rx_count) % UART_FIFO] = byte;
        u->rx_count++;
    } else {
        u->lsr |= LSR_OE;
        if (!fifo_on(u))
            u->rx[u->rx_head] = byte; /* RBR is overwritten; a full FIFO keeps its bytes */
    }
    restart_timeout(u, t);
    update_irq(u);
}

/* Move the next byte from THR / the FIFO into the idle shift register at t. */
static void start_tx(struct uart *u, uint64_t t)
{
    if (u->tsr_full || !u->tx_count)
        return;
    u->tsr = u->tx[u->tx_head];
    u->tx_head = (uint8_t)((u->tx_head + 1) % UART_FIFO);
    u->tx_count--;
    u->tsr_full = 1;
    arm(u, u->ev_tx, &u->tx_done_at, t + uart_char_ns(u));
    if (!u->tx_count)
        u->thre_int = 1;
}

static void tx_fire(void *opaque, uint64_t t)
{
    struct uart *u = opaque;
    uint8_t byte = u->tsr;
    u->tsr_full = 0;
    u->tx_done_at = CLOCK_NEVER;
    if (looped(u))
        rx_push(u, byte, t);
    else if (u->backend && u->backend->write)
        u->backend->write(u->backend->opaque, byte);
    start_tx(u, t);
    update_irq(u);
}

void uart_drain(struct uart *u)
{
    if (looped(u) || !u->backend || !u->backend->write)
        return;
    if (u->tsr_full)
        u->backend->write(u->backend->opaque, u->tsr);
    u->tsr_full = 0;
    for (; u->tx_count; u->tx_count--) {
        u->backend->write(u->backend->opaque, u->tx[u->tx_head]);
        u->tx_head = (uint8_t)((u->tx_head + 1) % UART_FIFO);
    }
}

static void timeout_fire(void *opaque, uint64_t t)
{
    struct uart *u = opaque;
    u->timeout_at = CLOCK_NEVER;
    if (fifo_on(u) && u->rx_count)
        u->timeout_int = 1;
    update_irq(u);
}

static void rx_fire(void *opaque, uint64_t t)
{
    struct uart *u = opaque;
    u->rx_poll_at = CLOCK_NEVER;
    if (!u->backend || !u->backend->read || u->rx_eof)
        return;
    if (!looped(u) && u->rx_count < cap(u)) {
        int c = u->backend->read(u->backend->opaque);
        if (c == -2) {
            u->rx_eof = 1;
            return;
        }
        if (c >= 0)
            rx_push(u, (uint8_t)c, t);
    }
    arm(u, u->ev_rx, &u->rx_poll_at, t + uart_char_ns(u));
}

void uart_rx_kick(struct uart *u)
{
    u->rx_eof = 0;
    if (u->backend && u->backend->read && u->rx_poll_at == CLOCK_NEVER)
        arm(u, u->ev_rx, &u->rx_poll_at, now(u) + uart_char_ns(u));
}

void uart_receive(struct uart *u, uint8_t byte)
{
    if (!looped(u))
        rx_push(u, byte, now(u));
}

static void clear_rx(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
    u->timeout_int = 0;
    arm(u, u->ev_timeout, &u->timeout_at, CLOCK_NEVER);
}

static void clear_tx(struct uart *u)
{
    if (u->tx_count)
        u->thre_int = 1; /* the FIFO just became empty */
    u->tx_head = u->tx_count = 0;
}

static void write_fcr(struct uart *u, uint8_t v)
{
    if ((v ^ u->fcr) & FCR_ENABLE) {
        clear_rx(u); /* a mode change empties both FIFOs */
        clear_tx(u);
    }
    if (!(v & FCR_ENABLE)) {
        u->fcr = 0; /* the other bits are only programmed together with FCR0 */
        return;
    }
    if (v & 0x02)
        clear_rx(u);
    if (v & 0x04)
        clear_tx(u);
    u->fcr = v & 0xC9;
}

static uint8_t read_lsr(const struct uart *u)
{
    uint8_t v = u->lsr & LSR_ERRS;
    if (u->rx_count)
        v |= LSR_DR;
    if (!u->tx_count)
        v |= LSR_THRE;
    if (!u->tx_count && !u->tsr_full)
        v |= LSR_TEMT;
    return v;
}

static uint32_t uart_read(void *opaque, uint32_t off, int size)
{
    struct uart *u = opaque;
    uint8_t v = 0xFF;
    switch (off & 7) {
    case 0:
        if (u->lcr & LCR_DLAB)
            return u->dll;
        v = u->rx[u->rx_head]; /* empty: the last byte again */
        if (u->rx_count) {
            u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO);
            u->rx_count--;
        }
        u->timeout_int = 0;
        restart_timeout(u, now(u));
        break;
    case R_IER:
        return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
    case R_IIR:
        v = uart_iir_peek(u);
        if ((v & 0x0F) == IIR_THRE)
            u->thre_int = 0; /* reading IIR with THRE the source clears it */
        break;
    case R_LCR:
        return u->lcr;
    case R_MCR:
        return u->mcr;
    case R_LSR:
        v = read_lsr(u);
        u->lsr &= (uint8_t)~LSR_ERRS;
        break;
    case R_MSR:
        v = u->msr;
        u->msr &= 0xF0;
        break;
    default:
        return u->scr;
    }
    update_irq(u);
    return v;
}

static void uart_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct uart *u = opaque;
    uint8_t v = (uint8_t)val;
    switch (off & 7) {
    case 0:
        if (u->lcr & LCR_DLAB) {
            u->dll = v;
            return;
        }
        if (u->tx_count < cap(u)) {
            u->tx[(u->tx_head + u->tx_count) % UART_FIFO] = v;
            u->tx_count++;
        } /* else: overflow, the byte is lost */
        u->thre_int = 0;
        start_tx(u, now(u));
        break;
    case R_IER:
        if (u->lcr & LCR_DLAB) {
            u->dlm = v;
            return;
        }
        if ((v & IER_THRE) && !(u->ier & IER_THRE) && !u->tx_count)
            u->thre_int = 1;
        u->ier = v & 0x0F;
        break;
    case R_IIR:
        write_fcr(u, v);
        break;
    case R_LCR:
        u->lcr = v;
        return;
    case R_MCR:
        u->mcr = v & 0x1F;
        set_inputs(u, looped(u) ? loop_inputs(u->mcr) : u->inputs);
        break;
    case R_SCR:
        u->scr = v;
        return;
    default:
        return; /* LSR and MSR writes: factory test only */
    }
    update_irq(u);
}

const struct io_ops uart_ops = { uart_read, uart_write, IO_SIZE8 };

void uart_reset(struct uart *u)
{
    u->ier = u->lcr = u->mcr = u->lsr = u->fcr = 0;
    u->msr = u->inputs; /* the present inputs, no deltas */
    clear_rx(u);
    u->tx_head = u->tx_count = 0;
    u->tsr_full = 0;
    u->thre_int = 0;
    arm(u, u->ev_tx, &u->tx_done_at, CLOCK_NEVER);
    update_irq(u);
}

int uart_init(struct uart *u, struct vclock *clk)
{
    struct irq_line irq = u->irq;
    const struct uart_backend *be = u->backend;
    memset(u, 0, sizeof(*u));
    u->irq = irq;
    u->backend = be;
    u->clk = clk;
    u->ev_tx = clock_add_event(clk, "uart-tx", tx_fire, u);
    u->ev_timeout = clock_add_event(clk, "uart-timeout", timeout_fire, u);
    u->ev_rx = clock_add_event(clk, "uart-rx", rx_fire, u);
    u->dll = 12;
    u->inputs = be ? 0xB0 : 0; /* a connected line: DCD, DSR and CTS asserted */
    u->tx_done_at = u->timeout_at = u->rx_poll_at = CLOCK_NEVER;
    uart_reset(u);
    if (u->ev_tx < 0 || u->ev_timeout < 0 || u->ev_rx < 0)
        return -1;
    if (be && be->read)
        arm(u, u->ev_rx, &u->rx_poll_at, now(u) + uart_char_ns(u));
    return 0;
}

void uart_resync(struct uart *u)
{
    arm(u, u->ev_tx, &u->tx_done_at, u->tx_done_at);
    arm(u, u->ev_timeout, &u->timeout_at, u->timeout_at);
    arm(u, u->ev_rx, &u->rx_poll_at, u->rx_poll_at);
    irq_set(&u->irq, u->irq_level);
}

static const struct state_field uart_fields[] = {
    STATE_FIELD(struct uart, ier, ST_U8), STATE_FIELD(struct uart, lcr, ST_U8),
    STATE_FIELD(struct uart, mcr, ST_U8), STATE_FIELD(struct uart, lsr, ST_U8),
    STATE_FIELD(struct uart, msr, ST_U8), STATE_FIELD(struct uart, scr, ST_U8),
    STATE_FIELD(struct uart, fcr, ST_U8), STATE_FIELD(struct uart, dll, ST_U8),
    STATE_FIELD(struct uart, dlm, ST_U8), STATE_ARRAY(struct uart, rx, ST_BYTES, UART_FIFO),
    STATE_FIELD(struct uart, rx_head, ST_U8), STATE_FIELD(struct uart, rx_count, ST_U8),
    STATE_ARRAY(struct uart, tx, ST_BYTES, UART_FIFO), STATE_FIELD(struct uart, tx_head, ST_U8),
    STATE_FIELD(struct uart, tx_count, ST_U8), STATE_FIELD(struct uart, tsr, ST_U8),
    STATE_FIELD(struct uart, tsr_full, ST_U8), STATE_FIELD(struct uart, thre_int, ST_U8),
    STATE_FIELD(struct uart, timeout_int, ST_U8), STATE_FIELD(struct uart, irq_level, ST_U8),
    STATE_FIELD(struct uart, inputs, ST_U8), STATE_FIELD(struct uart, rx_eof, ST_U8),
    STATE_FIELD(struct uart, tx_done_at, ST_U64), STATE_FIELD(struct uart, timeout_at, ST_U64),
    STATE_FIELD(struct uart, rx_poll_at, ST_U64),
    STATE_END
};

const struct state_table uart_state = { "uart", 1, uart_fields };
