/*
 * fpu_insn.c - the x87 instructions: the D8-DF dispatcher (Intel SDM Vol. 2,
 * opcode map B.17), the register stack with its overflow/underflow faults,
 * exception reporting (masked responses, ES/B, #MF with CR0.NE=1, the FERR#
 * hook with CR0.NE=0) and the instruction/data pointers.
 *
 * Order inside one instruction: #NM (CR0.EM/TS), then #MF for a pending
 * unmasked exception (waiting forms only), then memory reads, the arithmetic,
 * memory writes, and only then the FPU state is changed, so a fault leaves it
 * untouched.  Environment instructions are in fpu_env.c.
 */
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_int.h"
#include "cpu/fpu_priv.h"
#include "cpu/insn.h"
#include "cpu/sem.h"

/* ---- stack ---- */

static struct fx80 st_get(struct fpu *f, int i) { return f->st[fpu_phys(f, i)]; }

void fpu_set_st(struct fpu *f, int i, struct fx80 v)
{
    int p = fpu_phys(f, i);
    f->st[p] = v;
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * p))) | (unsigned)fx_tag(v) << (2 * p));
}

static void set_empty(struct fpu *f, int i)
{
    f->tw |= (uint16_t)(3u << (2 * fpu_phys(f, i)));
}

static void set_top(struct fpu *f, int t)
{
    f->sw = (uint16_t)((f->sw & ~FSW_TOP) | (unsigned)(t & 7) << 11);
}

static void pop(struct fpu *f)
{
    set_empty(f, 0);
    set_top(f, fpu_top(f) + 1);
}

static void push(struct fpu *f, struct fx80 v)
{
    set_top(f, fpu_top(f) - 1);
    fpu_set_st(f, 0, v);
}

void fpu_update_es(struct fpu *f)
{
    if (f->sw & ~f->cw & FSW_EXC)
        f->sw |= FSW_ES | FSW_B;
    else
        f->sw &= (uint16_t)~(FSW_ES | FSW_B);
}

/* Merge the flags of an operation; returns 1 when the result may be written
 * (no unmasked invalid, denormal or zero-divide).  An unmasked pre-computation
 * exception (IE, DE, ZE: SDM Vol. 1 4.9.2) stops the instruction before the
 * computation: only those flags are reported, none of the post-computation
 * ones (OE, UE, PE) the operation would have raised, and C1 is cleared
 * (measured on the host). */
int fpu_commit_flags(struct cpu *c, const struct fpstat *s)
{
    struct fpu *f = &c->fpu;
    int stop = (s->ex & ~f->cw & (FSW_IE | FSW_DE | FSW_ZE)) != 0;
    if (stop)
        f->sw = (uint16_t)((f->sw & ~FSW_C1) | (s->ex & (FSW_IE | FSW_DE | FSW_ZE)));
    else
        f->sw = (uint16_t)((f->sw & ~FSW_C1) | s->ex | (s->c1 ? FSW_C1 : 0));
    fpu_update_es(f);
    return !stop;
}

/* Stack fault: IE|SF with C1 = overflow.  Returns 1 if masked (the caller
 * then delivers the indefinite). */
int fpu_stack_fault(struct cpu *c, int overflow)
{
    struct fpu *f = &c->fpu;
    f->sw = (uint16_t)((f->sw & ~FSW_C1) | FSW_IE | FSW_SF | (overflow ? FSW_C1 : 0));
    fpu_update_es(f);
    return (f->cw & FSW_IE) != 0;
}

/* ---- entry checks ---- */

void fpu_check_nm(struct cpu *c)
{
    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_raise(c, EX_NM, 0);
}

void fpu_check_pending(struct cpu *c)
{
    if (!(c->fpu.sw & FSW_ES))
        return;
    if (c->cr0 & CR0_NE)
        cpu_raise(c, EX_MF, 0);
    /* CR0.NE=0: the PC-compatible path.  FERR# goes to the board (IRQ13 via the
     * PIC); the instruction then proceeds as if IGNNE# were asserted. */
    if (c->intr.fpu_ferr)
        c->intr.fpu_ferr(c->intr.opaque, 1);
}

void fpu_wait(struct cpu *c)
{
    if ((c->cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
        cpu_raise(c, EX_NM, 0);
    if (c->model->gen >= CPU_486)
        fpu_check_pending(c);
}

/* ---- memory ---- */

/* A store is probed before any byte is written: the segment, then every
 * page it touches (at most two: size <= 512), each at its first byte, so a
 * #PF reports CR2 = the first byte of the page that is missing. */
void fpu_probe_write(struct cpu *c, const struct insn *i, uint32_t off, int size)
{
    if (c->model->gen == CPU_8086)
        return;
    uint32_t lin = cpu_seg_check(c, i->seg, off, size, 1);
    if (c->cr0 & CR0_PG) {
        cpu_translate(c, lin, 1, c->cpl == 3);
        if ((lin & 0xFFFu) + (uint32_t)size > 0x1000u)
            cpu_translate(c, (lin | 0xFFFu) + 1, 1, c->cpl == 3);
    }
}

static uint64_t rd64(struct cpu *c, const struct insn *i, uint32_t off)
{
    uint64_t lo = sem_mem_read(c, i->seg, off, 4);
    return lo | (uint64_t)sem_mem_read(c, i->seg, off + 4, 4) << 32;
}

static void wr64(struct cpu *c, const struct insn *i, uint32_t off, uint64_t v)
{
    sem_mem_write(c, i->seg, off, 4, (uint32_t)v);
    sem_mem_write(c, i->seg, off + 4, 4, (uint32_t)(v >> 32));
}

struct fx80 fpu_read80(struct cpu *c, int seg, uint32_t off)
{
    uint64_t lo = sem_mem_read(c, seg, off, 4);
    uint64_t sig = lo | (uint64_t)sem_mem_read(c, seg, off + 4, 4) << 32;
    return fx_make((uint16_t)sem_mem_read(c, seg, off + 8, 2), sig);
}

void fpu_write80(struct cpu *c, int seg, uint32_t off, struct fx80 v)
{
    sem_mem_write(c, seg, off, 4, (uint32_t)v.sig);
    sem_mem_write(c, seg, off + 4, 4, (uint32_t)(v.sig >> 32));
    sem_mem_write(c, seg, off + 8, 2, v.se);
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

static struct fx80 fpu_const(uint16_t cw, int k)
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
static void do_compare(struct cpu *c, struct fx80 src, int src_empty, int quiet, int npop)
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
        int rel = fx_compare(&s, st_get(f, 0), src, quiet);
        set_cc(f, s.ex & FSW_IE ? 2 : rel);
        if (!fpu_commit_flags(c, &s))
            return;
    }
    while (npop--)
        pop(f);
}

static void do_comi(struct cpu *c, int i, int quiet, int dopop)
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
        rel = fx_compare(&s, st_get(f, 0), st_get(f, i), quiet);
        if (s.ex & FSW_IE)
            rel = 2;
        ok = fpu_commit_flags(c, &s);
    }
    flags_materialize(c);
    uint32_t fl = c->eflags & ~(F_ZF | F_PF | F_CF | F_OF | F_SF | F_AF);
    fl |= rel == 2 ? F_ZF | F_PF | F_CF : rel < 0 ? F_CF : rel == 0 ? F_ZF : 0;
    c->eflags = fl;
    if (ok && dopop)
        pop(f);
}

/* dst op= src on registers; dst_i/src_i are stack indexes */
static void arith_reg(struct cpu *c, int op, int dst_i, int src_i, int dopop)
{
    struct fpu *f = &c->fpu;
    struct fx80 r;
    if (fpu_empty(f, dst_i) || fpu_empty(f, src_i)) {
        if (!fpu_stack_fault(c, 0))
            return;
        r = fx_indefinite();
    } else {
        struct fpstat s = { f->cw, 0, 0, 0, 0 };
        r = arith(&s, op, st_get(f, dst_i), st_get(f, src_i));
        if (!fpu_commit_flags(c, &s))
            return;
    }
    fpu_set_st(f, dst_i, r);
    if (dopop)
        pop(f);
}

static void arith_mem(struct cpu *c, int op, struct fx80 src, struct fpstat *s)
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
        enum fx_class k0 = fx_classify(st_get(f, 0));
        if (k0 == FXC_QNAN || k0 == FXC_SNAN || k0 == FXC_UNSUPPORTED)
            s->ex &= (uint16_t)~FSW_DE;
    }
    if (op == 2 || op == 3) {
        if (fpu_empty(f, 0)) {
            do_compare(c, src, 0, 0, op == 3);
            return;
        }
        int rel = fx_compare(s, st_get(f, 0), src, 0);
        set_cc(f, s->ex & FSW_IE ? 2 : rel);
        if (!fpu_commit_flags(c, s))
            return;
        if (op == 3)
            pop(f);
        return;
    }
    if (fpu_empty(f, 0)) {
        if (!fpu_stack_fault(c, 0))
            return;
        r = fx_indefinite();
    } else {
        r = arith(s, op, st_get(f, 0), src);
        if (s->ex & FSW_ZE)
            s->ex &= (uint16_t)~FSW_DE; /* x/0: no DE (host) */
        if (!fpu_commit_flags(c, s))
            return;
    }
    fpu_set_st(f, 0, r);
}

static void load_push(struct cpu *c, struct fx80 v, struct fpstat *s)
{
    struct fpu *f = &c->fpu;
    if (!fpu_empty(f, 7)) {
        if (!fpu_stack_fault(c, 1))
            return;
        push(f, fx_indefinite());
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
    push(f, v);
}

/* Store ST(0) to memory with conversion: kind 0 m32, 1 m64, 2 m80, 3 i16, 4 i32, 5 i64, 6 bcd. */
static void store_mem(struct cpu *c, const struct insn *i, uint32_t off, int kind, int dopop)
{
    static const int sizes[7] = { 4, 8, 10, 2, 4, 8, 10 };
    struct fpu *f = &c->fpu;
    struct fpstat s = { f->cw, 0, 0, 0, 0 };
    uint64_t v = 0;
    uint8_t bcd[10];
    struct fx80 x = st_get(f, 0);
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
        pop(f);
}

/* ---- FXAM, FXCH, FCMOV ---- */

static void fxam(struct fpu *f)
{
    uint16_t cc;
    struct fx80 x = st_get(f, 0);
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

static void fxch(struct cpu *c, int i)
{
    struct fpu *f = &c->fpu;
    struct fx80 a = st_get(f, 0), b = st_get(f, i);
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

static void fcmov(struct cpu *c, int cc, int i)
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
        fpu_set_st(f, 0, st_get(f, i));
}

/* ---- dispatch ---- */

static void ud(struct cpu *c) { cpu_raise(c, EX_UD, 0); }

/* DB E0-E4: FNENI FNDISI FNCLEX FNINIT FNSETPM, the non-waiting control
 * forms (the 8087/287 ones are no-ops here; none of them raises #MF for a
 * pending exception on the host) */
static int is_control(int op, const struct insn *i)
{
    if (i->mod != 3)
        return op == 1 ? i->reg >= 4 : op == 5 ? (i->reg == 4 || i->reg == 6 || i->reg == 7) : 0;
    return (op == 3 && i->modrm >= 0xE0 && i->modrm <= 0xE4) || (op == 7 && i->modrm == 0xE0);
}

static int no_wait(int op, const struct insn *i)
{
    if (i->mod != 3)
        return (op == 1 && (i->reg == 6 || i->reg == 7)) || (op == 5 && (i->reg == 6 || i->reg == 7));
    return (op == 3 && i->modrm >= 0xE0 && i->modrm <= 0xE4) || (op == 7 && i->modrm == 0xE0);
}

static void exec_mem(struct cpu *c, const struct insn *i, int op)
{
    struct fpu *f = &c->fpu;
    uint32_t off = sem_ea(c, i);
    struct fpstat s = { f->cw, 0, 0, 0, 0 };
    int reg = i->reg;
    switch (op) {
    case 0: arith_mem(c, reg, fx_from_f32(&s, sem_mem_read(c, i->seg, off, 4)), &s); return;
    case 4: arith_mem(c, reg, fx_from_f64(&s, rd64(c, i, off)), &s); return;
    case 2: arith_mem(c, reg, fx_from_i64((int32_t)sem_mem_read(c, i->seg, off, 4)), &s); return;
    case 6: arith_mem(c, reg, fx_from_i64((int16_t)sem_mem_read(c, i->seg, off, 2)), &s); return;
    case 1:
        switch (reg) {
        case 0: { struct fx80 v = fx_from_f32(&s, sem_mem_read(c, i->seg, off, 4)); load_push(c, v, &s); return; }
        case 2: case 3: store_mem(c, i, off, 0, reg == 3); return;
        case 4: fpu_ldenv(c, i, off); return;
        case 5: f->cw = (uint16_t)(sem_mem_read(c, i->seg, off, 2) | 0x40); fpu_update_es(f); return;
        case 6: fpu_stenv(c, i, off); return;
        case 7: sem_mem_write(c, i->seg, off, 2, f->cw); return;
        default: ud(c);
        }
        return;
    case 3:
        switch (reg) {
        case 0: load_push(c, fx_from_i64((int32_t)sem_mem_read(c, i->seg, off, 4)), NULL); return;
        case 2: case 3: store_mem(c, i, off, 4, reg == 3); return;
        case 5: load_push(c, fpu_read80(c, i->seg, off), NULL); return;
        case 7: store_mem(c, i, off, 2, 1); return;
        default: ud(c);
        }
        return;
    case 5:
        switch (reg) {
        case 0: { struct fx80 v = fx_from_f64(&s, rd64(c, i, off)); load_push(c, v, &s); return; }
        case 2: case 3: store_mem(c, i, off, 1, reg == 3); return;
        case 4: fpu_frstor(c, i, off); return;
        case 6: fpu_fsave(c, i, off); return;
        case 7: sem_mem_write(c, i->seg, off, 2, f->sw); return;
        default: ud(c);
        }
        return;
    default: /* 7 */
        switch (reg) {
        case 0: load_push(c, fx_from_i64((int16_t)sem_mem_read(c, i->seg, off, 2)), NULL); return;
        case 2: case 3: store_mem(c, i, off, 3, reg == 3); return;
        case 4: {
            uint8_t b[10];
            for (int k = 0; k < 10; k++)
                b[k] = (uint8_t)sem_mem_read(c, i->seg, off + (uint32_t)k, 1);
            load_push(c, fx_from_bcd(b), NULL);
            return;
        }
        case 5: load_push(c, fx_from_i64((int64_t)rd64(c, i, off)), NULL); return;
        case 6: store_mem(c, i, off, 6, 1); return;
        case 7: store_mem(c, i, off, 5, 1); return;
        default: ud(c);
        }
    }
}

static void exec_d9_reg(struct cpu *c, const struct insn *i)
{
    struct fpu *f = &c->fpu;
    int rm = i->rm;
    switch (i->reg) {
    case 0: /* FLD ST(i) */
        if (fpu_empty(f, rm)) {
            /* an empty source is an underflow (C1 = 0) even when ST(7) is
             * in use too (measured on the host) */
            if (fpu_stack_fault(c, 0))
                push(f, fx_indefinite());
            return;
        }
        load_push(c, st_get(f, rm), NULL);
        return;
    case 1: fxch(c, rm); return;
    case 2: if (rm) ud(c); return; /* FNOP */
    case 3: /* FSTP1 alias */
        if (fpu_empty(f, 0)) {
            if (!fpu_stack_fault(c, 0))
                return;
            fpu_set_st(f, rm, fx_indefinite());
        } else {
            f->sw &= (uint16_t)~FSW_C1;
            fpu_set_st(f, rm, st_get(f, 0));
        }
        pop(f);
        return;
    case 4:
        if (rm == 0 || rm == 1) { /* FCHS FABS */
            if (fpu_empty(f, 0)) {
                if (fpu_stack_fault(c, 0))
                    fpu_set_st(f, 0, fx_indefinite());
                return;
            }
            struct fx80 x = st_get(f, 0);
            x.se = rm ? x.se & 0x7FFF : x.se ^ 0x8000;
            f->sw &= (uint16_t)~FSW_C1;
            fpu_set_st(f, 0, x);
        } else if (rm == 4) { /* FTST */
            do_compare(c, fx_make(0, 0), 0, 0, 0);
        } else if (rm == 5) {
            fxam(f);
        } else {
            ud(c);
        }
        return;
    case 5:
        if (rm == 7)
            ud(c);
        load_push(c, fpu_const(f->cw, rm), NULL);
        return;
    case 6:
    case 7:
        fpu_exec_misc(c, i->reg == 6 ? rm : rm + 8);
        return;
    }
}

void fpu_exec(struct cpu *c, const struct insn *i)
{
    struct fpu *f = &c->fpu;
    int op = i->opc & 7;
    fpu_check_nm(c);
    if (!no_wait(op, i))
        fpu_check_pending(c);
    int control = is_control(op, i);
    uint32_t fip = c->eip_start;
    uint16_t fcs = c->seg[SEG_CS].sel;
    uint16_t fop = (uint16_t)((op << 8) | i->modrm);
    if (i->mod != 3) {
        exec_mem(c, i, op);
        if (!control) {
            f->fdp = sem_ea(c, i);
            f->fds = c->seg[i->seg].sel;
        }
    } else {
        int rm = i->rm, reg = i->reg;
        switch (op) {
        case 0:
            if (reg == 2 || reg == 3)
                do_compare(c, st_get(f, rm), fpu_empty(f, rm), 0, reg == 3);
            else
                arith_reg(c, reg, 0, rm, 0);
            break;
        case 1: exec_d9_reg(c, i); break;
        case 2:
            if (reg < 4)
                fcmov(c, ((const int[]){ 2, 4, 6, 10 })[reg], rm);
            else if (i->modrm == 0xE9)
                do_compare(c, st_get(f, 1), fpu_empty(f, 1), 1, 2);
            else
                ud(c);
            break;
        case 3:
            if (reg < 4) {
                fcmov(c, ((const int[]){ 3, 5, 7, 11 })[reg], rm);
            } else if (reg == 4) {
                if (rm == 2) { /* FNCLEX */
                    f->sw &= (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
                    if (c->intr.fpu_ferr)
                        c->intr.fpu_ferr(c->intr.opaque, 0);
                } else if (rm == 3) {
                    fpu_reset(f);
                    if (c->intr.fpu_ferr)
                        c->intr.fpu_ferr(c->intr.opaque, 0);
                } else if (rm > 4) {
                    ud(c);
                } /* FENI, FDISI, FSETPM: no-ops */
            } else if (reg == 5 || reg == 6) {
                do_comi(c, rm, reg == 5, 0);
            } else {
                ud(c);
            }
            break;
        case 4:
            if (reg == 2 || reg == 3)
                do_compare(c, st_get(f, rm), fpu_empty(f, rm), 0, reg == 3);
            else
                arith_reg(c, reg >= 4 ? reg ^ 1 : reg, rm, 0, 0);
            break;
        case 5:
            switch (reg) {
            case 0: set_empty(f, rm); break;
            case 1: fxch(c, rm); break;
            case 2: case 3:
                if (fpu_empty(f, 0)) {
                    if (!fpu_stack_fault(c, 0))
                        break;
                    fpu_set_st(f, rm, fx_indefinite());
                } else {
                    f->sw &= (uint16_t)~FSW_C1;
                    fpu_set_st(f, rm, st_get(f, 0));
                }
                if (reg == 3)
                    pop(f);
                break;
            case 4: case 5:
                do_compare(c, st_get(f, rm), fpu_empty(f, rm), 1, reg == 5);
                break;
            default: ud(c);
            }
            break;
        case 6:
            if (reg == 2)
                do_compare(c, st_get(f, rm), fpu_empty(f, rm), 0, 1);
            else if (reg == 3)
                rm == 1 ? do_compare(c, st_get(f, 1), fpu_empty(f, 1), 0, 2) : ud(c);
            else
                arith_reg(c, reg >= 4 ? reg ^ 1 : reg, rm, 0, 1);
            break;
        default:
            switch (reg) {
            case 0: set_empty(f, rm); pop(f); break; /* FFREEP */
            case 1: fxch(c, rm); break;
            case 2: case 3:
                if (fpu_empty(f, 0)) {
                    if (!fpu_stack_fault(c, 0))
                        break;
                    fpu_set_st(f, rm, fx_indefinite());
                } else {
                    f->sw &= (uint16_t)~FSW_C1;
                    fpu_set_st(f, rm, st_get(f, 0));
                }
                pop(f);
                break;
            case 4:
                if (rm)
                    ud(c);
                c->r[R_EAX] = (c->r[R_EAX] & 0xFFFF0000u) | f->sw;
                break;
            case 5: case 6: do_comi(c, rm, reg == 5, 1); break;
            default: ud(c);
            }
        }
    }
    if (!control) {
        f->fip = fip;
        f->fcs = fcs;
        f->fop = fop & 0x7FF;
    }
}
