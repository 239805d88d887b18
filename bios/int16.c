/*
 * int16.c - the keyboard: IRQ 1 (INT 09h) reads scan codes (set 1, as the
 * 8042 delivers them with translation on) from port 60h, tracks the shift
 * state in the BIOS data area and queues (scan << 8 | ASCII) words in the
 * BDA ring buffer; INT 16h reads, peeks and stuffs that buffer.  Key codes
 * per the IBM PC/AT Technical Reference keyboard tables.
 */
#include "bios/bios.h"
#include "cpu/sem.h"

#define BDA 0x400u
#define IDLE_POLLS 64

/* ASCII for scan codes 00h-39h: unshifted and shifted. */
static const char plain[0x3A] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 8, 9,
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', 13, 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3A] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 8, 0,
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', 13, 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};
/* keypad 47h-53h with Num Lock on */
static const char keypad[13] = { '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.' };

int bios_kbd_push(struct bios *b, uint16_t key)
{
    uint16_t head = bios_rd16(b, BDA + 0x1A), tail = bios_rd16(b, BDA + 0x1C);
    uint16_t start = bios_rd16(b, BDA + 0x80), end = bios_rd16(b, BDA + 0x82);
    uint16_t next = (uint16_t)(tail + 2);
    if (next >= end)
        next = start;
    if (next == head)
        return 0; /* full */
    bios_wr16(b, BDA + tail, key);
    bios_wr16(b, BDA + 0x1C, next);
    return 1;
}

static int kbd_pop(struct bios *b, uint16_t *key, int remove)
{
    uint16_t head = bios_rd16(b, BDA + 0x1A), tail = bios_rd16(b, BDA + 0x1C);
    if (head == tail)
        return 0;
    *key = bios_rd16(b, BDA + head);
    if (remove) {
        head = (uint16_t)(head + 2);
        if (head >= bios_rd16(b, BDA + 0x82))
            head = bios_rd16(b, BDA + 0x80);
        bios_wr16(b, BDA + 0x1A, head);
    }
    return 1;
}

void bios_irq1(struct bios *b, struct cpu *c)
{
    uint8_t sc = (uint8_t)portbus_in(b->io, 0x60, 1);
    uint8_t flags = bios_rd8(b, BDA + 0x17);
    if (sc == 0xE0) {
        b->e0_prefix = 1;
        return;
    }
    int ext = b->e0_prefix;
    b->e0_prefix = 0;
    int brk = sc & 0x80;
    uint8_t code = sc & 0x7F;
    uint8_t bit = 0;
    switch (code) {
    case 0x2A: bit = 0x02; break;           /* left shift */
    case 0x36: bit = 0x01; break;           /* right shift */
    case 0x1D: bit = 0x04; break;           /* ctrl */
    case 0x38: bit = 0x08; break;           /* alt */
    }
    if (bit) {
        if (ext && bit == 0x02)
            return; /* fake shifts around extended keys */
        flags = brk ? (uint8_t)(flags & ~bit) : (uint8_t)(flags | bit);
        bios_wr8(b, BDA + 0x17, flags);
        return;
    }
    if (brk)
        return;
    switch (code) {
    case 0x3A: bios_wr8(b, BDA + 0x17, flags ^ 0x40); return; /* caps lock */
    case 0x45: bios_wr8(b, BDA + 0x17, flags ^ 0x20); return; /* num lock */
    case 0x46: bios_wr8(b, BDA + 0x17, flags ^ 0x10); return; /* scroll lock */
    }
    int shift = flags & 0x03, ctrl = flags & 0x04, alt = flags & 0x08;
    uint16_t key;
    if (code < 0x3A && !ext) {
        char ch = shift ? shifted[code] : plain[code];
        if ((flags & 0x40) && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 32);
        else if ((flags & 0x40) && ch >= 'A' && ch <= 'Z' && shift)
            ch = (char)(ch + 32);
        if (alt)
            ch = 0;
        else if (ctrl && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
            ch = (char)((ch & 0x1F));
        key = (uint16_t)(code << 8 | (uint8_t)ch);
    } else if (code >= 0x3B && code <= 0x44) { /* F1-F10 */
        uint8_t s = code;
        if (shift)
            s = (uint8_t)(code + 0x19);
        else if (ctrl)
            s = (uint8_t)(code + 0x23);
        else if (alt)
            s = (uint8_t)(code + 0x2D);
        key = (uint16_t)(s << 8);
    } else if (code >= 0x47 && code <= 0x53) {
        int num = (flags & 0x20) && !ext;
        if (num != !!shift)
            key = (uint16_t)(code << 8 | (uint8_t)keypad[code - 0x47]);
        else
            key = (uint16_t)(code << 8 | (ext ? 0xE0 : 0));
        if (!ext && (code == 0x4A || code == 0x4E))
            key = (uint16_t)(code << 8 | (uint8_t)keypad[code - 0x47]);
    } else if (code == 0x57 || code == 0x58) { /* F11, F12 */
        key = (uint16_t)((code == 0x57 ? 0x85 : 0x86) << 8);
    } else if (ext && code == 0x1C) {
        key = 0xE00D; /* keypad enter */
    } else if (ext && code == 0x35) {
        key = 0xE02F; /* keypad slash */
    } else {
        return;
    }
    if (ctrl && alt && code == 0x53) { /* ctrl-alt-del: warm boot */
        bios_wr16(b, BDA + 0x72, 0x1234);
        portbus_out(b->io, 0x64, 0xFE, 1);
        return;
    }
    bios_kbd_push(b, key);
}

int bios_int16(struct bios *b, struct cpu *c)
{
    uint8_t ah = reg8_hi(c, R_EAX);
    uint16_t key;
    switch (ah) {
    case 0x00:
    case 0x10:
        if (!kbd_pop(b, &key, 1))
            return 1; /* wait for a key */
        if (ah == 0x00 && (key & 0xFF) == 0xE0)
            key &= 0xFF00;
        set16(c, R_EAX, key);
        return 0;
    case 0x01:
    case 0x11:
        if (!kbd_pop(b, &key, 0)) {
            bios_ret_flag(b, F_ZF, true);
            /* Idle detection: only an interrupt can fill an empty buffer, so a
             * guest polling in a loop is halted until the next interrupt once
             * every IDLE_POLLS empty polls (the stub's STI; HLT), which only
             * saves host time: the guest sees the same keyboard state. */
            if (++b->idle_polls >= IDLE_POLLS) {
                b->idle_polls = 0;
                return 1;
            }
            return 0;
        }
        b->idle_polls = 0;
        if (ah == 0x01 && (key & 0xFF) == 0xE0)
            key &= 0xFF00;
        set16(c, R_EAX, key);
        bios_ret_flag(b, F_ZF, false);
        return 0;
    case 0x02:
    case 0x12:
        set_lo(c, R_EAX, bios_rd8(b, BDA + 0x17));
        if (ah == 0x12)
            set_hi(c, R_EAX, 0);
        return 0;
    case 0x03:
        return 0;
    case 0x05:
        set_lo(c, R_EAX, bios_kbd_push(b, (uint16_t)c->r[R_ECX]) ? 0 : 1);
        return 0;
    }
    return 0;
}
