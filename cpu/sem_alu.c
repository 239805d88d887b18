/*
 * sem_alu.c - integer arithmetic and logic: the eight ALU operations, TEST,
 * INC/DEC, NOT/NEG, MUL/IMUL/DIV/IDIV, the shift and rotate group, double
 * shifts, bit tests and scans, BCD adjustments, SALC, XADD, CMPXCHG(8B).
 * Semantics per Intel SDM Vol. 2; 8086 differences (unmasked shift counts,
 * SETMO, AAA/AAS, divide error return address, IDIV range) follow the 8086
 * family user's manual.  Moves, sign/zero extension, BSWAP and CMOVcc/SETcc
 * are in sem_move.c.
 */
#include "cpu/sem.h"

/* Operand fetch by form: dst (read) and src values. */
static uint32_t src_val(struct cpu *c, const struct insn *i, int size)
{
    switch (i->row->form) {
    case FM_EG: return sem_reg_read(c, i->reg, size);
    case FM_GE: return sem_rm_read(c, i, size);
    default: return i->imm & size_mask(size);
    }
}

void sem_alu(struct cpu *c, const struct insn *i)
{
    int size = i->osz, op = i->sub;
    uint32_t a, b, r;
    switch (i->row->form) {
    case FM_GE:
        b = sem_rm_read(c, i, size);
        a = sem_reg_read(c, i->reg, size);
        r = alu_op(c, op, a, b, size);
        if (op != ALU_CMP)
            sem_reg_write(c, i->reg, size, r);
        return;
    case FM_AI:
        a = sem_reg_read(c, R_EAX, size);
        r = alu_op(c, op, a, i->imm & size_mask(size), size);
        if (op != ALU_CMP)
            sem_reg_write(c, R_EAX, size, r);
        return;
    default: /* FM_EG, FM_EI */
        b = src_val(c, i, size);
        a = op == ALU_CMP ? sem_rm_read(c, i, size) : sem_rm_read_for_write(c, i, size);
        r = alu_op(c, op, a, b, size);
        if (op != ALU_CMP)
            sem_rm_write(c, i, size, r);
        return;
    }
}

void sem_test(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t a = i->row->form == FM_AI ? sem_reg_read(c, R_EAX, size) : sem_rm_read(c, i, size);
    alu_op(c, ALU_AND, a, src_val(c, i, size), size);
}

void sem_incdec(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    int cf = sem_cf(c);
    uint32_t a = i->row->form == FM_Z ? sem_reg_read(c, i->opc & 7, size) : sem_rm_read_for_write(c, i, size);
    uint32_t r = (i->sub ? a - 1 : a + 1) & size_mask(size);
    c->lf.op = i->sub ? CC_DEC : CC_INC;
    c->lf.res = r;
    c->lf.a = a;
    c->lf.b = 1;
    c->lf.size = (uint8_t)size;
    c->lf.carry_in = (uint8_t)cf;
    if (i->row->form == FM_Z)
        sem_reg_write(c, i->opc & 7, size, r);
    else
        sem_rm_write(c, i, size, r);
}

void sem_not(struct cpu *c, const struct insn *i)
{
    uint32_t a = sem_rm_read_for_write(c, i, i->osz);
    sem_rm_write(c, i, i->osz, ~a);
}

void sem_neg(struct cpu *c, const struct insn *i)
{
    uint32_t a = sem_rm_read_for_write(c, i, i->osz);
    uint32_t r = alu_op(c, ALU_SUB, 0, a, i->osz);
    sem_rm_write(c, i, i->osz, r);
}

static void set_flag(struct cpu *c, uint32_t f, int on)
{
    if (on)
        c->eflags |= f;
    else
        c->eflags &= ~f;
}

/* #DE: faults on 286+, but the 8086 pushes the address of the next instruction. */
static void divide_error(struct cpu *c)
{
    if (c->model->gen == CPU_8086) {
        cpu_interrupt(c, EX_DE, INT_SOFT_EXC, false, 0);
        return;
    }
    cpu_raise(c, EX_DE, 0);
}

void sem_muldiv(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t src = sem_rm_read(c, i, size);
    uint32_t m = size_mask(size);
    int bits = size * 8;
    uint64_t acc;
    if (size == 1)
        acc = c->r[R_EAX] & 0xFFFF;
    else if (size == 2)
        acc = (c->r[R_EDX] & 0xFFFF) << 16 | (c->r[R_EAX] & 0xFFFF);
    else
        acc = (uint64_t)c->r[R_EDX] << 32 | c->r[R_EAX];
    uint64_t lo, hi;
    int of;
    switch (i->sub) {
    case MD_MUL: {
        uint64_t p = (uint64_t)(c->r[R_EAX] & m) * src;
        lo = p & m;
        hi = (p >> bits) & m;
        of = hi != 0;
        break;
    }
    case MD_IMUL: {
        int64_t p = (int64_t)sext(c->r[R_EAX] & m, size) * sext(src, size);
        lo = (uint64_t)p & m;
        hi = ((uint64_t)p >> bits) & m;
        of = p != (int64_t)sext((uint32_t)lo, size);
        break;
    }
    case MD_DIV: {
        if (src == 0) {
            divide_error(c);
            return;
        }
        uint64_t q = acc / src, r = acc % src;
        if (q > m) {
            divide_error(c);
            return;
        }
        lo = q;
        hi = r;
        of = 0;
        break;
    }
    default: {
        if (src == 0) {
            divide_error(c);
            return;
        }
        int64_t dividend = size == 4 ? (int64_t)acc : size == 2 ? (int64_t)(int32_t)acc : (int64_t)(int16_t)acc;
        int64_t d = sext(src, size);
        if (dividend == INT64_MIN && d == -1) {
            divide_error(c);
            return;
        }
        int64_t q = dividend / d, r = dividend % d;
        int64_t qmax = (int64_t)(m >> 1), qmin = -qmax - 1;
        if (c->model->gen == CPU_8086)
            qmin++; /* the 8086 cannot produce the most negative quotient */
        if (q > qmax || q < qmin) {
            divide_error(c);
            return;
        }
        if (c->model->gen == CPU_8086 && i->rep)
            q = -q; /* 8086: a REP prefix flips the microcode's quotient sign */
        lo = (uint64_t)q & m;
        hi = (uint64_t)r & m;
        of = 0;
        break;
    }
    }
    if (size == 1) {
        c->r[R_EAX] = (c->r[R_EAX] & 0xFFFF0000u) | (uint32_t)(hi << 8) | (uint32_t)lo;
    } else {
        sem_reg_write(c, R_EAX, size, (uint32_t)lo);
        sem_reg_write(c, R_EDX, size, (uint32_t)hi);
    }
    if (i->sub <= MD_IMUL) {
        /* CF=OF from the high half; SF/ZF/PF from the low half (undefined, as
         * P6 computes them), AF cleared */
        flags_set_fixed(c, (uint32_t)lo, size, of ? F_CF | F_OF : 0);
    }
}

static void imul_common(struct cpu *c, const struct insn *i, uint32_t a, uint32_t b)
{
    int size = i->osz;
    int64_t p = (int64_t)sext(a, size) * sext(b, size);
    uint32_t r = (uint32_t)p & size_mask(size);
    flags_set_fixed(c, r, size, p != (int64_t)sext(r, size) ? F_CF | F_OF : 0);
    sem_reg_write(c, i->reg, size, r);
}

void sem_imul3(struct cpu *c, const struct insn *i)
{
    imul_common(c, i, sem_rm_read(c, i, i->osz), i->imm);
}

void sem_imul2(struct cpu *c, const struct insn *i)
{
    uint32_t b = sem_rm_read(c, i, i->osz);
    imul_common(c, i, sem_reg_read(c, i->reg, i->osz), b);
}

/* ---- shifts and rotates ---- */

static uint32_t do_shift(struct cpu *c, int op, uint32_t a, unsigned count, int size)
{
    int bits = size * 8;
    uint32_t m = size_mask(size), sb = sign_bit(size);
    a &= m;
    if (c->model->gen != CPU_8086)
        count &= 31;
    if (count == 0)
        return a;
    uint32_t r = a;
    int cf = 0, of;
    switch (op) {
    case SH_ROL: {
        unsigned n = count % (unsigned)bits;
        r = n ? ((a << n) | (a >> (bits - n))) & m : a;
        cf = r & 1;
        of = !!(r & sb) ^ cf;
        break;
    }
    case SH_ROR: {
        unsigned n = count % (unsigned)bits;
        r = n ? ((a >> n) | (a << (bits - n))) & m : a;
        cf = !!(r & sb);
        of = !!(r & sb) ^ !!(r & (sb >> 1));
        break;
    }
    case SH_RCL: {
        unsigned n = count % (unsigned)(bits + 1);
        cf = sem_cf(c);
        for (unsigned k = 0; k < n; k++) {
            int out = !!(r & sb);
            r = ((r << 1) | (uint32_t)cf) & m;
            cf = out;
        }
        of = !!(r & sb) ^ cf;
        break;
    }
    case SH_RCR: {
        unsigned n = count % (unsigned)(bits + 1);
        cf = sem_cf(c);
        for (unsigned k = 0; k < n; k++) {
            of = !!(r & sb) ^ cf;
            int out = r & 1;
            r = (r >> 1) | (cf ? sb : 0);
            cf = out;
        }
        of = !!(r & sb) ^ !!(r & (sb >> 1));
        break;
    }
    case SH_SETMO:
        if (c->model->gen == CPU_8086) {
            r = m;
            flags_set_fixed(c, r, size, 0);
            return r;
        }
        /* SAL alias on later CPUs */
        /* fall through */
    case SH_SHL: {
        uint64_t w = count >= 64 ? 0 : (uint64_t)a << count;
        r = (uint32_t)w & m;
        cf = count > (unsigned)bits ? 0 : (int)((w >> bits) & 1);
        of = !!(r & sb) ^ cf;
        /* lazily: SF ZF PF from the result, AF cleared */
        flags_set_fixed(c, r, size, (cf ? F_CF : 0) | (of ? F_OF : 0));
        return r;
    }
    case SH_SHR: {
        r = count >= 32 ? 0 : (a >> count) & m;
        cf = count > (unsigned)bits ? 0 : (int)((a >> (count - 1)) & 1);
        of = !!(a & sb);
        if (c->model->gen <= CPU_286 && count > 1)
            of = 0; /* microcoded shift: OF from the last one-bit step */
        /* lazily: SF ZF PF from the result, AF cleared */
        flags_set_fixed(c, r, size, (cf ? F_CF : 0) | (of ? F_OF : 0));
        return r;
    }
    default: { /* SAR */
        int64_t s = sext(a, size);
        unsigned n = count > 63 ? 63 : count;
        r = (uint32_t)(s >> n) & m;
        cf = (int)((s >> (n - 1 > 62 ? 62 : n - 1)) & 1);
        if (count > 63)
            cf = s < 0;
        of = 0;
        /* lazily: SF ZF PF from the result, AF cleared */
        flags_set_fixed(c, r, size, (cf ? F_CF : 0) | (of ? F_OF : 0));
        return r;
    }
    }
    /* rotates: only CF and OF change */
    flags_materialize(c);
    set_flag(c, F_CF, cf);
    set_flag(c, F_OF, of);
    return r;
}

void sem_shift(struct cpu *c, const struct insn *i)
{
    unsigned count;
    switch (i->row->form) {
    case FM_E1: count = 1; break;
    case FM_EC: count = c->r[R_ECX] & 0xFF; break;
    default: count = i->imm & 0xFF; break;
    }
    uint32_t a = sem_rm_read_for_write(c, i, i->osz);
    uint32_t r = do_shift(c, i->sub, a, count, i->osz);
    sem_rm_write(c, i, i->osz, r);
}

void sem_shd(struct cpu *c, const struct insn *i)
{
    int size = i->osz, bits = size * 8;
    unsigned count = (i->row->form == FM_EGC ? c->r[R_ECX] : i->imm) & 31;
    uint32_t a = sem_rm_read_for_write(c, i, size);
    uint32_t b = sem_reg_read(c, i->reg, size);
    if (count == 0)
        return;
    uint32_t m = size_mask(size), r;
    int cf;
    if (!i->sub) { /* SHLD: a:b shifted left */
        uint64_t w = ((uint64_t)a << bits | b) << count;
        r = (uint32_t)(w >> bits) & m;
        if (count > (unsigned)bits) /* 16-bit with count > 16: undefined; model as wrap */
            r = (uint32_t)(((uint64_t)b << (count - bits)) | ((uint64_t)a >> (2 * bits - count))) & m;
        cf = (int)((((uint64_t)a << bits | b) >> (2 * bits - count)) & 1);
    } else { /* SHRD: b:a shifted right */
        uint64_t w = ((uint64_t)b << bits | a) >> count;
        r = (uint32_t)w & m;
        cf = (int)((((uint64_t)b << bits | a) >> (count - 1)) & 1);
    }
    flags_set_szp(c, r, size);
    set_flag(c, F_CF, cf);
    set_flag(c, F_OF, !!((r ^ a) & sign_bit(size)));
    c->eflags &= ~F_AF;
    sem_rm_write(c, i, size, r);
}

/* ---- bit operations ---- */

void sem_bt(struct cpu *c, const struct insn *i)
{
    int size = i->osz, bits = size * 8;
    uint32_t bit, off = 0;
    if (i->row->form == FM_EI) {
        bit = i->imm & (uint32_t)(bits - 1);
    } else {
        uint32_t idx = sem_reg_read(c, i->reg, size);
        if (i->mod != 3) {
            /* register bit offset addresses memory beyond the operand (signed) */
            int32_t s = sext(idx, size);
            off = (uint32_t)((s >> (size == 4 ? 5 : 4)) * size);
        }
        bit = idx & (uint32_t)(bits - 1);
    }
    uint32_t v;
    struct insn t;
    const struct insn *ip = i;
    if (i->mod != 3 && off) {
        t = *i;
        t.disp += off;
        if (!t.a32)
            t.disp &= 0xFFFF;
        ip = &t;
    }
    v = i->sub == BT_BT ? sem_rm_read(c, ip, size) : sem_rm_read_for_write(c, ip, size);
    flags_materialize(c);
    set_flag(c, F_CF, (v >> bit) & 1);
    if (i->sub == BT_BT)
        return;
    if (i->sub == BT_BTS)
        v |= 1u << bit;
    else if (i->sub == BT_BTR)
        v &= ~(1u << bit);
    else
        v ^= 1u << bit;
    sem_rm_write(c, ip, size, v);
}

void sem_bsf(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t v = sem_rm_read(c, i, size);
    flags_materialize(c);
    if (v == 0) {
        c->eflags |= F_ZF;
        return; /* destination unchanged (as P6 does) */
    }
    c->eflags &= ~F_ZF;
    uint32_t r = i->sub ? 31u - (uint32_t)__builtin_clz(v) : (uint32_t)__builtin_ctz(v);
    sem_reg_write(c, i->reg, size, r);
}

/* ---- BCD ---- */

void sem_daa(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    uint8_t al = (uint8_t)c->r[R_EAX], old = al;
    int cf = !!(c->eflags & F_CF), af = 0;
    if ((al & 0xF) > 9 || (c->eflags & F_AF)) {
        al += 6;
        af = 1;
    }
    /* the 8086 compares against 0x9F instead of 0x99 when AF was set */
    if (old > (c->model->gen == CPU_8086 && (c->eflags & F_AF) ? 0x9F : 0x99) || cf) {
        al += 0x60;
        cf = 1;
    } else {
        cf = 0;
    }
    sem_reg_write(c, R_EAX, 1, al);
    flags_set_szp(c, al, 1);
    set_flag(c, F_AF, af);
    set_flag(c, F_CF, cf);
}

void sem_das(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    uint8_t al = (uint8_t)c->r[R_EAX], old = al;
    int old_cf = !!(c->eflags & F_CF), cf = 0, af = 0;
    if ((al & 0xF) > 9 || (c->eflags & F_AF)) {
        if (c->model->gen != CPU_8086 && al < 6)
            cf = 1; /* 286+: CF = old CF or the borrow of AL - 6 (SDM) */
        al -= 6;
        af = 1;
    }
    /* the 8086 compares against 0x9F instead of 0x99 when AF was set */
    if (old > (c->model->gen == CPU_8086 && (c->eflags & F_AF) ? 0x9F : 0x99) || old_cf) {
        al -= 0x60;
        cf = 1;
    }
    sem_reg_write(c, R_EAX, 1, al);
    flags_set_szp(c, al, 1);
    set_flag(c, F_AF, af);
    set_flag(c, F_CF, cf);
}

static void aaa_aas(struct cpu *c, int sub)
{
    flags_materialize(c);
    uint32_t ax = c->r[R_EAX] & 0xFFFF;
    int adj = (ax & 0xF) > 9 || (c->eflags & F_AF);
    if (adj) {
        if (c->model->gen == CPU_8086) {
            uint8_t al = (uint8_t)(sub ? ax - 6 : ax + 6);
            uint8_t ah = (uint8_t)((ax >> 8) + (sub ? -1 : 1));
            ax = (uint32_t)ah << 8 | al;
        } else {
            ax = sub ? ax - 0x106 : ax + 0x106;
        }
    }
    ax = (ax & 0xFF0F);
    flags_set_szp(c, ax & 0xFF, 1);
    set_flag(c, F_AF | F_CF, adj);
    sem_reg_write(c, R_EAX, 2, ax);
}

void sem_aaa(struct cpu *c, const struct insn *i) { aaa_aas(c, 0); }
void sem_aas(struct cpu *c, const struct insn *i) { aaa_aas(c, 1); }

void sem_aam(struct cpu *c, const struct insn *i)
{
    uint8_t base = (uint8_t)i->imm, al = (uint8_t)c->r[R_EAX];
    if (base == 0) {
        if (c->model->gen == CPU_8086)
            flags_set_szp(c, 0, 1); /* the 8086 leaves SF/ZF/PF of a zero result */
        else if (c->model->gen == CPU_286)
            flags_set_szp(c, al, 2); /* the 286: of AL as a 16-bit value */
        divide_error(c);
        return;
    }
    uint8_t r = al % base;
    sem_reg_write(c, R_EAX, 2, (uint32_t)(al / base) << 8 | r);
    flags_set_szp(c, r, 1);
    c->eflags &= ~(F_CF | F_OF | F_AF);
}

void sem_aad(struct cpu *c, const struct insn *i)
{
    uint8_t al = (uint8_t)c->r[R_EAX], ah = (uint8_t)(c->r[R_EAX] >> 8);
    uint32_t r = alu_op(c, ALU_ADD, al, (uint32_t)(ah * (uint8_t)i->imm) & 0xFF, 1);
    sem_reg_write(c, R_EAX, 2, r & 0xFF);
}

void sem_salc(struct cpu *c, const struct insn *i)
{
    sem_reg_write(c, R_EAX, 1, sem_cf(c) ? 0xFF : 0);
}

/* ---- exchange and compare ---- */

void sem_xadd(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t s = sem_reg_read(c, i->reg, size);
    if (i->mod == 3) {
        uint32_t d = sem_reg_read(c, i->rm, size);
        uint32_t r = alu_op(c, ALU_ADD, d, s, size);
        sem_reg_write(c, i->reg, size, d);
        sem_reg_write(c, i->rm, size, r);
        return;
    }
    /* the address is formed once: the source register may be part of it */
    uint32_t off = sem_ea(c, i);
    uint32_t d = sem_mem_read(c, i->seg, off, size);
    uint32_t r = alu_op(c, ALU_ADD, d, s, size);
    sem_mem_write(c, i->seg, off, size, r);
    sem_reg_write(c, i->reg, size, d);
}

void sem_cmpxchg(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t d = sem_rm_read_for_write(c, i, size);
    uint32_t acc = sem_reg_read(c, R_EAX, size);
    alu_op(c, ALU_CMP, acc, d, size);
    if (acc == d) {
        sem_rm_write(c, i, size, sem_reg_read(c, i->reg, size));
    } else {
        sem_rm_write(c, i, size, d); /* the processor always writes */
        sem_reg_write(c, R_EAX, size, d);
    }
}

void sem_cmpxchg8b(struct cpu *c, const struct insn *i)
{
    uint32_t off = sem_ea(c, i);
    uint32_t lo = sem_mem_read(c, i->seg, off, 4);
    uint32_t hi = sem_mem_read(c, i->seg, off + 4, 4);
    flags_materialize(c);
    if (lo == c->r[R_EAX] && hi == c->r[R_EDX]) {
        sem_mem_write(c, i->seg, off, 4, c->r[R_EBX]);
        sem_mem_write(c, i->seg, off + 4, 4, c->r[R_ECX]);
        c->eflags |= F_ZF;
    } else {
        sem_mem_write(c, i->seg, off, 4, lo);
        sem_mem_write(c, i->seg, off + 4, 4, hi);
        c->r[R_EAX] = lo;
        c->r[R_EDX] = hi;
        c->eflags &= ~F_ZF;
    }
}
