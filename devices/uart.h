/*
 * uart.h - National Semiconductor / TI 16550A UART (8 byte registers, PC
 * COM1 at 0x3F8 on IRQ4 and COM2 at 0x2F8 on IRQ3 as the board wires them).
 *
 * Characters take their real time on the virtual clock: start bit, 5-8 data
 * bits, optional parity and 1, 1.5 or 2 stop bits at the baud rate set by
 * the divisor latch (1.8432 MHz / 16 / divisor), so 8N1 at 9600 baud is 10
 * bit-times = 1041667 ns per byte.  The host side is a struct uart_backend
 * supplied by whoever builds the board (the frontend): bytes leave through
 * write() when their stop bit ends, and read() is polled once per character
 * time while the receiver has room.
 */
#ifndef TARSIER_UART_H
#define TARSIER_UART_H

#include <stdint.h>

#include "machine/clock.h"
#include "machine/io.h"
#include "machine/state.h"

#define UART_FIFO 16
#define UART_XTAL_HZ 1843200u

/* The host end of a serial line.  Either callback may be NULL. */
struct uart_backend {
    /* a byte finished transmitting on the line */
    void (*write)(void *opaque, uint8_t byte);
    /* the next received byte: 0-255, -1 nothing yet, -2 never again (EOF) */
    int (*read)(void *opaque);
    void *opaque;
};

struct uart {
    /* registers */
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;  /* fcr: as last programmed (bits 0, 3, 6, 7) */
    uint8_t dll, dlm;
    /* receiver FIFO (one entry deep with FIFOs off) */
    uint8_t rx[UART_FIFO];
    uint8_t rx_head, rx_count;
    /* transmitter FIFO / holding register and the shift register */
    uint8_t tx[UART_FIFO];
    uint8_t tx_head, tx_count;
    uint8_t tsr, tsr_full;
    uint8_t thre_int;      /* THRE interrupt pending (cleared by IIR read or THR write) */
    uint8_t timeout_int;   /* character timeout interrupt pending */
    uint8_t irq_level;     /* what the IRQ wire carries now */
    uint8_t inputs;        /* modem inputs outside loopback: MSR bits 4-7 */
    uint8_t rx_eof;        /* the backend said it has no more input */
    uint64_t tx_done_at;   /* virtual ns the shift register empties, CLOCK_NEVER when idle */
    uint64_t timeout_at;   /* virtual ns of the character timeout, CLOCK_NEVER when off */
    uint64_t rx_poll_at;   /* virtual ns of the next backend poll, CLOCK_NEVER when off */
    /* wiring (not state) */
    struct irq_line irq;
    struct vclock *clk;
    const struct uart_backend *backend;
    int ev_tx, ev_timeout, ev_rx;
};

extern const struct io_ops uart_ops;          /* 8 ports */
extern const struct state_table uart_state;

/* Power-on state; registers three clock events.  Set irq and backend first
 * (backend may be NULL: an unconnected line).  Returns 0, or -1 when the
 * clock has no room for the events. */
int uart_init(struct uart *u, struct vclock *clk);
/* Master reset (MR pin): registers to their reset values, FIFOs empty. */
void uart_reset(struct uart *u);
/* Re-arm the clock events after a state load. */
void uart_resync(struct uart *u);
/* A byte arrives on the serial input now, bypassing the backend (tests,
 * scripted input).  Ignored in loopback mode, as the SIN pin is then cut. */
void uart_receive(struct uart *u, uint8_t byte);
/* Virtual ns one character takes with the current LCR and divisor. */
uint64_t uart_char_ns(const struct uart *u);
/* IIR as the guest would read it, without the read's side effects. */
uint8_t uart_iir_peek(const struct uart *u);

/* The backend has input again (after it reported none or end of file):
 * resume polling it. */
void uart_rx_kick(struct uart *u);
/* At the end of a run: hand the bytes still in the transmitter (shift
 * register and FIFO) to the backend, so nothing the guest wrote is lost. */
void uart_drain(struct uart *u);

#endif
