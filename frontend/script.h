/*
 * script.h - scripted headless control (-script FILE); see script.c.
 */
#ifndef TARSIER_SCRIPT_H
#define TARSIER_SCRIPT_H

#include <stddef.h>
#include <stdio.h>

#include "machine/machine.h"

/* The state of a command stream: a script file or a -control connection. */
struct script {
    struct machine *m;
    const char *path;          /* for messages: the script's path, or "control" */
    int line;
    int status;                /* exit status once finished, MACHINE_RUNNING while going */
    FILE *err;                 /* where failures are reported */
};

/* Execute one command line (modified in place).  0: go on; -1: stop, with
 * s->status set (3 when the command failed, the exit status after quit or
 * when the machine ended). */
int script_exec(struct script *s, char *line);

/* Check that the script can be opened; 0 or -1 with a message. */
int script_check(const char *path, char *err, size_t errlen);
/* Run the script against the machine; returns the process exit status
 * (3 when a command fails, e.g. a wait that runs out). */
int script_run(struct machine *m, const char *path);
/* The PS/2 set 2 code of a key name of `key` (a, f1, ctrl, delete, ...; 0xE0xx
 * for extended keys); 0, or -1 for an unknown name.  Also used by the
 * monitor's sendkey. */
int script_key_code(const char *name, uint16_t *code);

#endif
