/*
 * script.h - scripted headless control (-script FILE); see script.c.
 */
#ifndef TARSIER_SCRIPT_H
#define TARSIER_SCRIPT_H

#include <stddef.h>

#include "machine/machine.h"

/* Check that the script can be opened; 0 or -1 with a message. */
int script_check(const char *path, char *err, size_t errlen);
/* Run the script against the machine; returns the process exit status
 * (3 when a command fails, e.g. a wait that runs out). */
int script_run(struct machine *m, const char *path);

#endif
