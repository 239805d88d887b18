/*
 * drive.h - parsing of -drive, -cdrom, -hdc and -hdd into the machine
 * configuration (QEMU's spellings).
 */
#ifndef TARSIER_DRIVE_H
#define TARSIER_DRIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "machine/machine.h"

/* Put a drive into IDE slot index (0-3; -1: the first free one).  opt names
 * the option in messages.  Returns 0, or -1 with a message in err. */
int drive_add_ide(struct machine_config *cfg, int index, const char *path, bool cdrom, bool readonly,
                  const char *opt, char *err, size_t errlen);
/* -drive file=PATH,if=ide|floppy,media=disk|cdrom,readonly=on|off,index=N,format=raw.
 * spec is parsed in place (commas become string ends) and must outlive cfg. */
int drive_parse(struct machine_config *cfg, char *spec, char *err, size_t errlen);

#endif
