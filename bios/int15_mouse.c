/*
 * int15_mouse.c - the PS/2 pointing-device BIOS interface: INT 15h AH=C2h
 * and the IRQ 12 handler (INT 74h), per the IBM PS/2 BIOS interface.  The
 * mouse is the 8042's auxiliary device, driven through ports 60h/64h as on a
 * PC: D4h before each mouse command, the replies read from the output buffer.
 *
 *   C200h  BH=00h disable, 01h enable data reporting (enable needs a handler:
 *          AH=05h otherwise)
 *   C201h  reset: BH = device id (00h), BL = AAh; the mouse is disabled with
 *          100 reports/s, 4 counts/mm, scaling 1:1
 *   C202h  sample rate BH = 0-6 (10, 20, 40, 60, 80, 100, 200 reports/s)
 *   C203h  resolution BH = 0-3 (1, 2, 4, 8 counts/mm)
 *   C204h  device type: BH = id
 *   C205h  initialise: BH = packet size 1-8 bytes (3 for a PS/2 mouse), then
 *          as C201h
 *   C206h  BH=00h status: BL = status byte, CL = resolution, DL = rate;
 *          BH=01h scaling 1:1, BH=02h scaling 2:1
 *   C207h  device handler ES:BX (0:0 removes it)
 * Errors: CF=1 with AH = 01h bad function, 02h bad input, 03h interface
 * error, 04h resend requested, 05h no handler.
 *
 * IRQ 12 collects the bytes of a packet in the EBDA (the IBM layout: 22h
 * handler far pointer, 26h byte index, 27h bit 7 handler installed and bits
 * 2-0 packet size - 1, 28h-2Fh the packet) and, with a handler installed,
 * the ROM stub far-calls it with the words status, X, Y, 0 pushed in that
 * order, removes them after its RETF and acknowledges both PICs.  A first
 * byte without bit 3 (always set in a PS/2 status byte) is dropped, so a
 * stream that lost a byte finds the packet boundary again.
 *
 * During a command the 8042's interrupts and keyboard are off; a keyboard
 * byte waiting in the output buffer is put back (controller command D2h)
 * afterwards, and the keyboard is enabled again (as the IBM BIOS leaves it).
 * Mouse bytes that were waiting are dropped with the partial packet.
 */
#include "bios/bios.h"
#include "cpu/sem.h"

#define BDA 0x400u
#define E_HANDLER 0x22u
#define E_INDEX 0x26u
#define E_FLAGS 0x27u
#define E_PACKET 0x28u
#define HANDLER_SET 0x80u

#define ST_OBF 0x01
#define ST_AUX 0x20
#define CB_KBD_INT 0x01
#define CB_AUX_INT 0x02
#define CB_AUX_OFF 0x20
#define ACK 0xFA
#define RESEND 0xFE

enum { M_OK = 0, M_BADFN = 1, M_BADIN = 2, M_IFERR = 3, M_RESEND = 4, M_NOHANDLER = 5 };

static uint8_t inb(struct bios *b, uint16_t port)
{
    return (uint8_t)portbus_in(b->io, port, 1);
}

static void outb(struct bios *b, uint16_t port, uint8_t v)
{
    portbus_out(b->io, port, v, 1);
}

static uint32_t ebda(struct bios *b)
{
    return (uint32_t)bios_rd16(b, BDA + 0x0E) << 4;
}

/* ---- talking to the mouse through the 8042 ---- */

struct session {
    uint8_t cb;      /* the command byte as found (keyboard disabled by us) */
    int held;        /* a keyboard byte taken out of the output buffer, or -1 */
};

static void begin(struct bios *b, struct session *s)
{
    outb(b, 0x64, 0xAD); /* keyboard off: its bytes stay in its queue */
    s->held = -1;
    for (int n = 0; n < 128 && (inb(b, 0x64) & ST_OBF); n++) {
        uint8_t st = inb(b, 0x64), v = inb(b, 0x60);
        if (!(st & ST_AUX))
            s->held = v;
    }
    outb(b, 0x64, 0x20);
    s->cb = inb(b, 0x60);
    outb(b, 0x64, 0x60);
    outb(b, 0x60, (uint8_t)(s->cb & ~(CB_KBD_INT | CB_AUX_INT | CB_AUX_OFF)));
}

static void end(struct bios *b, struct session *s)
{
    outb(b, 0x64, 0x60);
    outb(b, 0x60, (uint8_t)((s->cb | CB_AUX_INT) & ~CB_AUX_OFF));
    if (s->held >= 0) { /* back into the output buffer before the keyboard's next bytes */
        outb(b, 0x64, 0xD2);
        outb(b, 0x60, (uint8_t)s->held);
    }
    outb(b, 0x64, 0xAE);
}

/* Send one byte to the mouse and read its ACK and `n` more bytes. */
static int send(struct bios *b, uint8_t v, uint8_t *reply, int n)
{
    outb(b, 0x64, 0xD4);
    outb(b, 0x60, v);
    for (int k = -1; k < n; k++) {
        if ((inb(b, 0x64) & (ST_OBF | ST_AUX)) != (ST_OBF | ST_AUX))
            return M_IFERR;
        uint8_t r = inb(b, 0x60);
        if (k < 0 && r != ACK)
            return r == RESEND ? M_RESEND : M_IFERR;
        if (k >= 0)
            reply[k] = r;
    }
    return M_OK;
}

/* Commands with an optional parameter byte; the replies to the last one in reply. */
static int command(struct bios *b, uint8_t cmd, int param, uint8_t *reply, int n)
{
    struct session s;
    begin(b, &s);
    int rc = send(b, cmd, reply, param < 0 ? n : 0);
    if (rc == M_OK && param >= 0)
        rc = send(b, (uint8_t)param, reply, n);
    end(b, &s);
    return rc;
}

static void unmask_irq12(struct bios *b)
{
    outb(b, 0xA1, inb(b, 0xA1) & (uint8_t)~0x10);
    outb(b, 0x21, inb(b, 0x21) & (uint8_t)~0x04);
}

static int reset(struct bios *b, uint8_t *id, uint8_t *bat)
{
    uint8_t r[2];
    int rc = command(b, 0xFF, -1, r, 2);
    if (rc == M_OK) {
        *bat = r[0];
        *id = r[1];
        bios_wr8(b, ebda(b) + E_INDEX, 0);
    }
    return rc;
}

void bios_mouse_post(struct bios *b)
{
    uint32_t e = ebda(b);
    for (uint32_t k = E_HANDLER; k < E_PACKET + 8; k++)
        bios_wr8(b, e + k, 0);
    bios_wr8(b, e + E_FLAGS, 2); /* 3-byte packets */
    bios_wr16(b, BDA + 0x10, bios_rd16(b, BDA + 0x10) | 0x0004); /* pointing device installed */
}

void bios_int15_mouse(struct bios *b, struct cpu *c)
{
    static const uint8_t rates[7] = { 10, 20, 40, 60, 80, 100, 200 };
    uint8_t al = reg8_lo(c, R_EAX), bh = reg8_hi(c, R_EBX);
    uint32_t e = ebda(b);
    uint8_t r[3], id = 0, bat = 0;
    int rc = M_OK;
    switch (al) {
    case 0x00:
        if (bh > 1) {
            rc = M_BADIN;
        } else if (bh == 1 && !(bios_rd8(b, e + E_FLAGS) & HANDLER_SET)) {
            rc = M_NOHANDLER;
        } else {
            bios_wr8(b, e + E_INDEX, 0);
            rc = command(b, bh ? 0xF4 : 0xF5, -1, r, 0);
            if (rc == M_OK && bh)
                unmask_irq12(b);
        }
        break;
    case 0x01:
        rc = reset(b, &id, &bat);
        if (rc == M_OK) {
            set_hi(c, R_EBX, id);
            set_lo(c, R_EBX, bat);
        }
        break;
    case 0x02:
        rc = bh < 7 ? command(b, 0xF3, rates[bh], r, 0) : M_BADIN;
        break;
    case 0x03:
        rc = bh < 4 ? command(b, 0xE8, bh, r, 0) : M_BADIN;
        break;
    case 0x04:
        rc = command(b, 0xF2, -1, r, 1);
        if (rc == M_OK)
            set_hi(c, R_EBX, r[0]);
        break;
    case 0x05:
        if (bh < 1 || bh > 8) {
            rc = M_BADIN;
            break;
        }
        bios_wr8(b, e + E_FLAGS, (uint8_t)((bios_rd8(b, e + E_FLAGS) & HANDLER_SET) | (bh - 1)));
        rc = reset(b, &id, &bat);
        if (rc == M_OK)
            unmask_irq12(b);
        break;
    case 0x06:
        if (bh == 0) {
            rc = command(b, 0xE9, -1, r, 3);
            if (rc == M_OK) {
                set_lo(c, R_EBX, r[0]);
                set_lo(c, R_ECX, r[1]);
                set_lo(c, R_EDX, r[2]);
            }
        } else {
            rc = bh < 3 ? command(b, bh == 1 ? 0xE6 : 0xE7, -1, r, 0) : M_BADIN;
        }
        break;
    case 0x07: {
        uint16_t seg = c->seg[SEG_ES].sel, off = (uint16_t)c->r[R_EBX];
        uint8_t f = bios_rd8(b, e + E_FLAGS);
        bios_wr16(b, e + E_HANDLER, off);
        bios_wr16(b, e + E_HANDLER + 2, seg);
        bios_wr8(b, e + E_FLAGS, (uint8_t)(seg || off ? f | HANDLER_SET : f & ~HANDLER_SET));
        break;
    }
    default:
        rc = M_BADFN;
        break;
    }
    set_hi(c, R_EAX, (uint8_t)rc);
    bios_ret_flag(b, F_CF, rc != M_OK);
}

int bios_irq12(struct bios *b, struct cpu *c)
{
    if ((inb(b, 0x64) & (ST_OBF | ST_AUX)) != (ST_OBF | ST_AUX))
        return 0; /* nothing from the mouse (the byte was taken already) */
    uint8_t v = inb(b, 0x60);
    uint32_t e = ebda(b);
    uint8_t flags = bios_rd8(b, e + E_FLAGS), idx = bios_rd8(b, e + E_INDEX) & 7;
    unsigned size = (flags & 7u) + 1;
    if (idx == 0 && size >= 3 && !(v & 0x08))
        return 0; /* not a status byte: wait for the next packet */
    bios_wr8(b, e + E_PACKET + idx, v);
    if (++idx < size) {
        bios_wr8(b, e + E_INDEX, idx);
        return 0;
    }
    bios_wr8(b, e + E_INDEX, 0);
    if (!(flags & HANDLER_SET))
        return 0;
    /* the stub pushes AX (status), BX (X), CX (Y), 0 and calls [DS:22h] */
    set16(c, R_EAX, bios_rd8(b, e + E_PACKET));
    set16(c, R_EBX, size > 1 ? bios_rd8(b, e + E_PACKET + 1) : 0);
    set16(c, R_ECX, size > 2 ? bios_rd8(b, e + E_PACKET + 2) : 0);
    cpu_load_seg_real(c, SEG_DS, (uint16_t)(e >> 4));
    return 1;
}
