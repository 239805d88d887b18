/*
 * fpu_priv.h - what the x87 instruction files share (not part of the CPU's
 * interface): stack access, flag commit, memory helpers.
 */
#ifndef TARSIER_FPU_PRIV_H
#define TARSIER_FPU_PRIV_H

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/insn.h"

static inline int fpu_top(const struct fpu *f) { return (f->sw >> 11) & 7; }
static inline int fpu_phys(const struct fpu *f, int i) { return (fpu_top(f) + i) & 7; }
static inline int fpu_empty(const struct fpu *f, int i)
{
    return ((f->tw >> (2 * fpu_phys(f, i))) & 3) == TAG_EMPTY;
}

void fpu_set_st(struct fpu *f, int i, struct fx80 v);
int fpu_commit_flags(struct cpu *c, const struct fpstat *s);
int fpu_stack_fault(struct cpu *c, int overflow);
void fpu_check_nm(struct cpu *c);
void fpu_check_pending(struct cpu *c);
void fpu_probe_write(struct cpu *c, const struct insn *i, uint32_t off, int size);
struct fx80 fpu_read80(struct cpu *c, int seg, uint32_t off);
void fpu_write80(struct cpu *c, int seg, uint32_t off, struct fx80 v);

/* fpu_env.c */
void fpu_ldenv(struct cpu *c, const struct insn *i, uint32_t off);
void fpu_stenv(struct cpu *c, const struct insn *i, uint32_t off);
void fpu_fsave(struct cpu *c, const struct insn *i, uint32_t off);
void fpu_frstor(struct cpu *c, const struct insn *i, uint32_t off);

/* fpu_misc.c: D9 F0-FF (k = low nibble) */
void fpu_exec_misc(struct cpu *c, int k);

#endif
