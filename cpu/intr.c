/*
 * intr.c - interrupt and exception delivery (real-mode IVT, interrupt/trap/
 * task gates, privilege change, v86 exits) and IRET (real, v86, protected, to
 * v86, nested-task return), after the INT n and IRET pages of the Intel SDM
 * Vol. 2 and Vol. 3 chapter 6.  Like far.c, no architectural register
 * changes until every check and stack access has succeeded.
 */
#include "cpu/cpu.h"
#include "cpu/far_int.h"
#include "cpu/sem.h"

/* ---- interrupt and exception delivery ---- */

static void deliver_real(struct cpu *c, int vec)
{
    uint32_t off = (uint32_t)vec * 4;
    if (c->model->gen != CPU_8086 && off + 3 > c->idtr.limit)
        cpu_raise(c, EX_GP, (uint32_t)vec * 8 + 2);
    struct stk k;
    far_stk_current(c, &k);
    uint32_t fl = cpu_get_eflags(c);
    if (c->model->gen == CPU_286)
        fl &= 0x0FFF;
    far_stk_push(c, &k, fl & 0xFFFF, 2);
    far_stk_push(c, &k, c->seg[SEG_CS].sel, 2);
    far_stk_push(c, &k, c->eip, 2);
    uint16_t ip = cpu_lin_read16(c, c->idtr.base + off, 0);
    uint16_t cs = cpu_lin_read16(c, c->idtr.base + off + 2, 0);
    far_stk_commit_esp(c, &k);
    c->eflags &= ~(F_IF | F_TF | F_AC | F_RF);
    cpu_load_seg_real(c, SEG_CS, cs);
    c->eip = ip;
}

void cpu_interrupt(struct cpu *c, int vec, enum int_kind kind, bool has_err, uint32_t err)
{
    c->stop_block = 1;
    if (kind == INT_SOFT || kind == INT_SOFT_EXC)
        c->suppress_tf = 1; /* INT n clears TF: no single-step trap into the handler */
    c->halted = 0;
    if (!cpu_pe(c)) {
        deliver_real(c, vec);
        return;
    }
    int ext = (kind == INT_HW || kind == INT_EXC) ? 1 : 0;
    uint32_t gerr = (uint32_t)vec * 8 + 2 + (uint32_t)ext;
    if ((uint32_t)vec * 8 + 7 > c->idtr.limit)
        cpu_raise(c, EX_GP, gerr);
    uint32_t glo = cpu_lin_read32(c, c->idtr.base + (uint32_t)vec * 8, 1);
    uint32_t ghi = cpu_lin_read32(c, c->idtr.base + (uint32_t)vec * 8 + 4, 1);
    uint32_t type = (ghi >> 8) & 0x1F;
    int gdpl = (ghi >> 13) & 3;
    if (type != 5 && type != 6 && type != 7 && type != 14 && type != 15)
        cpu_raise(c, EX_GP, gerr);
    if (kind == INT_SOFT && gdpl < c->cpl)
        cpu_raise(c, EX_GP, gerr);
    if (!(ghi & 0x8000))
        cpu_raise(c, EX_NP, gerr);
    if (type == 5) {
        uint16_t tss = (uint16_t)(glo >> 16);
        uint32_t tlo, thi;
        if (tss & 4)
            cpu_raise(c, EX_TS, (tss & 0xFFFCu) | (uint32_t)ext);
        cpu_read_descriptor(c, tss, &tlo, &thi, EX_TS);
        uint32_t tt = (thi >> 8) & 0x1F;
        if (tt != 1 && tt != 9)
            cpu_raise(c, EX_TS, (tss & 0xFFFCu) | (uint32_t)ext);
        if (!(thi & 0x8000))
            cpu_raise(c, EX_NP, (tss & 0xFFFCu) | (uint32_t)ext);
        cpu_task_switch(c, tss, tlo, thi, TS_INT, has_err, err);
        return;
    }
    int gsize = (type & 8) ? 4 : 2;
    uint16_t cs = (uint16_t)(glo >> 16);
    uint32_t eip = (glo & 0xFFFF) | (gsize == 4 ? (ghi & 0xFFFF0000u) : 0);
    if ((cs & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, (uint32_t)ext);
    uint32_t clo, chi, cerr = (cs & 0xFFFCu) | (uint32_t)ext;
    cpu_read_descriptor(c, cs, &clo, &chi, EX_GP);
    int cdpl = (chi >> 13) & 3;
    if ((chi & 0x1800) != 0x1800 || cdpl > c->cpl)
        cpu_raise(c, EX_GP, cerr);
    if (!(chi & 0x8000))
        cpu_raise(c, EX_NP, cerr);
    struct seg t;
    cpu_seg_from_descriptor(&t, cs, clo, chi);
    uint32_t fl = cpu_get_eflags(c);
    int v86 = cpu_v86(c);
    int new_cpl;
    struct stk k;
    if (!(chi & 0x400) && cdpl < c->cpl) {
        /* inner privilege: stack from the TSS */
        if (v86 && cdpl != 0)
            cpu_raise(c, EX_GP, cerr);
        new_cpl = cdpl;
        uint16_t nss;
        uint32_t nesp;
        far_tss_stack(c, cdpl, &nss, &nesp, ext);
        far_load_inner_ss(c, nss, cdpl, &k.s, ext);
        k.esp = nesp;
        k.b32 = !!(k.s.attr & SA_DB);
        k.user = 0;
        k.fault_vec = EX_SS;
        k.fault_err = (nss & 0xFFFCu) | (uint32_t)ext;
        if (v86) {
            far_stk_push(c, &k, c->seg[SEG_GS].sel, gsize);
            far_stk_push(c, &k, c->seg[SEG_FS].sel, gsize);
            far_stk_push(c, &k, c->seg[SEG_DS].sel, gsize);
            far_stk_push(c, &k, c->seg[SEG_ES].sel, gsize);
        }
        far_stk_push(c, &k, c->seg[SEG_SS].sel, gsize);
        far_stk_push(c, &k, c->r[R_ESP], gsize);
    } else {
        if (v86)
            cpu_raise(c, EX_GP, cerr);
        new_cpl = c->cpl;
        far_stk_current(c, &k);
    }
    far_stk_push(c, &k, fl, gsize);
    far_stk_push(c, &k, c->seg[SEG_CS].sel, gsize);
    far_stk_push(c, &k, c->eip, gsize);
    if (has_err)
        far_stk_push(c, &k, err, gsize);
    if (eip > t.limit)
        cpu_raise(c, EX_GP, (uint32_t)ext);
    /* commit */
    if (new_cpl != c->cpl || v86) {
        c->seg[SEG_SS] = k.s;
        c->r[R_ESP] = k.b32 ? k.esp : ((c->r[R_ESP] & 0xFFFF0000u) | (k.esp & 0xFFFF));
    } else {
        far_stk_commit_esp(c, &k);
    }
    c->eflags &= ~(F_TF | F_NT | F_RF | F_VM);
    if ((type & 7) == 6)
        c->eflags &= ~F_IF;
    if (v86) {
        static const int regs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
        for (unsigned r = 0; r < 4; r++) {
            c->seg[regs[r]].sel = 0;
            c->seg[regs[r]].attr = 0;
        }
    }
    far_commit_cs(c, cs, clo, chi, new_cpl, eip);
}

/* ---- IRET ---- */

static void iret_to_v86(struct cpu *c, struct stk *k, uint32_t eip, uint16_t cs, uint32_t fl)
{
    uint32_t esp = far_stk_pop(c, k, 4);
    uint16_t ss = (uint16_t)far_stk_pop(c, k, 4);
    uint16_t es = (uint16_t)far_stk_pop(c, k, 4);
    uint16_t ds = (uint16_t)far_stk_pop(c, k, 4);
    uint16_t fs = (uint16_t)far_stk_pop(c, k, 4);
    uint16_t gs = (uint16_t)far_stk_pop(c, k, 4);
    c->lf.op = CC_NONE;
    c->eflags = (fl & c->model->eflags_writable) | c->model->eflags_fixed1 | F_VM;
    cpu_load_seg_real(c, SEG_CS, cs);
    cpu_load_seg_real(c, SEG_SS, ss);
    cpu_load_seg_real(c, SEG_ES, es);
    cpu_load_seg_real(c, SEG_DS, ds);
    cpu_load_seg_real(c, SEG_FS, fs);
    cpu_load_seg_real(c, SEG_GS, gs);
    c->r[R_ESP] = esp;
    c->eip = eip & 0xFFFF;
    cpu_update_mode(c);
}

void cpu_iret(struct cpu *c, int o32)
{
    int size = o32 ? 4 : 2;
    struct stk k;
    far_stk_current(c, &k);
    c->stop_block = 1;
    c->nmi_blocked = 0;
    if (!cpu_pe(c)) {
        uint32_t eip = far_stk_pop(c, &k, size);
        uint16_t cs = (uint16_t)far_stk_pop(c, &k, size);
        uint32_t fl = far_stk_pop(c, &k, size);
        if (c->model->gen != CPU_8086 && eip > c->seg[SEG_CS].limit)
            cpu_raise(c, EX_GP, 0);
        far_stk_commit_esp(c, &k);
        uint32_t mask = size == 4 ? ~(F_VM | F_VIF | F_VIP) : 0xFFFFu;
        if (c->model->gen == CPU_286)
            mask &= 0x0FFF;
        cpu_set_eflags(c, fl, mask);
        cpu_load_seg_real(c, SEG_CS, cs);
        c->eip = eip;
        return;
    }
    if (cpu_v86(c)) {
        if (cpu_iopl(c) == 3) {
            uint32_t eip = far_stk_pop(c, &k, size);
            uint16_t cs = (uint16_t)far_stk_pop(c, &k, size);
            uint32_t fl = far_stk_pop(c, &k, size);
            if (eip > 0xFFFF)
                cpu_raise(c, EX_GP, 0);
            far_stk_commit_esp(c, &k);
            uint32_t mask = (size == 4 ? 0xFFFFFFFFu : 0xFFFFu) & ~(F_IOPL | F_VM | F_VIF | F_VIP | F_RF);
            cpu_set_eflags(c, fl, mask);
            cpu_load_seg_real(c, SEG_CS, cs);
            c->eip = eip;
            return;
        }
        if ((c->cr4 & CR4_VME) && size == 2) {
            uint32_t eip = far_stk_pop(c, &k, 2);
            uint16_t cs = (uint16_t)far_stk_pop(c, &k, 2);
            uint32_t fl = far_stk_pop(c, &k, 2);
            if (((fl & F_IF) && (c->eflags & F_VIP)) || (fl & F_TF))
                cpu_raise(c, EX_GP, 0);
            far_stk_commit_esp(c, &k);
            cpu_set_eflags(c, fl, 0xFFFF & ~(F_IOPL | F_IF));
            c->eflags = (c->eflags & ~F_VIF) | ((fl & F_IF) ? F_VIF : 0);
            cpu_load_seg_real(c, SEG_CS, cs);
            c->eip = eip;
            return;
        }
        cpu_raise(c, EX_GP, 0);
    }
    if (c->eflags & F_NT) {
        /* nested task return through the back link */
        uint16_t link = cpu_lin_read16(c, c->seg[SEG_TR].base, 1);
        if (link & 4)
            cpu_raise(c, EX_TS, link & 0xFFFCu);
        uint32_t lo, hi;
        cpu_read_descriptor(c, link, &lo, &hi, EX_TS);
        uint32_t tt = (hi >> 8) & 0x1F;
        if (tt != 3 && tt != 11)
            cpu_raise(c, EX_TS, link & 0xFFFCu);
        if (!(hi & 0x8000))
            cpu_raise(c, EX_NP, link & 0xFFFCu);
        cpu_task_switch(c, link, lo, hi, TS_IRET, false, 0);
        return;
    }
    uint32_t eip = far_stk_pop(c, &k, size);
    uint16_t cs = (uint16_t)far_stk_pop(c, &k, size);
    uint32_t fl = far_stk_pop(c, &k, size);
    if (size == 4 && (fl & F_VM) && c->cpl == 0) {
        iret_to_v86(c, &k, eip, cs, fl);
        return;
    }
    uint32_t lo, hi;
    int rpl = far_check_return_cs(c, cs, eip, &lo, &hi);
    /* which EFLAGS bits the old privilege level may change */
    int old_cpl = c->cpl;
    uint32_t mask = (size == 4 ? 0xFFFFFFFFu : 0xFFFFu) & ~(F_VM | F_VIF | F_VIP);
    if (size == 4 && old_cpl == 0)
        mask |= F_VIF | F_VIP;
    if (old_cpl > 0)
        mask &= ~F_IOPL;
    if (old_cpl > cpu_iopl(c))
        mask &= ~F_IF;
    if (rpl == old_cpl) {
        far_stk_commit_esp(c, &k);
        cpu_set_eflags(c, fl, mask);
        far_commit_cs(c, cs, lo, hi, rpl, eip);
        return;
    }
    struct far_outer o;
    far_pop_outer_stack(c, &k, size, rpl, &o);
    cpu_set_eflags(c, fl, mask);
    far_commit_outer(c, cs, lo, hi, rpl, eip, &o);
}
