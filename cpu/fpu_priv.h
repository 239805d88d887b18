/*
 * fpu_priv.h - what the x87 instruction files share (not part of the CPU's
 * interface): stack access, flag commit, memory helpers, the operations of
 * fpu_ops.c.
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

static inline void fpu_set_st(struct fpu *f, int i, struct fx80 v)
{
    int p = fpu_phys(f, i);
    f->st[p] = v;
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * p))) | (unsigned)fx_tag(v) << (2 * p));
}

static inline struct fx80 fpu_st_get(struct fpu *f, int i) { return f->st[fpu_phys(f, i)]; }

static inline void fpu_set_empty(struct fpu *f, int i)
{
    f->tw |= (uint16_t)(3u << (2 * fpu_phys(f, i)));
}

static inline void fpu_set_top(struct fpu *f, int t)
{
    f->sw = (uint16_t)((f->sw & ~FSW_TOP) | (unsigned)(t & 7) << 11);
}

static inline void fpu_pop(struct fpu *f)
{
    fpu_set_empty(f, 0);
    fpu_set_top(f, fpu_top(f) + 1);
}

static inline void fpu_push(struct fpu *f, struct fx80 v)
{
    fpu_set_top(f, fpu_top(f) - 1);
    fpu_set_st(f, 0, v);
}

int fpu_commit_flags(struct cpu *c, const struct fpstat *s);
int fpu_stack_fault(struct cpu *c, int overflow);
void fpu_check_nm(struct cpu *c);
void fpu_check_pending(struct cpu *c);
void fpu_probe_write(struct cpu *c, const struct insn *i, uint32_t off, int size);
struct fx80 fpu_read80(struct cpu *c, int seg, uint32_t off);
void fpu_write80(struct cpu *c, int seg, uint32_t off, struct fx80 v);

/* fpu_ops.c: the operations behind the D8-DF dispatcher */
struct fx80 fpu_const(uint16_t cw, int k);
void fpu_compare(struct cpu *c, struct fx80 src, int src_empty, int quiet, int npop);
void fpu_comi(struct cpu *c, int i, int quiet, int dopop);
void fpu_arith_reg(struct cpu *c, int op, int dst_i, int src_i, int dopop);
void fpu_arith_mem(struct cpu *c, int op, struct fx80 src, struct fpstat *s);
void fpu_load_push(struct cpu *c, struct fx80 v, struct fpstat *s);
void fpu_store_mem(struct cpu *c, const struct insn *i, uint32_t off, int kind, int dopop);
void fpu_fxam(struct fpu *f);
void fpu_fxch(struct cpu *c, int i);
void fpu_fcmov(struct cpu *c, int cc, int i);

/* fpu_env.c */
void fpu_ldenv(struct cpu *c, const struct insn *i, uint32_t off);
void fpu_stenv(struct cpu *c, const struct insn *i, uint32_t off);
void fpu_fsave(struct cpu *c, const struct insn *i, uint32_t off);
void fpu_frstor(struct cpu *c, const struct insn *i, uint32_t off);

/* fpu_misc.c: D9 F0-FF (k = low nibble) */
void fpu_exec_misc(struct cpu *c, int k);

#endif
