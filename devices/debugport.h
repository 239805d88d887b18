/*
 * debugport.h - the test-ROM interface ports: the 0xE9 debug console (Bochs
 * and QEMU "debugcon"), the POST code port (0x80 by default) and an exit port
 * (0xF4, QEMU isa-debug-exit compatible: a write of N ends the run with status
 * (N << 1) | 1).
 */
#ifndef TARSIER_DEBUGPORT_H
#define TARSIER_DEBUGPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "machine/io.h"
#include "machine/state.h"

struct debugport {
    FILE *con;          /* debugcon sink or NULL */
    bool con_owned;
    FILE *post;         /* POST code sink or NULL */
    bool post_owned;
    uint16_t post_port;
    uint8_t last_post;
    bool exit_requested;
    int exit_status;
};

extern const struct io_ops debugcon_ops, postcode_ops, exitport_ops;
extern const struct state_table debugport_state;

/* Parse "stdio" / "file:PATH" (debugcon) and "file:PATH[,port=N]" (postcode).
 * Return 0 or -1 with a message in err. */
int debugport_open_con(struct debugport *d, const char *spec, char *err, size_t errlen);
int debugport_open_post(struct debugport *d, const char *spec, char *err, size_t errlen);
void debugport_close(struct debugport *d);

#endif
