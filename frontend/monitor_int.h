/*
 * monitor_int.h - what the monitor's source files share (monitor.c: parsing,
 * registers, descriptor tables, dumps; monitor_mm.c: page walks, `info mem`,
 * `info tlb`; monitor_info.c: the last fault, the TSS, IRQs and device
 * state).  Not an interface for the rest of tarsier: see monitor.h.
 */
#ifndef TARSIER_MONITOR_INT_H
#define TARSIER_MONITOR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/monitor.h"
#include "machine/machine.h"

struct mon {
    struct machine *m;
    struct cpu *c;
    monitor_out_fn out;
    void *opaque;
};

/* printf to the command's output sink (lines of up to 1 KiB). */
void mon_pr(struct mon *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "real mode", "protected mode, paging on", ... */
const char *mon_mode_name(const struct cpu *c);
/* An 8-byte descriptor (lo, hi) in words. */
void mon_describe_desc(uint32_t lo, uint32_t hi, char *buf, size_t len);
/* Exception names by vector ("#GP general protection"), NULL past 19. */
const char *mon_exc_name(unsigned vec);

/* Disassemble one instruction at lin as "mnemonic operands"; returns its
 * size, or -1 (buf then says why). */
int mon_disas_one(struct mon *o, uint32_t lin, int code32, char *buf, size_t len);

/* monitor_mm.c */
void mon_translate(struct mon *o, uint32_t lin);
void mon_info_mem(struct mon *o);
void mon_info_tlb(struct mon *o);
/* The page-level check a #PF error code failed, for lin, in words (walks the
 * current tables); returns 0 when the walk finds nothing that faults. */
int mon_pf_reason(struct mon *o, uint32_t lin, uint32_t err, char *buf, size_t len);

/* monitor_info.c */
void mon_info_last_fault(struct mon *o);
void mon_info_tss(struct mon *o);
void mon_info_irq(struct mon *o);
/* `info NAME` for a device of the board; returns -1 if there is none. */
int mon_info_device(struct mon *o, const char *name);
/* The device names, space separated, for help and error messages. */
void mon_device_names(struct mon *o, char *buf, size_t len);

#endif
