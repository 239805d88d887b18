/*
 * sem_ctrl.c - control transfer, stack and flag instructions: Jcc, JMP, CALL,
 * RET, LOOP/JCXZ, INT/INTO/INT3/INT1/IRET, HLT, PUSH/POP (registers, segment
 * registers, memory, immediates), PUSHA/POPA, ENTER/LEAVE, PUSHF/POPF with
 * the IOPL/VME/PVI rules (SDM Vol. 3 chapter 20 and the POPF/CLI/STI pages of
 * Vol. 2), SAHF/LAHF, CLI/STI/CLD/STD/CLC/STC/CMC, XLAT, BOUND, WAIT, x87
 * escapes (#NM only until the FPU exists) and #UD.
 */
#include "cpu/sem.h"
#include "cpu/trace.h"

static void jump_near(struct cpu *c, const struct insn *i, uint32_t target)
{
    if (!i->o32)
        target &= 0xFFFF;
    if (c->model->gen != CPU_8086 && target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    c->eip = target;
}

static void push_v(struct cpu *c, int size, uint32_t v)
{
    if (size == 4)
        cpu_push32(c, v);
    else
        cpu_push16(c, (uint16_t)v);
}

static uint32_t pop_v(struct cpu *c, int size)
{
    return size == 4 ? cpu_pop32(c) : cpu_pop16(c);
}

void sem_jcc(struct cpu *c, const struct insn *i)
{
    if (sem_cond(c, i->sub))
        jump_near(c, i, c->eip + i->imm);
}

void sem_jmp_rel(struct cpu *c, const struct insn *i)
{
    jump_near(c, i, c->eip + i->imm);
}

void sem_call_rel(struct cpu *c, const struct insn *i)
{
    uint32_t target = c->eip + i->imm;
    if (!i->o32)
        target &= 0xFFFF;
    if (c->model->gen != CPU_8086 && target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    push_v(c, i->osz, c->eip);
    c->eip = target;
}

void sem_jmp_ind(struct cpu *c, const struct insn *i)
{
    jump_near(c, i, sem_rm_read(c, i, i->osz));
}

void sem_call_ind(struct cpu *c, const struct insn *i)
{
    uint32_t target = sem_rm_read(c, i, i->osz);
    if (c->model->gen != CPU_8086 && target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    push_v(c, i->osz, c->eip);
    c->eip = target;
}

void sem_ret_near(struct cpu *c, const struct insn *i)
{
    uint32_t target = pop_v(c, i->osz);
    if (c->model->gen != CPU_8086 && target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    if (i->row->form == FM_I) {
        if (c->stack32)
            c->r[R_ESP] += i->imm & 0xFFFF;
        else
            sem_reg_write(c, R_ESP, 2, c->r[R_ESP] + (i->imm & 0xFFFF));
    }
    c->eip = target;
}

void sem_loop(struct cpu *c, const struct insn *i)
{
    uint32_t cnt = i->a32 ? c->r[R_ECX] : (c->r[R_ECX] & 0xFFFF);
    int take;
    if (i->sub == 3) {
        take = cnt == 0;
    } else {
        cnt--;
        if (i->a32)
            c->r[R_ECX] = cnt;
        else
            sem_reg_write(c, R_ECX, 2, cnt);
        cnt &= i->a32 ? 0xFFFFFFFFu : 0xFFFFu;
        take = cnt != 0;
        if (i->sub == 0)
            take = take && !(cpu_compute_flags(c) & F_ZF);
        else if (i->sub == 1)
            take = take && (cpu_compute_flags(c) & F_ZF);
    }
    if (take)
        jump_near(c, i, c->eip + i->imm);
}

void sem_jmp_far_imm(struct cpu *c, const struct insn *i)
{
    cpu_far_jmp(c, i->imm2, i->imm);
}

void sem_call_far_imm(struct cpu *c, const struct insn *i)
{
    cpu_far_call(c, i->imm2, i->imm, i->o32);
}

void sem_jmp_far_ind(struct cpu *c, const struct insn *i)
{
    uint32_t off = sem_ea(c, i);
    uint32_t eip = sem_mem_read(c, i->seg, off, i->osz);
    uint16_t sel = (uint16_t)sem_mem_read(c, i->seg, off + i->osz, 2);
    cpu_far_jmp(c, sel, eip);
}

void sem_call_far_ind(struct cpu *c, const struct insn *i)
{
    uint32_t off = sem_ea(c, i);
    uint32_t eip = sem_mem_read(c, i->seg, off, i->osz);
    uint16_t sel = (uint16_t)sem_mem_read(c, i->seg, off + i->osz, 2);
    cpu_far_call(c, sel, eip, i->o32);
}

void sem_ret_far(struct cpu *c, const struct insn *i)
{
    cpu_far_ret(c, i->o32, i->row->form == FM_I ? (uint16_t)i->imm : 0);
}

/* ---- interrupts ---- */

/* INT n in v86 mode with CR4.VME: the interrupt redirection bitmap (SDM 20.3.3). */
static int v86_redirect(struct cpu *c, int vec)
{
    if (!(c->cr4 & CR4_VME))
        return 0;
    uint32_t tss = c->seg[SEG_TR].base;
    uint16_t iomap = cpu_lin_read16(c, tss + 0x66, 1);
    uint32_t byte = (uint32_t)iomap - 32 + (uint32_t)(vec >> 3);
    if (byte > c->seg[SEG_TR].limit)
        cpu_raise(c, EX_GP, 0);
    if (cpu_lin_read8(c, tss + byte, 1) & (1u << (vec & 7)))
        return 0; /* bit set: protected-mode handler */
    /* redirect through the v86 task's real-mode IVT */
    uint32_t fl = cpu_get_eflags(c);
    uint16_t pushed = (uint16_t)fl;
    if (cpu_iopl(c) < 3) {
        pushed = (uint16_t)((pushed & ~F_IF) | ((fl & F_VIF) ? F_IF : 0) | F_IOPL);
    }
    uint16_t ip = cpu_lin_read16(c, (uint32_t)vec * 4, 0);
    uint16_t cs = cpu_lin_read16(c, (uint32_t)vec * 4 + 2, 0);
    cpu_push16(c, pushed);
    cpu_push16(c, c->seg[SEG_CS].sel);
    cpu_push16(c, (uint16_t)c->eip);
    if (cpu_iopl(c) < 3)
        c->eflags &= ~F_VIF;
    else
        c->eflags &= ~F_IF;
    c->eflags &= ~(F_TF | F_RF);
    cpu_load_seg_real(c, SEG_CS, cs);
    c->eip = ip;
    return 1;
}

/* -d int: software interrupts too (INT n with EAX, for BIOS/DOS/syscall traces) */
#define TRACE_SOFT(c, vec, what)                                                                       \
    trace_int((c), (vec), "software interrupt %s %02xh at %04x:%08x eax=%08x", (what), (vec),            \
              (c)->seg[SEG_CS].sel, (c)->eip_start, (c)->r[R_EAX])

void sem_int(struct cpu *c, const struct insn *i)
{
    int vec = i->imm & 0xFF;
    TRACE_SOFT(c, vec, "int");
    if (cpu_v86(c)) {
        if (v86_redirect(c, vec))
            return;
        if (cpu_iopl(c) < 3)
            cpu_raise(c, EX_GP, 0);
    }
    cpu_interrupt(c, vec, INT_SOFT, false, 0);
}

void sem_int3(struct cpu *c, const struct insn *i)
{
    TRACE_SOFT(c, EX_BP, "int3");
    cpu_interrupt(c, EX_BP, INT_SOFT, false, 0);
}

void sem_into(struct cpu *c, const struct insn *i)
{
    if (cpu_compute_flags(c) & F_OF) {
        TRACE_SOFT(c, EX_OF, "into");
        cpu_interrupt(c, EX_OF, INT_SOFT, false, 0);
    }
}

void sem_int1(struct cpu *c, const struct insn *i)
{
    TRACE_SOFT(c, EX_DB, "int1");
    cpu_interrupt(c, EX_DB, INT_SOFT_EXC, false, 0);
}

void sem_iret(struct cpu *c, const struct insn *i)
{
    cpu_iret(c, i->o32);
}

void sem_hlt(struct cpu *c, const struct insn *i)
{
    if (cpu_pe(c) && (cpu_v86(c) || c->cpl != 0))
        cpu_raise(c, EX_GP, 0);
    c->halted = 1;
    c->stop_block = 1;
}

/* ---- stack ---- */

void sem_push_reg(struct cpu *c, const struct insn *i)
{
    int r = i->opc & 7;
    uint32_t v = c->r[r];
    if (r == R_ESP && c->model->gen == CPU_8086)
        v -= 2; /* the 8086 pushes the decremented SP */
    push_v(c, i->osz, v);
}

void sem_pop_reg(struct cpu *c, const struct insn *i)
{
    uint32_t v = pop_v(c, i->osz);
    sem_reg_write(c, i->opc & 7, i->osz, v);
}

void sem_push_imm(struct cpu *c, const struct insn *i)
{
    push_v(c, i->osz, i->imm);
}

void sem_push_e(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    if (i->mod == 3 && i->rm == R_ESP && c->model->gen == CPU_8086)
        v = c->r[R_ESP] - 2;
    else
        v = sem_rm_read(c, i, i->osz);
    push_v(c, i->osz, v);
}

void sem_pop_e(struct cpu *c, const struct insn *i)
{
    /* the destination address is computed with ESP after the pop (SDM POP) */
    uint32_t sp = c->r[R_ESP];
    uint32_t v = pop_v(c, i->osz);
    if (i->mod == 3) {
        sem_reg_write(c, i->rm, i->osz, v);
        return;
    }
    uint32_t newsp = c->r[R_ESP];
    if (c->model->gen == CPU_8086)
        c->r[R_ESP] = sp; /* the 8086 computes the address with the old SP */
    uint32_t off = sem_ea(c, i);
    c->r[R_ESP] = newsp;
    /* a faulting store restores ESP through the fault path; the 286 keeps
     * the popped SP (hardware-captured behaviour) */
    if (c->model->gen == CPU_286)
        c->esp_start = newsp;
    sem_mem_write(c, i->seg, off, i->osz, v);
}

void sem_push_sreg(struct cpu *c, const struct insn *i)
{
    uint16_t sel = c->seg[i->sub].sel;
    if (i->osz == 4) {
        /* P6 writes only the low 16 bits of the 32-bit slot */
        uint32_t sp = (c->stack32 ? c->r[R_ESP] : (c->r[R_ESP] & 0xFFFF)) - 4;
        if (!c->stack32)
            sp &= 0xFFFF;
        sem_mem_write(c, SEG_SS, sp, 2, sel);
        if (c->stack32)
            c->r[R_ESP] = sp;
        else
            sem_reg_write(c, R_ESP, 2, sp);
    } else {
        cpu_push16(c, sel);
    }
}

void sem_pop_sreg(struct cpu *c, const struct insn *i)
{
    uint32_t sp = c->stack32 ? c->r[R_ESP] : (c->r[R_ESP] & 0xFFFF);
    uint16_t sel = (uint16_t)sem_mem_read(c, SEG_SS, sp, 2);
    cpu_load_seg(c, i->sub, sel);
    uint32_t nsp = sp + (uint32_t)i->osz;
    if (c->stack32)
        c->r[R_ESP] = nsp;
    else
        sem_reg_write(c, R_ESP, 2, nsp);
    if (i->sub == SEG_SS)
        c->inhibit_irq = 1;
    if (i->sub == SEG_CS)
        c->stop_block = 1;
}

void sem_pusha(struct cpu *c, const struct insn *i)
{
    uint32_t sp = c->r[R_ESP];
    for (int r = R_EAX; r <= R_EDI; r++)
        push_v(c, i->osz, r == R_ESP ? sp : c->r[r]);
}

void sem_popa(struct cpu *c, const struct insn *i)
{
    for (int r = R_EDI; r >= R_EAX; r--) {
        uint32_t v = pop_v(c, i->osz);
        if (r != R_ESP)
            sem_reg_write(c, r, i->osz, v);
    }
}

void sem_enter(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t alloc = i->imm & 0xFFFF;
    unsigned level = i->imm2 & 31;
    uint32_t bp = c->r[R_EBP];
    push_v(c, size, bp);
    uint32_t frame = c->stack32 ? c->r[R_ESP] : (c->r[R_ESP] & 0xFFFF);
    if (level > 0) {
        uint32_t tbp = bp;
        for (unsigned k = 1; k < level; k++) {
            tbp -= (uint32_t)size;
            uint32_t v = sem_mem_read(c, SEG_SS, c->stack32 ? tbp : (tbp & 0xFFFF), size);
            push_v(c, size, v);
        }
        push_v(c, size, frame);
    }
    sem_reg_write(c, R_EBP, size, frame);
    if (c->stack32)
        c->r[R_ESP] -= alloc;
    else
        sem_reg_write(c, R_ESP, 2, c->r[R_ESP] - alloc);
    /* P6 checks the new stack top is writable */
    if (c->model->gen >= CPU_286)
        sem_mem_read(c, SEG_SS, c->stack32 ? c->r[R_ESP] : (c->r[R_ESP] & 0xFFFF), 1);
}

void sem_leave(struct cpu *c, const struct insn *i)
{
    uint32_t bp = c->stack32 ? c->r[R_EBP] : (c->r[R_EBP] & 0xFFFF);
    uint32_t v = sem_mem_read(c, SEG_SS, bp, i->osz);
    if (c->stack32)
        c->r[R_ESP] = bp + (uint32_t)i->osz;
    else
        sem_reg_write(c, R_ESP, 2, bp + (uint32_t)i->osz);
    sem_reg_write(c, R_EBP, i->osz, v);
}

/* ---- flags ---- */

void sem_pushf(struct cpu *c, const struct insn *i)
{
    uint32_t fl = cpu_get_eflags(c) & ~(F_VM | F_RF);
    if (cpu_v86(c) && cpu_iopl(c) < 3) {
        if (!(c->cr4 & CR4_VME) || i->osz == 4)
            cpu_raise(c, EX_GP, 0);
        fl = (fl & ~F_IF) | ((fl & F_VIF) ? F_IF : 0) | F_IOPL;
    }
    if (c->model->gen == CPU_286 && cpu_real(c))
        fl &= 0x0FFF;
    push_v(c, i->osz, fl);
}

void sem_popf(struct cpu *c, const struct insn *i)
{
    uint32_t old = cpu_get_eflags(c);
    int size = i->osz;
    if (cpu_v86(c) && cpu_iopl(c) < 3) {
        if (!(c->cr4 & CR4_VME) || size == 4)
            cpu_raise(c, EX_GP, 0);
        uint32_t sp = c->stack32 ? c->r[R_ESP] : (c->r[R_ESP] & 0xFFFF);
        uint16_t v = (uint16_t)sem_mem_read(c, SEG_SS, sp, 2);
        if ((v & F_TF) || ((v & F_IF) && (old & F_VIP)))
            cpu_raise(c, EX_GP, 0);
        cpu_pop16(c);
        uint32_t mask = 0xFFFF & ~(F_IOPL | F_IF);
        cpu_set_eflags(c, v, mask);
        c->eflags = (c->eflags & ~F_VIF) | ((v & F_IF) ? F_VIF : 0);
        c->stop_block = 1;
        return;
    }
    uint32_t v = pop_v(c, size);
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : 0xFFFFu;
    mask &= ~(F_VM | F_RF | F_VIP | F_VIF);
    if (cpu_pe(c)) {
        if (c->cpl > 0 || cpu_v86(c))
            mask &= ~F_IOPL;
        if (!cpu_v86(c) && c->cpl > cpu_iopl(c))
            mask &= ~F_IF;
    } else if (c->model->gen == CPU_286) {
        mask &= ~(F_IOPL | F_NT | 0x8000u);
    }
    cpu_set_eflags(c, v, mask);
    if (size == 4 && (c->eflags & F_RF))
        c->eflags &= ~F_RF;
    c->stop_block = 1;
}

void sem_sahf(struct cpu *c, const struct insn *i)
{
    uint32_t ah = (c->r[R_EAX] >> 8) & 0xFF;
    cpu_set_eflags(c, ah, F_CF | F_PF | F_AF | F_ZF | F_SF);
}

void sem_lahf(struct cpu *c, const struct insn *i)
{
    uint32_t fl = cpu_get_eflags(c) & 0xFF;
    sem_reg_write(c, 4 /* AH */, 1, fl);
}

void sem_flagop(struct cpu *c, const struct insn *i)
{
    flags_materialize(c);
    switch (i->sub) {
    case FO_CMC: c->eflags ^= F_CF; return;
    case FO_CLC: c->eflags &= ~F_CF; return;
    case FO_STC: c->eflags |= F_CF; return;
    case FO_CLD: c->eflags &= ~F_DF; return;
    case FO_STD: c->eflags |= F_DF; return;
    }
    /* CLI / STI with the IOPL, VME and PVI rules */
    int sti = i->sub == FO_STI;
    uint32_t flag = F_IF;
    if (cpu_pe(c)) {
        int iopl = cpu_iopl(c);
        if (cpu_v86(c)) {
            if (iopl < 3) {
                if (!(c->cr4 & CR4_VME))
                    cpu_raise(c, EX_GP, 0);
                if (sti && (c->eflags & F_VIP))
                    cpu_raise(c, EX_GP, 0);
                flag = F_VIF;
            }
        } else if (c->cpl > iopl) {
            if (c->cpl == 3 && (c->cr4 & CR4_PVI)) {
                if (sti && (c->eflags & F_VIP))
                    cpu_raise(c, EX_GP, 0);
                flag = F_VIF;
            } else {
                cpu_raise(c, EX_GP, 0);
            }
        }
    }
    if (sti) {
        if (flag == F_IF && !(c->eflags & F_IF))
            c->inhibit_irq = 1;
        c->eflags |= flag;
        c->stop_block = 1;
    } else {
        c->eflags &= ~flag;
    }
}

void sem_xlat(struct cpu *c, const struct insn *i)
{
    uint32_t off = (i->a32 ? c->r[R_EBX] : (c->r[R_EBX] & 0xFFFF)) + (c->r[R_EAX] & 0xFF);
    if (!i->a32)
        off &= 0xFFFF;
    sem_reg_write(c, R_EAX, 1, sem_mem_read(c, i->seg, off, 1));
}

void sem_bound(struct cpu *c, const struct insn *i)
{
    uint32_t off = sem_ea(c, i);
    int size = i->osz;
    int32_t lo = sext(sem_mem_read(c, i->seg, off, size), size);
    int32_t hi = sext(sem_mem_read(c, i->seg, off + (uint32_t)size, size), size);
    int32_t v = sext(sem_reg_read(c, i->reg, size), size);
    if (v < lo || v > hi)
        cpu_raise(c, EX_BR, 0);
}

void sem_wait(struct cpu *c, const struct insn *i)
{
    fpu_wait(c);
}

void sem_fpu(struct cpu *c, const struct insn *i)
{
    if (c->model->cpuid_features_edx & 1u) { /* CPUID.FPU: the on-chip x87 (cpu/fpu_insn.c) */
        fpu_exec(c, i);
        return;
    }
    if (c->model->gen >= CPU_286 && (c->cr0 & (CR0_EM | CR0_TS)))
        cpu_raise(c, EX_NM, 0);
    /* No coprocessor is attached yet: as on a board without an 80x87, the
     * escape only computes its address and nothing is stored (so FNSTSW/FNSTCW
     * probes see no FPU, matching CPUID.FPU = 0). */
    if (c->model->gen >= CPU_386)
        cpu_warn_once(c, 1, "x87 instruction executed with no FPU modelled");
    if (c->model->gen == CPU_286 && i->mod != 3) {
        /* the 286 checks the operand against the segment limit itself
         * (sizes of the 16-bit forms; FLDENV/FSTENV 14, FRSTOR/FSAVE 94) */
        static const uint8_t sz[8][8] = {
            { 4, 4, 4, 4, 4, 4, 4, 4 },  { 4, 0, 4, 4, 14, 2, 14, 2 }, { 4, 4, 4, 4, 4, 4, 4, 4 },
            { 4, 0, 4, 4, 0, 10, 0, 10 }, { 8, 8, 8, 8, 8, 8, 8, 8 },  { 8, 0, 8, 8, 94, 0, 94, 2 },
            { 2, 2, 2, 2, 2, 2, 2, 2 },  { 2, 0, 2, 2, 10, 8, 10, 8 },
        };
        int n = sz[i->opc & 7][i->reg];
        if (n)
            cpu_seg_check(c, i->seg, sem_ea(c, i), n, 0);
    }
}

void sem_ud(struct cpu *c, const struct insn *i)
{
    cpu_raise(c, EX_UD, 0);
}
