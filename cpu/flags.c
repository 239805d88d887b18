/*
 * flags.c - lazy arithmetic flags.  ADD/ADC/SUB/SBB/CMP/logic/INC/DEC record
 * their operands and result in struct lazy_flags; the six arithmetic flags are
 * computed only when read.  Other instructions write EFLAGS directly after
 * flags_materialize().  Shared by the interpreter and the JIT.
 */
#include "cpu/sem.h"

int parity8(uint32_t v)
{
    return !__builtin_parity(v & 0xFF);
}

uint32_t cpu_compute_flags(const struct cpu *c)
{
    const struct lazy_flags *l = &c->lf;
    if (l->op == CC_NONE)
        return c->eflags & F_ARITH;
    int size = l->size;
    uint32_t m = size_mask(size), sb = sign_bit(size);
    uint32_t r = l->res & m, a = l->a & m, b = l->b & m;
    uint32_t f = 0;
    if (r == 0)
        f |= F_ZF;
    if (r & sb)
        f |= F_SF;
    if (parity8(r))
        f |= F_PF;
    switch (l->op) {
    case CC_ADD:
    case CC_ADC:
        if (l->op == CC_ADC && l->carry_in ? r <= a : r < a)
            f |= F_CF;
        if ((~(a ^ b) & (a ^ r)) & sb)
            f |= F_OF;
        if ((a ^ b ^ r) & 0x10)
            f |= F_AF;
        break;
    case CC_SUB:
    case CC_SBB:
        if (l->op == CC_SBB && l->carry_in ? a <= b : a < b)
            f |= F_CF;
        if (((a ^ b) & (a ^ r)) & sb)
            f |= F_OF;
        if ((a ^ b ^ r) & 0x10)
            f |= F_AF;
        break;
    case CC_LOGIC:
        break;
    case CC_FIXED:
        f |= l->a & (F_CF | F_OF | F_AF);
        break;
    case CC_INC:
        if (l->carry_in)
            f |= F_CF;
        if (r == sb)
            f |= F_OF;
        if ((r & 0xF) == 0)
            f |= F_AF;
        break;
    case CC_DEC:
        if (l->carry_in)
            f |= F_CF;
        if (r == sb - 1)
            f |= F_OF;
        if ((r & 0xF) == 0xF)
            f |= F_AF;
        break;
    }
    return f;
}

void flags_materialize(struct cpu *c)
{
    if (c->lf.op == CC_NONE)
        return;
    c->eflags = (c->eflags & ~F_ARITH) | cpu_compute_flags(c);
    c->lf.op = CC_NONE;
}

uint32_t cpu_get_eflags(struct cpu *c)
{
    flags_materialize(c);
    return c->eflags;
}

void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t mask)
{
    flags_materialize(c);
    mask &= c->model->eflags_writable;
    c->eflags = (c->eflags & ~mask) | (value & mask) | c->model->eflags_fixed1;
}

void flags_set_logic(struct cpu *c, uint32_t res, int size)
{
    c->lf.op = CC_LOGIC;
    c->lf.res = res & size_mask(size);
    c->lf.size = (uint8_t)size;
}

void flags_set_fixed(struct cpu *c, uint32_t res, int size, uint32_t cf_of_af)
{
    c->lf.op = CC_FIXED;
    c->lf.res = res & size_mask(size);
    c->lf.a = cf_of_af;
    c->lf.size = (uint8_t)size;
}

void flags_set_szp(struct cpu *c, uint32_t res, int size)
{
    flags_materialize(c);
    uint32_t r = res & size_mask(size);
    c->eflags &= ~(F_SF | F_ZF | F_PF);
    if (r == 0)
        c->eflags |= F_ZF;
    if (r & sign_bit(size))
        c->eflags |= F_SF;
    if (parity8(r))
        c->eflags |= F_PF;
}

/* Any condition from the materialized arithmetic flags (sem_cond's slow path). */
int sem_cond_slow(struct cpu *c, int cc)
{
    uint32_t f = cpu_compute_flags(c);
    int r;
    switch (cc >> 1) {
    case 0: r = !!(f & F_OF); break;
    case 1: r = !!(f & F_CF); break;
    case 2: r = !!(f & F_ZF); break;
    case 3: r = !!(f & (F_CF | F_ZF)); break;
    case 4: r = !!(f & F_SF); break;
    case 5: r = !!(f & F_PF); break;
    case 6: r = !!(f & F_SF) != !!(f & F_OF); break;
    default: r = (f & F_ZF) || (!!(f & F_SF) != !!(f & F_OF)); break;
    }
    return r ^ (cc & 1);
}
