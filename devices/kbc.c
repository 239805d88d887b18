/*
 * kbc.c - Intel 8042 (UPI-42 based) PC/AT keyboard controller with a PS/2
 * keyboard and a PS/2 mouse, following the IBM PC/AT and PS/2 technical
 * references' description of the 8042 firmware: status register (OBF, SYS,
 * A2, inhibit switch, AUX OBF), command byte (0x20/0x60, interrupts, SYS,
 * port disables, set 2 -> set 1 translation), controller commands 0x20-0x3F,
 * 0x60-0x7F, 0xA4, 0xA7-0xAB, 0xAD/0xAE, 0xC0, 0xD0-0xD4, 0xDD/0xDF, 0xE0,
 * 0xF0-0xFF (pulse; bit 0 = CPU reset), and the output port (A20, reset).
 * Keyboard: ACK/RESEND protocol, 0xED LEDs, 0xEE echo, 0xF0 scan-code set
 * (1 and 2; set 3 requests are acknowledged and scanned as set 2), 0xF2 ID
 * (AB 83), 0xF3 typematic, 0xF4/0xF5/0xF6, 0xFE resend, 0xFF reset (AA).
 * Mouse: standard 3-byte PS/2 protocol, ID 0, stream and remote modes,
 * reporting on/off, sample rate, resolution, scaling, status request, wrap.
 *
 * Left out: typematic repeat (the host sends repeats), the timing of the
 * serial links (bytes arrive at once), scaling 2:1 applied to motion, the
 * IntelliMouse wheel extension, the password and the controller's parity and
 * timeout errors.  A controller reply overwrites a full output buffer.
 */
#include <string.h>

#include "devices/kbc.h"

#define CB_KBD_INT 0x01
#define CB_AUX_INT 0x02
#define CB_SYS 0x04
#define CB_KBD_OFF 0x10
#define CB_AUX_OFF 0x20
#define CB_XLAT 0x40

#define ACK 0xFA
#define RESEND 0xFE

/* Set 2 -> set 1: the translation the 8042 performs on every byte from the
 * keyboard (with bit 7 of the result set for the byte after an F0 break
 * prefix).  The table is the controller's fixed one for 00h-7Fh, so keys
 * that differ between the sets only in their E0 prefix (arrows, the browser
 * and multimedia keys, Windows keys), the Japanese keys (Ro 51h -> 73h, Yen
 * 6Ah -> 7Dh, Henkan 64h -> 79h, Muhenkan 67h -> 7Bh, Katakana 13h -> 70h)
 * and F13-F24 come out as set 1 has them.  Above 7Fh only F7 (83h) and the
 * alternate SysRq (84h) translate; other codes pass unchanged. */
static const uint8_t set2_set1[0x80] = {
    0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59, /* 00 */
    0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B, /* 10 */
    0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D, /* 20 */
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F, /* 30 */
    0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61, /* 40 */
    0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76, /* 50 */
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F, /* 60 */
    0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54, /* 70 */
};

uint8_t kbc_set2_to_set1(uint8_t code)
{
    if (code < sizeof(set2_set1))
        return set2_set1[code];
    return code == 0x83 ? 0x41 : code == 0x84 ? 0x54 : code;
}

static void update_irq(struct kbc *k)
{
    uint8_t cb = k->ram[0];
    uint8_t l1 = k->ob_full && !k->ob_aux && (cb & CB_KBD_INT);
    uint8_t l12 = k->ob_full && k->ob_aux && (cb & CB_AUX_INT);
    if (l1 != k->irq1_level) {
        k->irq1_level = l1;
        irq_set(&k->irq1, l1);
    }
    if (l12 != k->irq12_level) {
        k->irq12_level = l12;
        irq_set(&k->irq12, l12);
    }
}

static uint8_t q_pop(uint8_t *q, uint8_t *head, uint8_t *count, unsigned len)
{
    uint8_t v = q[*head];
    *head = (uint8_t)((*head + 1) % len);
    (*count)--;
    return v;
}

/* Move the next byte from the keyboard or the mouse into an empty output buffer. */
static void pump(struct kbc *k)
{
    while (!k->ob_full) {
        uint8_t cb = k->ram[0];
        if (k->kq_count && !(cb & CB_KBD_OFF)) {
            uint8_t v = q_pop(k->kq, &k->kq_head, &k->kq_count, KBC_KBD_QLEN);
            if (cb & CB_XLAT) {
                if (v == 0xF0) {
                    k->xlat_break = 1;
                    continue;
                }
                v = (uint8_t)(kbc_set2_to_set1(v) | (k->xlat_break ? 0x80 : 0));
                k->xlat_break = 0;
            }
            k->ob = v;
            k->ob_aux = 0;
            k->ob_full = 1;
        } else if (k->aq_count && !(cb & CB_AUX_OFF)) {
            k->ob = q_pop(k->aq, &k->aq_head, &k->aq_count, KBC_AUX_QLEN);
            k->ob_aux = 1;
            k->ob_full = 1;
        } else {
            break;
        }
    }
    update_irq(k);
}

static void kbd_put(struct kbc *k, uint8_t v)
{
    if (k->kq_count < KBC_KBD_QLEN) {
        k->kq[(k->kq_head + k->kq_count) % KBC_KBD_QLEN] = v;
        k->kq_count++;
    }
    k->kbd_last = v;
}

static void aux_put(struct kbc *k, uint8_t v)
{
    if (k->aq_count < KBC_AUX_QLEN) {
        k->aq[(k->aq_head + k->aq_count) % KBC_AUX_QLEN] = v;
        k->aq_count++;
    }
    k->aux_last = v;
}

static void reply(struct kbc *k, uint8_t v)
{
    k->ob = v;
    k->ob_aux = 0;
    k->ob_full = 1;
    update_irq(k);
}

static void write_outport(struct kbc *k, uint8_t v)
{
    k->outport = v;
    if (k->mem)
        memmap_set_a20(k->mem, (v & 2) != 0);
    if (!(v & 1))
        k->reset_requested = 1;
}

/* ---- keyboard ---- */

static void kbd_defaults(struct kbc *k)
{
    k->kbd_typematic = 0x2B;
    k->kbd_cmd = 0;
}

static void kbd_write(struct kbc *k, uint8_t v)
{
    if (k->kbd_cmd && v < 0xED) {
        switch (k->kbd_cmd) {
        case 0xED: k->kbd_leds = v & 7; kbd_put(k, ACK); break;
        case 0xF3: k->kbd_typematic = v & 0x7F; kbd_put(k, ACK); break;
        case 0xF0:
            if (v == 0) {
                kbd_put(k, ACK);
                kbd_put(k, k->kbd_set);
            } else if (v <= 3) {
                k->kbd_set = v;
                kbd_put(k, ACK);
            } else {
                kbd_put(k, RESEND);
            }
            break;
        }
        k->kbd_cmd = 0;
        return;
    }
    k->kbd_cmd = 0;
    switch (v) {
    case 0xED: case 0xF0: case 0xF3:
        k->kbd_cmd = v;
        kbd_put(k, ACK);
        break;
    case 0xEE: kbd_put(k, 0xEE); break;
    case 0xF2: kbd_put(k, ACK); kbd_put(k, 0xAB); kbd_put(k, 0x83); break;
    case 0xF4: k->kbd_scanning = 1; kbd_put(k, ACK); break;
    case 0xF5: case 0xF6:
        k->kq_count = 0;
        kbd_defaults(k);
        k->kbd_scanning = v == 0xF6;
        kbd_put(k, ACK);
        break;
    case 0xF7: case 0xF8: case 0xF9: case 0xFA: case 0xFB: case 0xFC: case 0xFD:
        kbd_put(k, ACK); /* set 3 key attributes: accepted, not acted on */
        break;
    case 0xFE: kbd_put(k, k->kbd_last); break;
    case 0xFF:
        k->kq_count = 0;
        kbd_defaults(k);
        k->kbd_scanning = 1;
        k->kbd_set = 2;
        k->kbd_leds = 0;
        kbd_put(k, ACK);
        kbd_put(k, 0xAA); /* basic assurance test passed */
        break;
    default: kbd_put(k, RESEND); break;
    }
}

/* ---- mouse ---- */

static void aux_defaults(struct kbc *k)
{
    k->aux_rate = 100;
    k->aux_res = 2;
    k->aux_scaling = 0;
    k->aux_reporting = 0;
    k->aux_remote = 0;
    k->aux_dx = k->aux_dy = 0;
    k->aux_cmd = 0;
}

static int clamp255(int v)
{
    return v > 255 ? 255 : v < -255 ? -255 : v;
}

static void aux_packet(struct kbc *k, int dx, int dy)
{
    if (k->aq_count + 3 > KBC_AUX_QLEN)
        return;
    uint8_t b0 = (uint8_t)(0x08 | (k->aux_buttons & 7) | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0));
    aux_put(k, b0);
    aux_put(k, (uint8_t)dx);
    aux_put(k, (uint8_t)dy);
}

static void aux_write(struct kbc *k, uint8_t v)
{
    if (k->aux_wrap && v != 0xEC && v != 0xFF) {
        aux_put(k, v);
        return;
    }
    if (k->aux_cmd) {
        if (k->aux_cmd == 0xF3)
            k->aux_rate = v;
        else
            k->aux_res = v & 3;
        k->aux_cmd = 0;
        aux_put(k, ACK);
        return;
    }
    switch (v) {
    case 0xE6: k->aux_scaling = 0; aux_put(k, ACK); break;
    case 0xE7: k->aux_scaling = 1; aux_put(k, ACK); break;
    case 0xE8: case 0xF3: k->aux_cmd = v; aux_put(k, ACK); break;
    case 0xE9:
        aux_put(k, ACK);
        aux_put(k, (uint8_t)((k->aux_remote << 6) | (k->aux_reporting << 5) | (k->aux_scaling << 4) |
                             (k->aux_buttons & 1 ? 4 : 0) | (k->aux_buttons & 4 ? 2 : 0) |
                             (k->aux_buttons & 2 ? 1 : 0)));
        aux_put(k, k->aux_res);
        aux_put(k, k->aux_rate);
        break;
    case 0xEA: k->aux_remote = 0; aux_put(k, ACK); break;
    case 0xF0: k->aux_remote = 1; aux_put(k, ACK); break;
    case 0xEB: {
        aux_put(k, ACK);
        int dx = clamp255((int16_t)k->aux_dx), dy = clamp255((int16_t)k->aux_dy);
        aux_packet(k, dx, dy);
        k->aux_dx = k->aux_dy = 0;
        break;
    }
    case 0xEC: k->aux_wrap = 0; aux_put(k, ACK); break;
    case 0xEE: k->aux_wrap = 1; aux_put(k, ACK); break;
    case 0xF2: aux_put(k, ACK); aux_put(k, 0x00); break;
    case 0xF4: k->aux_reporting = 1; aux_put(k, ACK); break;
    case 0xF5: k->aux_reporting = 0; aux_put(k, ACK); break;
    case 0xF6: aux_defaults(k); aux_put(k, ACK); break;
    case 0xFE: aux_put(k, k->aux_last); break;
    case 0xFF:
        k->aq_count = 0;
        aux_defaults(k);
        k->aux_wrap = 0;
        aux_put(k, ACK);
        aux_put(k, 0xAA);
        aux_put(k, 0x00);
        break;
    default: aux_put(k, RESEND); break;
    }
}

/* ---- controller ---- */

static void controller_cmd(struct kbc *k, uint8_t v)
{
    if (v >= 0x20 && v <= 0x3F) {
        reply(k, k->ram[v & 0x1F]);
        return;
    }
    if ((v >= 0x60 && v <= 0x7F) || (v >= 0xD1 && v <= 0xD4)) {
        k->pending = v;
        return;
    }
    if (v >= 0xF0) {
        /* pulse output port bits 3-0 low for 6 us; bit 0 is the CPU reset */
        if (!(v & 1))
            k->reset_requested = 1;
        return;
    }
    switch (v) {
    case 0xA4: reply(k, 0xF1); break;                 /* no password installed */
    case 0xA7: k->ram[0] |= CB_AUX_OFF; break;
    case 0xA8: k->ram[0] &= (uint8_t)~CB_AUX_OFF; break;
    case 0xA9: reply(k, 0x00); break;                 /* aux interface test: OK */
    case 0xAA: reply(k, 0x55); break;                 /* self-test passed */
    case 0xAB: reply(k, 0x00); break;                 /* keyboard interface test: OK */
    case 0xAD: k->ram[0] |= CB_KBD_OFF; break;
    case 0xAE: k->ram[0] &= (uint8_t)~CB_KBD_OFF; break;
    case 0xC0: reply(k, 0xA0); break;                 /* input port: not inhibited, colour display */
    case 0xD0:
        reply(k, (uint8_t)((k->outport & 0xCF) | (k->ob_full && !k->ob_aux ? 0x10 : 0) |
                           (k->ob_full && k->ob_aux ? 0x20 : 0)));
        break;
    case 0xDD: write_outport(k, k->outport & (uint8_t)~2); break;
    case 0xDF: write_outport(k, k->outport | 2); break;
    case 0xE0: reply(k, 0x00); break;                 /* test inputs */
    default: break;                                   /* unknown: ignored, as by the 8042 */
    }
    pump(k);
}

static void data_write(struct kbc *k, uint8_t v)
{
    uint8_t p = k->pending;
    k->pending = 0;
    if (p >= 0x60 && p <= 0x7F) {
        k->ram[p & 0x1F] = v;
    } else if (p == 0xD1) {
        write_outport(k, v);
    } else if (p == 0xD2) {
        reply(k, v);
    } else if (p == 0xD3) {
        reply(k, v);
        k->ob_aux = 1;
    } else if (p == 0xD4) {
        aux_write(k, v);
    } else {
        kbd_write(k, v);
    }
    update_irq(k);
    pump(k);
}

static uint32_t data_read(void *opaque, uint32_t off, int size)
{
    struct kbc *k = opaque;
    uint8_t v = k->ob;
    if (k->ob_full) {
        k->ob_full = 0;
        update_irq(k);
        pump(k);
    }
    return v;
}

static void data_port_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct kbc *k = opaque;
    k->last_was_cmd = 0;
    data_write(k, (uint8_t)val);
}

static uint32_t status_read(void *opaque, uint32_t off, int size)
{
    struct kbc *k = opaque;
    return (k->ob_full ? 0x01 : 0) | (k->ram[0] & CB_SYS) | (k->last_was_cmd ? 0x08 : 0) | 0x10 |
           (k->ob_full && k->ob_aux ? 0x20 : 0);
}

static void cmd_port_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct kbc *k = opaque;
    k->last_was_cmd = 1;
    k->pending = 0;
    controller_cmd(k, (uint8_t)val);
}

const struct io_ops kbc_data_ops = { data_read, data_port_write, IO_SIZE8 };
const struct io_ops kbc_cmd_ops = { status_read, cmd_port_write, IO_SIZE8 };

/* ---- host input ---- */

void kbc_key(struct kbc *k, uint16_t code, int down)
{
    if (!k->kbd_scanning)
        return;
    uint8_t c = (uint8_t)code;
    if ((code >> 8) == 0xE0)
        kbd_put(k, 0xE0);
    if (k->kbd_set == 1) {
        kbd_put(k, (uint8_t)(kbc_set2_to_set1(c) | (down ? 0 : 0x80)));
    } else {
        if (!down)
            kbd_put(k, 0xF0);
        kbd_put(k, c);
    }
    pump(k);
}

void kbc_key_bytes(struct kbc *k, const uint8_t *bytes, int n)
{
    if (!k->kbd_scanning)
        return;
    for (int i = 0; i < n; i++)
        kbd_put(k, bytes[i]);
    pump(k);
}

void kbc_mouse(struct kbc *k, int dx, int dy, unsigned buttons)
{
    dy = -dy; /* PS/2: positive is up */
    k->aux_buttons = (uint8_t)(buttons & 7);
    if (k->aux_remote) {
        k->aux_dx = (uint16_t)(k->aux_dx + dx);
        k->aux_dy = (uint16_t)(k->aux_dy + dy);
        return;
    }
    if (!k->aux_reporting)
        return;
    do {
        int cx = clamp255(dx), cy = clamp255(dy);
        aux_packet(k, cx, cy);
        dx -= cx;
        dy -= cy;
    } while (dx || dy);
    pump(k);
}

void kbc_init(struct kbc *k)
{
    struct irq_line i1 = k->irq1, i12 = k->irq12;
    struct memmap *mem = k->mem;
    memset(k, 0, sizeof(*k));
    k->irq1 = i1;
    k->irq12 = i12;
    k->mem = mem;
    k->ram[0] = CB_KBD_INT | CB_XLAT; /* as the BIOS leaves it; SYS clear at power-on */
    k->outport = 0x03;                /* reset line inactive, A20 enabled */
    k->kbd_scanning = 1;
    k->kbd_set = 2;
    kbd_defaults(k);
    aux_defaults(k);
}

static const struct state_field kbc_fields[] = {
    STATE_ARRAY(struct kbc, ram, ST_BYTES, 32),
    STATE_FIELD(struct kbc, outport, ST_U8), STATE_FIELD(struct kbc, ob, ST_U8),
    STATE_FIELD(struct kbc, ob_full, ST_U8), STATE_FIELD(struct kbc, ob_aux, ST_U8),
    STATE_FIELD(struct kbc, last_was_cmd, ST_U8), STATE_FIELD(struct kbc, pending, ST_U8),
    STATE_FIELD(struct kbc, xlat_break, ST_U8), STATE_FIELD(struct kbc, irq1_level, ST_U8),
    STATE_FIELD(struct kbc, irq12_level, ST_U8), STATE_FIELD(struct kbc, reset_requested, ST_U8),
    STATE_ARRAY(struct kbc, kq, ST_BYTES, KBC_KBD_QLEN),
    STATE_FIELD(struct kbc, kq_head, ST_U8), STATE_FIELD(struct kbc, kq_count, ST_U8),
    STATE_FIELD(struct kbc, kbd_cmd, ST_U8), STATE_FIELD(struct kbc, kbd_scanning, ST_U8),
    STATE_FIELD(struct kbc, kbd_set, ST_U8), STATE_FIELD(struct kbc, kbd_leds, ST_U8),
    STATE_FIELD(struct kbc, kbd_typematic, ST_U8), STATE_FIELD(struct kbc, kbd_last, ST_U8),
    STATE_ARRAY(struct kbc, aq, ST_BYTES, KBC_AUX_QLEN),
    STATE_FIELD(struct kbc, aq_head, ST_U8), STATE_FIELD(struct kbc, aq_count, ST_U8),
    STATE_FIELD(struct kbc, aux_cmd, ST_U8), STATE_FIELD(struct kbc, aux_reporting, ST_U8),
    STATE_FIELD(struct kbc, aux_remote, ST_U8), STATE_FIELD(struct kbc, aux_wrap, ST_U8),
    STATE_FIELD(struct kbc, aux_rate, ST_U8), STATE_FIELD(struct kbc, aux_res, ST_U8),
    STATE_FIELD(struct kbc, aux_scaling, ST_U8), STATE_FIELD(struct kbc, aux_buttons, ST_U8),
    STATE_FIELD(struct kbc, aux_last, ST_U8), STATE_FIELD(struct kbc, aux_dx, ST_U16),
    STATE_FIELD(struct kbc, aux_dy, ST_U16),
    STATE_END
};
const struct state_table kbc_state = { "kbc", 1, kbc_fields };
