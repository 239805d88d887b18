/*
 * gdbstub.h - the GDB remote serial protocol stub and the interactive run
 * loop that serves it and the stdio monitor (docs/debugging.md).
 */
#ifndef TARSIER_GDBSTUB_H
#define TARSIER_GDBSTUB_H

#include <stdbool.h>

struct machine;

struct debug_options {
    const char *gdb;       /* "tcp:HOST:PORT" (HOST empty: 127.0.0.1; PORT 0: any free port), or NULL */
    bool start_stopped;    /* -S: do not run until gdb (or the monitor) says so */
    const char *monitor;   /* -monitor SPEC: "stdio" or "tcp:HOST:PORT[,server]" (frontend/monchan.h), or NULL */
};

/* Check the -gdb spec; returns 0, or -1 with a message in err. */
int debug_check_spec(const char *spec, char *err, unsigned errlen);

/* Listen on "tcp:HOST:PORT" for `what` ("-gdb", "-monitor"); prints the
 * address on stderr.  Returns the socket or -1 (message on stderr). */
int debug_listen(const char *spec, const char *what);

/* Run the machine under the debugger until it ends (guest exit, gdb's kill,
 * the monitor's quit).  Returns the process exit status. */
int debug_run(struct machine *m, const struct debug_options *opt);

#endif
