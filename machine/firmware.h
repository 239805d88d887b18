/*
 * firmware.h - what firmware.c sets up from the configuration for the
 * firmware: ROM images, the built-in BIOS, -kernel, and the CMOS bytes;
 * internal to machine/.  Each returns 0, or -1 with a message in err.
 */
#ifndef TARSIER_MACHINE_FIRMWARE_H
#define TARSIER_MACHINE_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

/* -bios: read the raw ROM image and map it below 1 MiB and at the top of the
 * CPU's address space (nothing without cfg->bios_path). */
int firmware_rom(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
/* Build and map the built-in BIOS and wire the firmware trap to it (after
 * board_attach_disks: it takes the drives from the machine). */
int firmware_builtin_bios(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
/* -kernel/-initrd/-append: load a Multiboot image or a Linux kernel into RAM. */
int firmware_kernel(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
/* -rtc base: the RTC's start time in seconds since 1970 (NULL: 2000-01-01). */
int firmware_rtc_base(const char *spec, int64_t *epoch, char *err, size_t errlen);
/* The CMOS memory sizes, diskette types and equipment byte, and checksum. */
void firmware_cmos_setup(struct machine *m);
/* -boot as CMOS 38h/3Dh for firmware that reads the boot order there. */
int firmware_cmos_boot_order(struct machine *m, const char *order, char *err, size_t errlen);

#endif
