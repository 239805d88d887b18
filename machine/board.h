/*
 * board.h - the board's wiring (board.c) as machine.c calls it while it
 * builds a machine; internal to machine/.
 */
#ifndef TARSIER_MACHINE_BOARD_H
#define TARSIER_MACHINE_BOARD_H

#include <stddef.h>

#include "machine/machine.h"

/* Open the disk images of the configuration and cable them to the floppy
 * drives and IDE slots; the first two hard disks become the BIOS's 80h and
 * 81h, the first CD-ROM its El Torito drive.  Call before the BIOS and the
 * chipset are set up.  0, or -1 with a message in err. */
int board_attach_disks(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
/* Claim every device's ports, MMIO ranges and IRQ lines: the debug ports,
 * the VGA, port 92h, and (unless cfg->bare) the chipset and PCI bus 0.
 * 0, or -1 with a message in err. */
int board_wire(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);

#endif
