/*
 * serial.h - host ends of the emulated serial ports (-serial SPEC):
 *   stdio                 output to stdout, input polled from stdin
 *   file:PATH             output written to PATH (created or truncated); no input
 *   tcp:127.0.0.1:PORT,server   one client on a loopback TCP socket (PORT 0:
 *                         any free port, printed on stderr); no waiting for it
 *   none                  not connected
 * Each one is a struct uart_backend (devices/uart.h) the board's UART calls.
 */
#ifndef TARSIER_SERIAL_H
#define TARSIER_SERIAL_H

#include <stdio.h>

#include "devices/uart.h"

struct serial_port {
    struct uart_backend be;  /* handed to the board; opaque points here */
    int kind;
    FILE *out;               /* stdio, file */
    int in_fd;               /* stdio: 0 until EOF, then -1 */
    int listen_fd, client_fd;
};

/* Open the host end described by spec.  Returns 0 (with *connected 0 for
 * "none") or -1 with a one-line message in err. */
int serial_open(struct serial_port *p, const char *spec, int *connected, char *err, size_t errlen);
void serial_close(struct serial_port *p);

#endif
