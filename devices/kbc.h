/*
 * kbc.h - Intel 8042 keyboard controller (ports 0x60 data, 0x64 status and
 * command) with a PS/2 keyboard on its first port and a PS/2 mouse on the
 * auxiliary port.  The output port carries the A20 gate (memmap_set_a20) and
 * the CPU reset line (reset_requested, honoured by the board like port 92h's).
 * IRQ1 follows "output buffer full with keyboard data", IRQ12 "with mouse data".
 *
 * Host side: kbc_key() injects a key press or release given as a PC scan code
 * set 2 make code (0xE0xx for the E0-prefixed keys); kbc_key_bytes() sends raw
 * bytes as the keyboard would (Pause, Print Screen); kbc_mouse() reports a move
 * and the button state.
 */
#ifndef TARSIER_KBC_H
#define TARSIER_KBC_H

#include <stdint.h>

#include "machine/io.h"
#include "machine/memmap.h"
#include "machine/state.h"

#define KBC_KBD_QLEN 16      /* a PS/2 keyboard buffers 16 bytes */
#define KBC_AUX_QLEN 48

#define KBC_BTN_LEFT 1
#define KBC_BTN_RIGHT 2
#define KBC_BTN_MIDDLE 4

struct kbc {
    /* controller */
    uint8_t ram[32];         /* 8042 RAM; ram[0] is the command byte */
    uint8_t outport;         /* bit 0 reset (active low), bit 1 A20 */
    uint8_t ob;              /* output buffer */
    uint8_t ob_full, ob_aux; /* OBF, and whether the byte came from the mouse */
    uint8_t last_was_cmd;    /* status bit 3 */
    uint8_t pending;         /* controller command waiting for its data byte */
    uint8_t xlat_break;      /* translation saw an F0 prefix */
    uint8_t irq1_level, irq12_level;
    uint8_t reset_requested; /* the guest pulsed the reset line */
    /* keyboard */
    uint8_t kq[KBC_KBD_QLEN];
    uint8_t kq_head, kq_count;
    uint8_t kbd_cmd;         /* command waiting for its parameter */
    uint8_t kbd_scanning, kbd_set, kbd_leds, kbd_typematic, kbd_last;
    /* mouse */
    uint8_t aq[KBC_AUX_QLEN];
    uint8_t aq_head, aq_count;
    uint8_t aux_cmd;
    uint8_t aux_reporting, aux_remote, aux_wrap, aux_rate, aux_res, aux_scaling, aux_buttons, aux_last;
    uint16_t aux_dx, aux_dy; /* remote mode: movement not yet read (two's complement) */

    struct irq_line irq1, irq12;
    struct memmap *mem;
};

extern const struct io_ops kbc_data_ops;   /* port 0x60 */
extern const struct io_ops kbc_cmd_ops;    /* port 0x64 */
extern const struct state_table kbc_state;

/* Power-on state.  Set irq1, irq12 and mem first. */
void kbc_init(struct kbc *k);
/* Host input: a key as a set 2 make code (0x00-0xFF, or 0xE000 | code). */
void kbc_key(struct kbc *k, uint16_t code, int down);
/* Host input: bytes exactly as the keyboard sends them. */
void kbc_key_bytes(struct kbc *k, const uint8_t *bytes, int n);
/* Host input: relative motion (dy > 0 is down the screen) and KBC_BTN_* state. */
void kbc_mouse(struct kbc *k, int dx, int dy, unsigned buttons);
/* Scan code set 1 code for a set 2 make code (the 8042 translation table). */
uint8_t kbc_set2_to_set1(uint8_t code);

#endif
