/*
 * int14.c - INT 14h, the serial port services of the IBM PC/AT BIOS (and
 * the PS/2's extended AH=04h/05h), on the 8250/16550A UARTs whose base
 * addresses POST wrote to 40:00h-40:07h.  DX selects the port; a DX beyond
 * them (or a port POST did not find) answers AH=80h.  Everything goes through
 * the UART's registers on the port bus, as on a PC.
 *
 *   AH=00h  initialise: AL bits 7-5 the rate (110, 150, 300, 600, 1200, 2400,
 *           4800, 9600 baud), bits 4-3 parity (x0 none, 01 odd, 11 even),
 *           bit 2 stop bits (0: 1, 1: 2), bits 1-0 word length (10: 7, 11: 8);
 *           interrupts off (IER 0); returns the status as AH=03h
 *   AH=01h  send AL once the transmit holding register is empty; AH = line
 *           status, bit 7 set on time-out (AL kept)
 *   AH=02h  receive: AL = the byte, AH = its error bits (LSR & 1Eh, 0 when
 *           good); on time-out AH = line status | 80h
 *   AH=03h  status: AH = line status (LSR), AL = modem status (MSR)
 *   AH=04h  extended initialise: AL break, BH parity (0 none, 1 odd, 2 even,
 *           3 stick odd, 4 stick even), BL stop bits, CH word length (0-3 for
 *           5-8 bits), CL rate (0-8: 110 ... 9600, 19200 baud)
 *   AH=05h  modem control: AL=00h reads MCR into BL, AL=01h writes BL to it
 *
 * Time-outs: the byte at 40:7Ch+DX counts seconds of virtual time (POST
 * writes 1; 0 checks once), the meaning it had on the PC and XT.  While it
 * waits the service returns "wait" and its ROM stub halts with interrupts on
 * (int15_wait.c): the deadline travels on the caller's stack between the
 * calls, so waits nest, and a wake-up after one character time polls the
 * UART again.
 *
 * Left out: the hardware handshake of the IBM BIOS (raising DTR/RTS and
 * waiting for DSR/CTS before each byte), so a line with nothing attached
 * still sends; the PS/2's AH=04h/05h on ports beyond DX=3.
 */
#include "bios/bios.h"
#include "cpu/sem.h"

#define BDA 0x400u
#define U_LCR 3
#define U_MCR 4
#define U_LSR 5
#define U_MSR 6
#define LSR_DR 0x01
#define LSR_ERRS 0x1E
#define LSR_THRE 0x20
#define XTAL_HZ 1843200u /* the PC's UART clock */
#define NS_PER_TIMEOUT_UNIT 1000000000ull
#define POLL_MAX_NS 10000000ull /* poll at least every 10 ms (110 baud: 100 ms a byte) */

/* divisors of 1.8432 MHz / 16 for 110 ... 9600 and 19200 baud */
static const uint16_t divisors[9] = { 1047, 768, 384, 192, 96, 48, 24, 12, 6 };

static uint8_t inb(struct bios *b, uint16_t port)
{
    return (uint8_t)portbus_in(b->io, port, 1);
}

static void outb(struct bios *b, uint16_t port, uint8_t v)
{
    portbus_out(b->io, port, v, 1);
}

static void status(struct bios *b, struct cpu *c, uint16_t base)
{
    set_hi(c, R_EAX, inb(b, base + U_LSR));
    set_lo(c, R_EAX, inb(b, base + U_MSR));
}

static void program(struct bios *b, uint16_t base, uint16_t divisor, uint8_t lcr)
{
    outb(b, base + U_LCR, 0x80);
    outb(b, base, (uint8_t)divisor);
    outb(b, base + 1, (uint8_t)(divisor >> 8));
    outb(b, base + U_LCR, lcr & 0x7F);
    outb(b, base + 1, 0x00); /* interrupts off */
}

/* Virtual ns of one character with the UART's present divisor and format. */
static uint64_t char_ns(struct bios *b, uint16_t base)
{
    uint8_t lcr = inb(b, base + U_LCR);
    outb(b, base + U_LCR, lcr | 0x80);
    uint32_t div = inb(b, base) | (uint32_t)inb(b, base + 1) << 8;
    outb(b, base + U_LCR, lcr);
    if (!div)
        div = 0x10000;
    unsigned bits = 1 + 5 + (lcr & 3) + (lcr >> 3 & 1) + (lcr & 4 ? 2 : 1);
    return (uint64_t)div * 16u * bits * 1000000000ull / XTAL_HZ;
}

/* The wait state between the stub's calls: the deadline, on the caller's stack. */
static void state_push(struct bios *b, struct cpu *c, uint64_t deadline)
{
    uint16_t sp = (uint16_t)(c->r[R_ESP] - 8);
    c->r[R_ESP] = (c->r[R_ESP] & 0xFFFF0000u) | sp;
    bios_wr32(b, bios_seg_lin(c, SEG_SS, sp), (uint32_t)deadline);
    bios_wr32(b, bios_seg_lin(c, SEG_SS, sp + 4u), (uint32_t)(deadline >> 32));
}

static uint64_t state_pop(struct bios *b, struct cpu *c)
{
    uint16_t sp = (uint16_t)c->r[R_ESP];
    uint64_t d = bios_rd32(b, bios_seg_lin(c, SEG_SS, sp)) |
                 (uint64_t)bios_rd32(b, bios_seg_lin(c, SEG_SS, sp + 4u)) << 32;
    c->r[R_ESP] = (c->r[R_ESP] & 0xFFFF0000u) | (uint16_t)(sp + 8);
    return d;
}

/* AH=04h: 0 or -1 for a parameter out of range. */
static int ext_init(struct bios *b, struct cpu *c, uint16_t base)
{
    static const uint8_t parity[5] = { 0x00, 0x08, 0x18, 0x28, 0x38 };
    uint8_t brk = reg8_lo(c, R_EAX), par = reg8_hi(c, R_EBX), stop = reg8_lo(c, R_EBX);
    uint8_t len = reg8_hi(c, R_ECX), rate = reg8_lo(c, R_ECX);
    if (brk > 1 || par > 4 || stop > 1 || len > 3 || rate > 8)
        return -1;
    program(b, base, divisors[rate], (uint8_t)(len | stop << 2 | parity[par]));
    outb(b, base + U_LCR, (uint8_t)(len | stop << 2 | parity[par] | brk << 6));
    return 0;
}

int bios_int14(struct bios *b, struct cpu *c, int retry)
{
    uint64_t deadline = retry ? state_pop(b, c) : 0;
    uint8_t ah = reg8_hi(c, R_EAX), al = reg8_lo(c, R_EAX);
    uint16_t dx = (uint16_t)c->r[R_EDX];
    uint16_t base = dx < 4 ? bios_rd16(b, BDA + 2u * dx) : 0;
    uint8_t lsr = 0;
    if (!base) {
        set_hi(c, R_EAX, 0x80);
        return 0;
    }
    switch (ah) {
    case 0x00:
        program(b, base, divisors[al >> 5], al & 0x1F);
        status(b, c, base);
        return 0;
    case 0x01:
        lsr = inb(b, base + U_LSR);
        if (lsr & LSR_THRE) {
            outb(b, base, al);
            set_hi(c, R_EAX, lsr);
            return 0;
        }
        break;
    case 0x02:
        lsr = inb(b, base + U_LSR);
        if (lsr & LSR_DR) {
            set_lo(c, R_EAX, inb(b, base));
            set_hi(c, R_EAX, lsr & LSR_ERRS);
            return 0;
        }
        break;
    case 0x03:
        status(b, c, base);
        return 0;
    case 0x04:
        if (ext_init(b, c, base)) {
            set_hi(c, R_EAX, 0x80);
            return 0;
        }
        status(b, c, base);
        return 0;
    case 0x05:
        if (al == 0x00) {
            set_lo(c, R_EBX, inb(b, base + U_MCR));
        } else if (al == 0x01) {
            outb(b, base + U_MCR, reg8_lo(c, R_EBX));
        } else {
            set_hi(c, R_EAX, 0x80);
            return 0;
        }
        status(b, c, base);
        return 0;
    default:
        return 0;
    }
    /* AH=01h/02h: not ready yet */
    uint64_t now = bios_now(b);
    if (!retry)
        deadline = now + bios_rd8(b, BDA + 0x7C + dx) * NS_PER_TIMEOUT_UNIT;
    if (now >= deadline || !b->wait.clock) {
        set_hi(c, R_EAX, lsr | 0x80);
        return 0;
    }
    state_push(b, c, deadline);
    uint64_t poll = char_ns(b, base);
    uint64_t wake = now + (poll < POLL_MAX_NS ? poll : POLL_MAX_NS);
    bios_wake_at(b, wake < deadline ? wake : deadline);
    return 1;
}
