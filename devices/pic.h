/*
 * pic.h - the two cascaded Intel 8259A programmable interrupt controllers of
 * the PC/AT (master at 0x20, slave at 0xA0 on the master's IR2) and the PIIX
 * edge/level control registers (ELCR, 0x4D0/0x4D1).
 *
 * Inputs: pic_set_irq(pic, n, level) for ISA IRQ 0-15, used as the set
 * function of the struct irq_line values the board hands to devices.  An
 * edge-triggered input must stay high until the interrupt is acknowledged (as
 * the 8259A requires): a request that goes away before INTA is withdrawn.
 * IRQ2 of the ISA bus is the slave's IR1 (IRQ9), as on the AT.
 * Output: the master's INT pin drives `out` (the board connects it to the CPU's
 * INTR); pic_ack() is the INTA sequence and returns the vector.
 */
#ifndef TARSIER_PIC_H
#define TARSIER_PIC_H

#include <stdint.h>

#include "machine/io.h"
#include "machine/state.h"

struct pic_chip {
    uint8_t irr;          /* request latches (edge-triggered inputs) */
    uint8_t isr;          /* in service */
    uint8_t imr;          /* OCW1 mask */
    uint8_t level;        /* current input levels */
    uint8_t elcr;         /* PIIX ELCR: 1 = level-triggered */
    uint8_t icw1, icw3, icw4;
    uint8_t vbase;        /* ICW2 bits 7-3 */
    uint8_t init_step;    /* 0 ready; 2, 3, 4: the ICW expected next */
    uint8_t lowest;       /* the IR with the lowest priority (7 after ICW1) */
    uint8_t read_isr;     /* OCW3 RR/RIS: reads at A0=0 return the ISR */
    uint8_t poll;         /* OCW3 P: the next read is a poll */
    uint8_t smm;          /* special mask mode */
    uint8_t rotate_aeoi;  /* OCW2 rotate in automatic-EOI mode */
};

struct pic {
    struct pic_chip chip[2];   /* 0 master, 1 slave */
    uint8_t int_out;           /* level driven on `out` */
    struct irq_line out;       /* INT of the master (to the CPU's INTR) */
    uint32_t acked[16];        /* INTA cycles per ISA IRQ, spurious ones left out
                                  (statistics for the monitor's `info irq`, not state) */
};

/* ops for the master (2 ports), the slave (2 ports) and the ELCR pair */
extern const struct io_ops pic_master_ops, pic_slave_ops, pic_elcr_ops;
extern const struct state_table pic_state;

/* Power-on state; `out` must be set by the board before or after. */
void pic_init(struct pic *p);
/* struct irq_line set function: n = ISA IRQ 0-15. */
void pic_set_irq(void *opaque, int n, int level);
/* INTA: highest-priority request -> ISR, returns its vector (a spurious
 * request gives IR7 of the chip concerned). */
int pic_ack(struct pic *p);
/* Re-evaluate the output after a state load. */
void pic_update(struct pic *p);

#endif
