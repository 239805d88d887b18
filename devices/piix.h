/*
 * piix.h - the Intel 82371SB PIIX3: function 0 (PCI-to-ISA bridge with the
 * PIRQ router, 00:01.0) and function 1 (IDE interface, 00:01.1).  The
 * power-management function 3 (PIIX4 style) is devices/acpi_pm.h.
 */
#ifndef TARSIER_PIIX_H
#define TARSIER_PIIX_H

#include "devices/pci.h"

#define PIIX_PIRQRC 0x60        /* PIRQ A-D route control, 60h-63h */
#define PIIX_IDE_BM_BAR 4       /* BMIBA: the bus-master IDE registers */

struct piix {
    struct pci_func isa;        /* 00:01.0 8086:7000 */
    struct pci_func ide;        /* 00:01.1 8086:7010 */
    struct irq_line irq[16];    /* the ISA IRQ wires (the board) */
    uint32_t pirq_src[4][4];    /* per PIRQ: asserted (device, pin) sources, bit 4*dev + pin-1 */
    uint16_t pci_irqs;          /* ISA IRQs currently driven by PIRQs */
    uint8_t warned;
};

/* Set up both functions; ide_bm/ide_opaque serve BAR4 (16 ports; NULL: none yet). */
void piix_init(struct piix *p, const struct io_ops *ide_bm, void *ide_opaque);
/* A PCI device's INTx# line: pin 1-4 = INTA#-INTD#, through the standard
 * swizzle (dev + pin - 1) mod 4 onto PIRQA#-PIRQD#, then the route registers. */
void piix_pci_irq(struct piix *p, int dev, int pin, int level);
/* Re-drive the IRQ outputs after the route registers changed (or a load). */
void piix_update_irqs(struct piix *p);

extern const struct state_table piix_state;

#endif
