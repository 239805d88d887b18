/*
 * fpu_ops.c - the x87 operations the D8-DF dispatcher in fpu_insn.c calls:
 * the constant loads (FLD1, FLDL2T, ..., FLDZ), FADD/FMUL/FSUB(R)/FDIV(R) on
 * registers and memory, the compares (FCOM/FUCOM/FICOM/FTST with C3 C2 C0,
 * FCOMI/FUCOMI with EFLAGS), loads and stores with conversion (FLD/FILD/FBLD,
 * FST/FIST/FBSTP) and their stack faults, FXAM, FXCH and FCMOVcc.
 * The order rule of fpu_insn.c holds here too: the FPU state changes only
 * after every memory access of the instruction has succeeded.
 */
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_priv.h"
#include "cpu/insn.h"
#include "cpu/sem.h"

static void wr64(struct cpu *c, const struct insn *i, uint32_t off, uint64_t v)
{
    sem_mem_write(c, i->seg, off, 4, (uint32_t)v);
    sem_mem_write(c, i->seg, off + 4, 4, (uint32_t)(v >> 32));
}

/* ---- constants (rounded from 128 bits under RC, SDM FLD1/FLDL2T/...) ---- */

static const struct { uint16_t se; uint64_t sig, ext; } consts[7] = {
    { 0x3FFF, 0x8000000000000000ull, 0 },                     /* 1 */
    { 0x4000, 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull }, /* log2(10) */
    { 0x3FFF, 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull }, /* log2(e) */
    { 0x4000, 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull }, /* pi */
    { 0x3FFD, 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull }, /* log10(2) */
    { 0x3FFE, 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull }, /* ln(2) */
    { 0, 0, 0 },                                              /* +0 */
};

struct fx80 fpu_const(uint16_t cw, int k)
{
    if (k == 6)
        return fx_make(0, 0);
    struct fpstat s = { cw, 0, 0, 0, 0 };
    s.cw |= FSW_EXC;
    return fx_round_pack(&s, 0, consts[k].se - 16383, consts[k].sig, consts[k].ext, 64);
}

/* ---- arithmetic core ---- */

static struct fx80 arith(struct fpstat *s, int op, struct fx80 d, struct fx80 src)
{
    switch (op) {
    case 0: return fx_add(s, d, src);
    case 1: return fx_mul(s, d, src);
    case 4: return fx_sub(s, d, src);
    case 5: return fx_sub(s, src, d);
    case 6: return fx_div(s, d, src);
    default: return fx_div(s, src, d);
    }
}

static void set_cc(struct fpu *f, int rel)
{
    uint16_t cc = rel == 2 ? FSW_C3 | FSW_C2 | FSW_C0 : rel < 0 ? FSW_C0 : rel == 0 ? FSW_C3 : 0;
    f->sw = (uint16_t)((f->sw & ~FSW_CC) | cc);
}

/* Compare ST(0) with src, set C3 C2 C0, pop npop times. */
void fpu_compare(struct cpu *c, struct fx80 src, int src_empty, int quiet, int npop)
{
    struct fpu *f = &c->fpu;
    /* the condition codes are set even when an unmasked exception stops
     * the instruction: "unordered" for an invalid operand, the relation for
     * a denormal one; nothing is popped (measured on the host) */
    if (fpu_empty(f, 0) || src_empty) {
        int masked = fpu_stack_fault(c, 0);
        set_cc(f, 2);
        if (!masked)
            return;
    } else {
        struct fpstat s = { f->cw, 0, 0, 0, 0 };
        int rel = fx_compare(&s, fpu_st_get(f, 0), src, quiet);
        set_cc(f, s.ex & FSW_IE ? 2 : rel);
        if (!fpu_commit_flags(c, &s))
            return;
    }
    while (npop--)
        fpu_pop(f);
}

void fpu_comi(struct cpu *c, int i, int quiet, int dopop)
{
    struct fpu *f = &c->fpu;
    int rel = 2, ok;
    /* EFLAGS are written even when an unmasked exception stops the
     * instruction (nothing is popped then): "unordered" for a stack fault or
     * an invalid operand, the relation for a denormal one.  Measured on the
     * host; the SDM's footnote says an unmasked #IA leaves them unchanged
     * (docs/x87.md, "Unmasked exceptions"). */
    if (fpu_empty(f, 0) || fpu_empty(f, i)) {
        ok = fpu_stack_fault(c, 0);
    } else {
        struct fpstat s = { f->cw, 0, 0, 0, 0 };
        rel = fx_compare(&s, fpu_st_get(f, 0), fpu_st_get(f, i), quiet);
        if (s.ex & FSW_IE)
            rel = 2;
        ok = fpu_commit_flags(c, &s);
    }
    flags_materialize(c);
    uint32_t fl = c->eflags & ~(F_ZF | F_PF | F_CF | F_OF | F_SF | F_AF);
    fl |= rel == 2 ? F_ZF | F_PF | F_CF : rel < 0 ? F_CF : rel == 0 ? F_ZF : 0;
    c->eflags = fl;
    if (ok && dopop)
        fpu_pop(f);
}

/* dst op= src on registers; dst_i/src_i are stack indexes */
void fpu_arith_reg(struct cpu *c, int op, int dst_i, int src_i, int dopop)
{
    struct fpu *f = &c->fpu;
    struct fx80 r;
    if (fpu_empty(f, dst_i) || fpu_empty(f, src_i)) {
        if (!fpu_stack_fault(c, 0))
            return;
        r = fx_indefinite();
    } else {
        struct fpstat s = { f->cw, 0, 0, 0, 0 };
        r = arith(&s, op, fpu_st_get(f, dst_i), fpu_st_get(f, src_i));
        if (!fpu_commit_flags(c, &s))
            return;
    }
    fpu_set_st(f, dst_i, r);
    if (dopop)
        fpu_pop(f);
}

void fpu_arith_mem(struct cpu *c, int op, struct fx80 src, struct fpstat *s)
{
    struct fpu *f = &c->fpu;
    struct fx80 r;
    /* an SNaN m32/m64 was quieted by the conversion (with IE): give the
     * arithmetic the SNaN itself, so that the NaN rules see it (a QNaN ST(0)
     * beats it; measured on the host) */
    if ((s->ex & FSW_IE) && fx_is_nan(src)) {
        src.sig &= ~(1ull << 62);
        s->ex &= (uint16_t)~FSW_IE;
    }
    /* the conversion reported DE for a denormal m32/m64; a NaN or unsupported
     * ST(0) takes precedence over it (measured on the host, as for registers) */
    if (!fpu_empty(f, 0)) {
        enum fx_class k0 = fx_classify(fpu_st_get(f, 0));
        if (k0 == FXC_QNAN || k0 == FXC_SNAN || k0 == FXC_UNSUPPORTED)
            s->ex &= (uint16_t)~FSW_DE;
    }
    if (op == 2 || op == 3) {
        if (fpu_empty(f, 0)) {
            fpu_compare(c, src, 0, 0, op == 3);
            return;
        }
        int rel = fx_compare(s, fpu_st_get(f, 0), src, 0);
        set_cc(f, s->ex & FSW_IE ? 2 : rel);
        if (!fpu_commit_flags(c, s))
            return;
        if (op == 3)
            fpu_pop(f);
        return;
    }
    if (fpu_empty(f, 0)) {
        if (!fpu_stack_fault(c, 0))
            return;
        r = fx_indefinite();
    } else {
        r = arith(s, op, fpu_st_get(f, 0), src);
        if (s->ex & FSW_ZE)
            s->ex &= (uint16_t)~FSW_DE; /* x/0: no DE (host) */
        if (!fpu_commit_flags(c, s))
            return;
    }
    fpu_set_st(f, 0, r);
}

void fpu_load_push(struct cpu *c, struct fx80 v, struct fpstat *s)
{
    struct fpu *f = &c->fpu;
    if (!fpu_empty(f, 7)) {
        if (!fpu_stack_fault(c, 1))
            return;
        fpu_push(f, fx_indefinite());
        return;
    }
    if (s) {
        /* FLD m32/m64: an unmasked invalid operand (SNaN) stops the load;
         * an unmasked denormal is flagged but the value is still pushed
         * (SDM Vol. 2 FLD, note; measured on the host) */
        s->c1 = 0;
        if (!fpu_commit_flags(c, s) && !(s->ex & FSW_DE))
            return;
    } else {
        f->sw &= (uint16_t)~FSW_C1;
    }
    fpu_push(f, v);
}

/* Store ST(0) to memory with conversion: kind 0 m32, 1 m64, 2 m80, 3 i16, 4 i32, 5 i64, 6 bcd. */
void fpu_store_mem(struct cpu *c, const struct insn *i, uint32_t off, int kind, int dopop)
{
    static const int sizes[7] = { 4, 8, 10, 2, 4, 8, 10 };
    struct fpu *f = &c->fpu;
    struct fpstat s = { f->cw, 0, 0, 0, 0 };
    uint64_t v = 0;
    uint8_t bcd[10];
    struct fx80 x = fpu_st_get(f, 0);
    int empty = fpu_empty(f, 0);
    if (empty) {
        if (!(f->cw & FSW_IE)) {
            fpu_stack_fault(c, 0);
            return;
        }
        x = fx_indefinite();
    }
    switch (kind) {
    case 0: v = fx_to_f32(&s, x); break;
    case 1: v = fx_to_f64(&s, x); break;
    case 2: break;
    case 3: v = fx_to_int(&s, x, 2, 0); break;
    case 4: v = fx_to_int(&s, x, 4, 0); break;
    case 5: v = fx_to_int(&s, x, 8, 0); break;
    default: fx_to_bcd(&s, x, bcd); break;
    }
    if (empty)
        s.ex = 0; /* the indefinite converts silently; the stack fault is reported below */
    int ok = !(s.ex & ~f->cw & (FSW_IE | FSW_DE | FSW_ZE)) && !s.nostore;
    if (ok) {
        fpu_probe_write(c, i, off, sizes[kind]);
        switch (kind) {
        case 2: fpu_write80(c, i->seg, off, x); break;
        case 6:
            for (int k = 0; k < 10; k++)
                sem_mem_write(c, i->seg, off + (uint32_t)k, 1, bcd[k]);
            break;
        default:
            if (sizes[kind] == 8)
                wr64(c, i, off, v);
            else
                sem_mem_write(c, i->seg, off, sizes[kind], (uint32_t)v);
        }
    }
    if (empty) {
        fpu_stack_fault(c, 0);
    } else {
        fpu_commit_flags(c, &s);
    }
    if (ok && dopop)
        fpu_pop(f);
}

/* ---- FXAM, FXCH, FCMOV ---- */

void fpu_fxam(struct fpu *f)
{
    uint16_t cc;
    struct fx80 x = fpu_st_get(f, 0);
    if (fpu_empty(f, 0)) {
        cc = FSW_C3 | FSW_C0;
    } else {
        switch (fx_classify(x)) {
        case FXC_UNSUPPORTED: cc = 0; break;
        case FXC_QNAN: case FXC_SNAN: cc = FSW_C0; break;
        case FXC_NORMAL: cc = FSW_C2; break;
        case FXC_INF: cc = FSW_C2 | FSW_C0; break;
        case FXC_ZERO: cc = FSW_C3; break;
        default: cc = FSW_C3 | FSW_C2; break;
        }
    }
    if (fx_sign(x))
        cc |= FSW_C1;
    f->sw = (uint16_t)((f->sw & ~FSW_CC) | cc);
}

void fpu_fxch(struct cpu *c, int i)
{
    struct fpu *f = &c->fpu;
    struct fx80 a = fpu_st_get(f, 0), b = fpu_st_get(f, i);
    if (fpu_empty(f, 0) || fpu_empty(f, i)) {
        if (!fpu_stack_fault(c, 0))
            return;
        if (fpu_empty(f, 0))
            a = fx_indefinite();
        if (fpu_empty(f, i))
            b = fx_indefinite();
    } else {
        f->sw &= (uint16_t)~FSW_C1;
    }
    fpu_set_st(f, 0, b);
    fpu_set_st(f, i, a);
}

void fpu_fcmov(struct cpu *c, int cc, int i)
{
    struct fpu *f = &c->fpu;
    if (fpu_empty(f, 0) || fpu_empty(f, i)) {
        /* masked underflow: ST(0) gets the indefinite whatever the condition
         * (measured on the host; the destination is always ST(0)) */
        if (!fpu_stack_fault(c, 0))
            return;
        fpu_set_st(f, 0, fx_indefinite());
        return;
    }
    f->sw &= (uint16_t)~FSW_C1;
    if (sem_cond(c, cc))
        fpu_set_st(f, 0, fpu_st_get(f, i));
}
