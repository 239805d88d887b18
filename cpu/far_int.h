/*
 * far_int.h - what the far-transfer files share (internal to cpu/far.c and
 * cpu/intr.c): a stack being built or read during a transfer, not yet
 * committed, and the checks and commits both use.  Definitions in far.c.
 */
#ifndef TARSIER_FAR_INT_H
#define TARSIER_FAR_INT_H

#include "cpu/cpu.h"

/* A stack being built or read during a transfer, not yet committed. */
struct stk {
    struct seg s;
    uint32_t esp;
    int b32;
    int user;
    int fault_vec;
    uint32_t fault_err;
};

int far_stack_ok(const struct seg *s, uint32_t off, int size);
void far_stk_push(struct cpu *c, struct stk *k, uint32_t v, int size);
uint32_t far_stk_pop(struct cpu *c, struct stk *k, int size);
void far_stk_current(struct cpu *c, struct stk *k);
void far_stk_commit_esp(struct cpu *c, struct stk *k);
void far_tss_stack(struct cpu *c, int dpl, uint16_t *ss, uint32_t *esp, int ext);
void far_load_inner_ss(struct cpu *c, uint16_t ss, int dpl, struct seg *out, int ext);
void far_null_outer_segs(struct cpu *c);
void far_check_code(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, uint32_t err);
void far_commit_cs(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, int cpl, uint32_t eip);

/* RETF and IRET (far.c): the CS returned to, and the outer stack. */
struct far_outer {
    uint16_t ss;
    uint32_t esp, lo, hi;
};
int far_check_return_cs(struct cpu *c, uint16_t cs, uint32_t eip, uint32_t *lo, uint32_t *hi);
void far_pop_outer_stack(struct cpu *c, struct stk *k, int size, int rpl, struct far_outer *o);
void far_commit_outer(struct cpu *c, uint16_t cs, uint32_t lo, uint32_t hi, int rpl, uint32_t eip,
                      const struct far_outer *o);

#endif
