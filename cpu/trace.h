/*
 * trace.h - execution tracing (-d categories written to -D FILE).
 * Categories: in_asm (each executed instruction disassembled with capstone),
 * int (interrupts and exceptions), io (port I/O), cpu (CPU state at each block).
 * Filters in the same list keep a trace readable (docs/debugging.md):
 *   range=LO-HI   only while the linear PC (CS.base + EIP) is in [LO, HI]
 *                 (hex; also LO..HI or BASE+LEN; several range= items: any)
 *   cpl=N         only at CPL N
 *   vec=N[:M...]  int: only these vectors (hex with 0x, else decimal); bare
 *                 numbers right after a vec= item add vectors (vec=14,32)
 */
#ifndef TARSIER_TRACE_H
#define TARSIER_TRACE_H

#include <stdio.h>

#include "cpu/cpu.h"

#define TRACE_INSN 0x1u
#define TRACE_INT 0x2u
#define TRACE_IO 0x4u
#define TRACE_CPU 0x8u

#define TRACE_MAX_RANGES 8

struct trace_filter {
    int nranges;
    uint32_t lo[TRACE_MAX_RANGES], hi[TRACE_MAX_RANGES];
    int cpl;              /* -1: any */
    int nvec;             /* 0: any vector */
    uint8_t vec[32];      /* bitmap of the vectors kept */
};

struct trace {
    FILE *out;
    unsigned flags;
    struct trace_filter filter;
    int filtered;         /* any filter set */
    void *cs_handle16;   /* capstone handles (csh), opened lazily */
    void *cs_handle32;
    int cs_ok;
};

/* Parse a comma-separated category list (filter items are skipped here);
 * returns 0 with the flag mask, or -1. */
int trace_parse(const char *list, unsigned *flags, char *err, size_t errlen);
/* Parse the filter items of the same list into t; 0 or -1 with a message. */
int trace_set_filter(struct trace *t, const char *list, char *err, size_t errlen);
/* Whether an event at the current instruction passes the filters; vec is
 * the interrupt vector, or -1 for events that are not interrupts. */
int trace_pass(const struct cpu *c, int vec);
const char *trace_help(void);
struct trace *trace_open(FILE *out, unsigned flags);
void trace_close(struct trace *t);
void trace_insn(struct cpu *c, const uint8_t *bytes, int len);
void trace_cpu_state(struct cpu *c);
void trace_event_v(struct cpu *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define trace_event(c, ...) trace_int((c), -1, __VA_ARGS__)
/* An interrupt or exception event with vector vec (-1: none). */
#define trace_int(c, vec, ...)                                                 \
    do {                                                                       \
        if ((c)->trace && ((c)->trace->flags & TRACE_INT) &&                   \
            (!(c)->trace->filtered || trace_pass((c), (vec))))                 \
            trace_event_v((c), __VA_ARGS__);                                   \
    } while (0)

#endif
