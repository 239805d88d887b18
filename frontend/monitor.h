/*
 * monitor.h - the tarsier monitor: commands that explain the machine in
 * words (registers, descriptor tables, page walks, the last fault,
 * disassembly, memory dumps) and stop/continue/step it.  Reached through
 * -monitor stdio and through gdb's `monitor ...` (qRcmd); see
 * docs/debugging.md.
 */
#ifndef TARSIER_MONITOR_H
#define TARSIER_MONITOR_H

#include <stddef.h>

struct machine;

/* What a command asks of the run loop that executes it. */
enum monitor_action { MON_NONE, MON_STOP, MON_CONT, MON_STEP, MON_QUIT };

/* Output sink: text (NUL-terminated, may hold several lines) to show. */
typedef void (*monitor_out_fn)(void *opaque, const char *text);

/* Execute one command line against the machine (which must not be running).
 * Output goes through out; unknown or malformed commands print an error
 * line.  Returns the run-control action the command asks for. */
enum monitor_action monitor_exec(struct machine *m, const char *line, monitor_out_fn out, void *opaque);

/* Read len bytes of guest memory at a linear address through the current
 * paging context without faulting the guest.  Returns the number of bytes
 * readable from the start (less than len at an unmapped page). */
size_t monitor_read_linear(struct machine *m, unsigned long lin, void *dst, size_t len);
/* Write likewise; returns the number of bytes written. */
size_t monitor_write_linear(struct machine *m, unsigned long lin, const void *src, size_t len);

#endif
