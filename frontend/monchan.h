/*
 * monchan.h - the monitor's connection (-monitor SPEC):
 *   stdio                      standard input/output
 *   tcp:[HOST]:PORT[,server][,nowait]   a TCP listener (HOST empty: 127.0.0.1,
 *                              loopback by default; PORT 0: any free port,
 *                              printed on stderr).  One client at a time; when
 *                              it disconnects the next one is accepted.  The
 *                              machine never waits for a client (,server and
 *                              ,nowait are accepted for QEMU's spelling).
 * The run loop (gdbstub.c) polls the channel's descriptors and hands each
 * complete line to the monitor; output goes back through monchan_out.
 */
#ifndef TARSIER_MONCHAN_H
#define TARSIER_MONCHAN_H

#include <poll.h>
#include <stddef.h>

struct monchan {
    int kind;              /* 0 none, 1 stdio, 2 tcp */
    int lfd, fd;           /* tcp: listener and client (-1: none); stdio: fd 0 until EOF, then -1 */
    char line[512];
    size_t len;
    int overlong;          /* the line being read did not fit: refuse it at its end */
};

/* Called for each line; nonzero ends the run (no more input or prompt). */
typedef int (*monchan_line_fn)(void *opaque, const char *line);

/* Check a -monitor spec; 0 or -1 with a message. */
int monchan_check(const char *spec, char *err, size_t errlen);
/* Open the channel (listen for tcp); 0 or -1 (message on stderr). */
int monchan_open(struct monchan *mc, const char *spec);
void monchan_close(struct monchan *mc);
/* Add the descriptors to poll to pf (room for 2); returns how many. */
int monchan_pollfds(const struct monchan *mc, struct pollfd *pf);
/* Service the descriptors polled (pf, n as filled by monchan_pollfds):
 * accept a client, read input and call fn for each complete line. */
void monchan_service(struct monchan *mc, const struct pollfd *pf, int n, monchan_line_fn fn, void *opaque);
/* Output to the connected user (a monitor_out_fn; opaque is the monchan). */
void monchan_out(void *opaque, const char *text);
/* Show the prompt "(tarsier) " if someone is connected. */
void monchan_prompt(struct monchan *mc);

#endif
