/*
 * control.h - the -control socket (script commands over TCP or a Unix socket).
 */
#ifndef TARSIER_CONTROL_H
#define TARSIER_CONTROL_H

#include <stddef.h>

#include "machine/machine.h"

/* Listen on "tcp:[HOST]:PORT" (HOST defaults to 127.0.0.1) or "unix:PATH";
 * returns the listening socket, or -1 with a message. */
int control_listen(const char *spec, char *err, size_t errlen);
/* Run the machine, serving commands from clients of the listening socket;
 * returns the process exit status. */
int control_run(struct machine *m, int lfd);

#endif
