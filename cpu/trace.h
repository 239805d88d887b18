/*
 * trace.h - execution tracing (-d categories written to -D FILE).
 * Categories: in_asm (each executed instruction disassembled with capstone),
 * int (interrupts and exceptions), io (port I/O), cpu (CPU state at each block).
 */
#ifndef TARSIER_TRACE_H
#define TARSIER_TRACE_H

#include <stdio.h>

#include "cpu/cpu.h"

#define TRACE_INSN 0x1u
#define TRACE_INT 0x2u
#define TRACE_IO 0x4u
#define TRACE_CPU 0x8u

struct trace {
    FILE *out;
    unsigned flags;
    void *cs_handle16;   /* capstone handles (csh), opened lazily */
    void *cs_handle32;
    int cs_ok;
};

/* Parse a comma-separated category list; returns the flag mask or -1. */
int trace_parse(const char *list, unsigned *flags, char *err, size_t errlen);
const char *trace_help(void);
struct trace *trace_open(FILE *out, unsigned flags);
void trace_close(struct trace *t);
void trace_insn(struct cpu *c, const uint8_t *bytes, int len);
void trace_cpu_state(struct cpu *c);
void trace_event_v(struct cpu *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define trace_event(c, ...)                                                    \
    do {                                                                       \
        if ((c)->trace && ((c)->trace->flags & TRACE_INT))                     \
            trace_event_v((c), __VA_ARGS__);                                   \
    } while (0)

#endif
