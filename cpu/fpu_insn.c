/*
 * fpu_insn.c - the x87 instructions: the D8-DF dispatcher (Intel SDM Vol. 2,
 * opcode map B.17), the register stack with its overflow/underflow faults,
 * exception reporting (masked responses, ES/B, #MF with CR0.NE=1, the FERR#
 * hook with CR0.NE=0), the entry checks, the memory helpers and the
 * instruction/data pointers.
 *
 * Order inside one instruction: #NM (CR0.EM/TS), then #MF for a pending
 * unmasked exception (waiting forms only), then memory reads, the arithmetic,
 * memory writes, and only then the FPU state is changed, so a fault leaves it
 * untouched.  The arithmetic, compare, load/store, FXAM, FXCH and FCMOV
 * operations the dispatcher calls are in fpu_ops.c, D9 F0-FF in fpu_misc.c,
 * environment instructions in fpu_env.c.
 */
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_int.h"
#include "cpu/fpu_priv.h"
#include "cpu/insn.h"
#include "cpu/sem.h"

/* ---- exceptions and stack faults ---- */

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
    case 0: fpu_arith_mem(c, reg, fx_from_f32(&s, sem_mem_read(c, i->seg, off, 4)), &s); return;
    case 4: fpu_arith_mem(c, reg, fx_from_f64(&s, rd64(c, i, off)), &s); return;
    case 2: fpu_arith_mem(c, reg, fx_from_i64((int32_t)sem_mem_read(c, i->seg, off, 4)), &s); return;
    case 6: fpu_arith_mem(c, reg, fx_from_i64((int16_t)sem_mem_read(c, i->seg, off, 2)), &s); return;
    case 1:
        switch (reg) {
        case 0: { struct fx80 v = fx_from_f32(&s, sem_mem_read(c, i->seg, off, 4)); fpu_load_push(c, v, &s); return; }
        case 2: case 3: fpu_store_mem(c, i, off, 0, reg == 3); return;
        case 4: fpu_ldenv(c, i, off); return;
        case 5: f->cw = (uint16_t)(sem_mem_read(c, i->seg, off, 2) | 0x40); fpu_update_es(f); return;
        case 6: fpu_stenv(c, i, off); return;
        case 7: sem_mem_write(c, i->seg, off, 2, f->cw); return;
        default: ud(c);
        }
        return;
    case 3:
        switch (reg) {
        case 0: fpu_load_push(c, fx_from_i64((int32_t)sem_mem_read(c, i->seg, off, 4)), NULL); return;
        case 2: case 3: fpu_store_mem(c, i, off, 4, reg == 3); return;
        case 5: fpu_load_push(c, fpu_read80(c, i->seg, off), NULL); return;
        case 7: fpu_store_mem(c, i, off, 2, 1); return;
        default: ud(c);
        }
        return;
    case 5:
        switch (reg) {
        case 0: { struct fx80 v = fx_from_f64(&s, rd64(c, i, off)); fpu_load_push(c, v, &s); return; }
        case 2: case 3: fpu_store_mem(c, i, off, 1, reg == 3); return;
        case 4: fpu_frstor(c, i, off); return;
        case 6: fpu_fsave(c, i, off); return;
        case 7: sem_mem_write(c, i->seg, off, 2, f->sw); return;
        default: ud(c);
        }
        return;
    default: /* 7 */
        switch (reg) {
        case 0: fpu_load_push(c, fx_from_i64((int16_t)sem_mem_read(c, i->seg, off, 2)), NULL); return;
        case 2: case 3: fpu_store_mem(c, i, off, 3, reg == 3); return;
        case 4: {
            uint8_t b[10];
            for (int k = 0; k < 10; k++)
                b[k] = (uint8_t)sem_mem_read(c, i->seg, off + (uint32_t)k, 1);
            fpu_load_push(c, fx_from_bcd(b), NULL);
            return;
        }
        case 5: fpu_load_push(c, fx_from_i64((int64_t)rd64(c, i, off)), NULL); return;
        case 6: fpu_store_mem(c, i, off, 6, 1); return;
        case 7: fpu_store_mem(c, i, off, 5, 1); return;
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
                fpu_push(f, fx_indefinite());
            return;
        }
        fpu_load_push(c, fpu_st_get(f, rm), NULL);
        return;
    case 1: fpu_fxch(c, rm); return;
    case 2: if (rm) ud(c); return; /* FNOP */
    case 3: /* FSTP1 alias */
        if (fpu_empty(f, 0)) {
            if (!fpu_stack_fault(c, 0))
                return;
            fpu_set_st(f, rm, fx_indefinite());
        } else {
            f->sw &= (uint16_t)~FSW_C1;
            fpu_set_st(f, rm, fpu_st_get(f, 0));
        }
        fpu_pop(f);
        return;
    case 4:
        if (rm == 0 || rm == 1) { /* FCHS FABS */
            if (fpu_empty(f, 0)) {
                if (fpu_stack_fault(c, 0))
                    fpu_set_st(f, 0, fx_indefinite());
                return;
            }
            struct fx80 x = fpu_st_get(f, 0);
            x.se = rm ? x.se & 0x7FFF : x.se ^ 0x8000;
            f->sw &= (uint16_t)~FSW_C1;
            fpu_set_st(f, 0, x);
        } else if (rm == 4) { /* FTST */
            fpu_compare(c, fx_make(0, 0), 0, 0, 0);
        } else if (rm == 5) {
            fpu_fxam(f);
        } else {
            ud(c);
        }
        return;
    case 5:
        if (rm == 7)
            ud(c);
        fpu_load_push(c, fpu_const(f->cw, rm), NULL);
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
                fpu_compare(c, fpu_st_get(f, rm), fpu_empty(f, rm), 0, reg == 3);
            else
                fpu_arith_reg(c, reg, 0, rm, 0);
            break;
        case 1: exec_d9_reg(c, i); break;
        case 2:
            if (reg < 4)
                fpu_fcmov(c, ((const int[]){ 2, 4, 6, 10 })[reg], rm);
            else if (i->modrm == 0xE9)
                fpu_compare(c, fpu_st_get(f, 1), fpu_empty(f, 1), 1, 2);
            else
                ud(c);
            break;
        case 3:
            if (reg < 4) {
                fpu_fcmov(c, ((const int[]){ 3, 5, 7, 11 })[reg], rm);
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
                fpu_comi(c, rm, reg == 5, 0);
            } else {
                ud(c);
            }
            break;
        case 4:
            if (reg == 2 || reg == 3)
                fpu_compare(c, fpu_st_get(f, rm), fpu_empty(f, rm), 0, reg == 3);
            else
                fpu_arith_reg(c, reg >= 4 ? reg ^ 1 : reg, rm, 0, 0);
            break;
        case 5:
            switch (reg) {
            case 0: fpu_set_empty(f, rm); break;
            case 1: fpu_fxch(c, rm); break;
            case 2: case 3:
                if (fpu_empty(f, 0)) {
                    if (!fpu_stack_fault(c, 0))
                        break;
                    fpu_set_st(f, rm, fx_indefinite());
                } else {
                    f->sw &= (uint16_t)~FSW_C1;
                    fpu_set_st(f, rm, fpu_st_get(f, 0));
                }
                if (reg == 3)
                    fpu_pop(f);
                break;
            case 4: case 5:
                fpu_compare(c, fpu_st_get(f, rm), fpu_empty(f, rm), 1, reg == 5);
                break;
            default: ud(c);
            }
            break;
        case 6:
            if (reg == 2)
                fpu_compare(c, fpu_st_get(f, rm), fpu_empty(f, rm), 0, 1);
            else if (reg == 3)
                rm == 1 ? fpu_compare(c, fpu_st_get(f, 1), fpu_empty(f, 1), 0, 2) : ud(c);
            else
                fpu_arith_reg(c, reg >= 4 ? reg ^ 1 : reg, rm, 0, 1);
            break;
        default:
            switch (reg) {
            case 0: fpu_set_empty(f, rm); fpu_pop(f); break; /* FFREEP */
            case 1: fpu_fxch(c, rm); break;
            case 2: case 3:
                if (fpu_empty(f, 0)) {
                    if (!fpu_stack_fault(c, 0))
                        break;
                    fpu_set_st(f, rm, fx_indefinite());
                } else {
                    f->sw &= (uint16_t)~FSW_C1;
                    fpu_set_st(f, rm, fpu_st_get(f, 0));
                }
                fpu_pop(f);
                break;
            case 4:
                if (rm)
                    ud(c);
                c->r[R_EAX] = (c->r[R_EAX] & 0xFFFF0000u) | f->sw;
                break;
            case 5: case 6: fpu_comi(c, rm, reg == 5, 1); break;
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
