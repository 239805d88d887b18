/*
 * i440fx.h - the Intel 82441FX PMC (i440FX host bridge), PCI 00:00.0.
 */
#ifndef TARSIER_I440FX_H
#define TARSIER_I440FX_H

#include "devices/pci.h"
#include "machine/memmap.h"

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72

struct i440fx {
    struct pci_func pci;
    struct memmap *mem;          /* the shadow control of C0000-FFFFF */
};

void i440fx_init(struct i440fx *h, struct memmap *mem, uint32_t ram_size);
/* Apply the PAM registers to the memory map (after reset or a snapshot load). */
void i440fx_apply_pam(struct i440fx *h);

extern const struct state_table i440fx_state;

#endif
