/*
 * far.c - far control transfers in every mode: JMP/CALL far (direct, through
 * call gates with stack switch and parameter copy, through task gates and TSS
 * descriptors) and RETF (same and outer privilege), with the stack and
 * descriptor helpers they share with intr.c (far_int.h).  Interrupt and
 * exception delivery and IRET are in intr.c.
 * Follows the pseudo-code of the CALL, JMP, RET, INT n and IRET pages of the
 * Intel SDM Vol. 2 and Vol. 3 chapter 6.
 *
 * No architectural register is changed until every check and stack access of
 * a transfer has succeeded, so a fault in the middle leaves the machine as it
 * was before the instruction.
 */
#include "cpu/cpu.h"
#include "cpu/far_int.h"
#include "cpu/sem.h"


int far_stack_ok(const struct seg *s, uint32_t off, int size)
{
    uint32_t last = off + (uint32_t)size - 1;
    if ((SA_TYPE(s->attr) & 0xC) == 0x4) { /* expand-down */
        uint32_t upper = (s->attr & SA_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        return off > s->limit && last <= upper && last >= off;
    }
    return last <= s->limit && last >= off;
}

void far_stk_push(struct cpu *c, struct stk *k, uint32_t v, int size)
{
    uint32_t esp = k->esp - (uint32_t)size;
    if (!k->b32)
        esp &= 0xFFFF;
    if (cpu_pe(c) && !far_stack_ok(&k->s, esp, size))
        cpu_raise(c, k->fault_vec, k->fault_err);
    uint32_t lin = k->s.base + esp;
    if (size == 4)
        cpu_lin_write32(c, lin, v, !k->user);
    else
        cpu_lin_write16(c, lin, (uint16_t)v, !k->user);
    k->esp = esp;
}

uint32_t far_stk_pop(struct cpu *c, struct stk *k, int size)
{
    uint32_t esp = k->b32 ? k->esp : (k->esp & 0xFFFF);
    if (cpu_pe(c) && !cpu_v86(c) && !far_stack_ok(&k->s, esp, size))
        cpu_raise(c, k->fault_vec, k->fault_err);
    if (!cpu_pe(c) || cpu_v86(c)) {
        if (c->model->gen != CPU_8086 && esp + (uint32_t)size - 1 > k->s.limit)
            cpu_raise(c, c->model->gen == CPU_286 ? EX_GP : EX_SS, 0); /* 286: int 13 in real mode */
    }
    uint32_t lin = k->s.base + (c->model->gen == CPU_8086 ? (esp & 0xFFFF) : esp);
    uint32_t v;
    if (c->model->gen == CPU_8086 && size == 2) {
        v = cpu_lin_read8(c, lin, 0) | (uint32_t)cpu_lin_read8(c, k->s.base + ((esp + 1) & 0xFFFF), 0) << 8;
    } else {
        v = size == 4 ? cpu_lin_read32(c, lin, !k->user) : cpu_lin_read16(c, lin, !k->user);
    }
    esp += (uint32_t)size;
    k->esp = k->b32 ? esp : ((k->esp & 0xFFFF0000u) | (esp & 0xFFFF));
    return v;
}

void far_stk_current(struct cpu *c, struct stk *k)
{
    k->s = c->seg[SEG_SS];
    k->esp = c->r[R_ESP];
    k->b32 = c->stack32;
    k->user = c->cpl == 3;
    k->fault_vec = EX_SS;
    k->fault_err = 0;
}

void far_stk_commit_esp(struct cpu *c, struct stk *k)
{
    if (k->b32)
        c->r[R_ESP] = k->esp;
    else
        c->r[R_ESP] = (c->r[R_ESP] & 0xFFFF0000u) | (k->esp & 0xFFFF);
}

/* Inner stack for privilege level dpl from the current TSS (SDM 7.2.1). */
void far_tss_stack(struct cpu *c, int dpl, uint16_t *ss, uint32_t *esp, int ext)
{
    struct seg *tr = &c->seg[SEG_TR];
    int tss32 = (SA_TYPE(tr->attr) & 8) != 0;
    uint32_t off = tss32 ? (uint32_t)dpl * 8 + 4 : (uint32_t)dpl * 4 + 2;
    if (off + (tss32 ? 5u : 3u) > tr->limit)
        cpu_raise(c, EX_TS, (tr->sel & 0xFFFCu) | (uint32_t)ext);
    if (tss32) {
        *esp = cpu_lin_read32(c, tr->base + off, 1);
        *ss = cpu_lin_read16(c, tr->base + off + 4, 1);
    } else {
        *esp = cpu_lin_read16(c, tr->base + off, 1);
        *ss = cpu_lin_read16(c, tr->base + off + 2, 1);
    }
}

/* Validate the new SS for a privilege change to `dpl` and build its cache. */
void far_load_inner_ss(struct cpu *c, uint16_t ss, int dpl, struct seg *out, int ext)
{
    uint32_t e = (ss & 0xFFFCu) | (uint32_t)ext;
    if ((ss & 0xFFFC) == 0)
        cpu_raise(c, EX_TS, (uint32_t)ext);
    uint32_t lo, hi;
    cpu_read_descriptor(c, ss, &lo, &hi, EX_TS);
    uint32_t type = (hi >> 8) & 0x1F;
    if ((ss & 3) != dpl || (int)((hi >> 13) & 3) != dpl || (type & 0x1A) != 0x12)
        cpu_raise(c, EX_TS, e);
    if (!(hi & 0x8000))
        cpu_raise(c, EX_SS, e);
    if (!(hi & 0x100))
        cpu_set_desc_busy_or_accessed(c, ss, 1);
    cpu_seg_from_descriptor(out, ss, lo, hi | 0x100);
}

/* Null out data segment registers the new (outer) CPL may not use. */
void far_null_outer_segs(struct cpu *c)
{
    static const int regs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (unsigned k = 0; k < 4; k++) {
        struct seg *s = &c->seg[regs[k]];
        int conforming_code = (s->attr & 0x1C) == 0x1C;
        if ((s->attr & SA_P) && (s->attr & SA_S) && !conforming_code && SA_DPL(s->attr) < c->cpl) {
            s->sel = 0;
            s->attr = 0;
        }
    }
}

/* Check a code-segment descriptor for a transfer; returns its cache. */
void far_check_code(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, uint32_t err)
{
    if ((hi & 0x1800) != 0x1800)
        cpu_raise(c, EX_GP, err);
    (void)sel;
    (void)lo;
}

void far_commit_cs(struct cpu *c, uint16_t sel, uint32_t lo, uint32_t hi, int cpl, uint32_t eip)
{
    if (!(hi & 0x100)) {
        cpu_set_desc_busy_or_accessed(c, sel, 1);
        hi |= 0x100;
    }
    cpu_seg_from_descriptor(&c->seg[SEG_CS], (uint16_t)((sel & 0xFFFC) | cpl), lo, hi);
    c->eip = eip;
    c->cpl = (uint8_t)cpl;
    cpu_update_mode(c);
    c->stop_block = 1;
}

/* RETF and IRET: the checks on the CS being returned to (null, descriptor,
 * RPL >= CPL, code segment, conforming DPL rule, present, EIP within the
 * limit).  Returns the RPL; lo/hi get the descriptor. */
int far_check_return_cs(struct cpu *c, uint16_t cs, uint32_t eip, uint32_t *lo, uint32_t *hi)
{
    if ((cs & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    uint32_t err = cs & 0xFFFCu;
    cpu_read_descriptor(c, cs, lo, hi, EX_GP);
    int rpl = cs & 3, dpl = (*hi >> 13) & 3;
    if (rpl < c->cpl)
        cpu_raise(c, EX_GP, err);
    far_check_code(c, cs, *lo, *hi, err);
    if ((*hi & 0x400) ? dpl > rpl : dpl != rpl)
        cpu_raise(c, EX_GP, err);
    if (!(*hi & 0x8000))
        cpu_raise(c, EX_NP, err);
    struct seg t;
    cpu_seg_from_descriptor(&t, cs, *lo, *hi);
    if (eip > t.limit)
        cpu_raise(c, EX_GP, 0);
    return rpl;
}

/* A return to an outer privilege level: pop ESP and SS and check the SS
 * descriptor against the new RPL (marking it accessed). */
void far_pop_outer_stack(struct cpu *c, struct stk *k, int size, int rpl, struct far_outer *o)
{
    o->esp = far_stk_pop(c, k, size);
    o->ss = (uint16_t)far_stk_pop(c, k, size);
    if ((o->ss & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    uint32_t serr = o->ss & 0xFFFCu;
    cpu_read_descriptor(c, o->ss, &o->lo, &o->hi, EX_GP);
    if ((o->ss & 3) != rpl || (int)((o->hi >> 13) & 3) != rpl || ((o->hi >> 8) & 0x1A) != 0x12)
        cpu_raise(c, EX_GP, serr);
    if (!(o->hi & 0x8000))
        cpu_raise(c, EX_SS, serr);
    if (!(o->hi & 0x100))
        cpu_set_desc_busy_or_accessed(c, o->ss, 1);
}

/* ... and its commit: SS, CS:EIP, ESP (its low half on a 16-bit stack), and
 * the data segment registers the outer level may not use are nulled. */
void far_commit_outer(struct cpu *c, uint16_t cs, uint32_t lo, uint32_t hi, int rpl, uint32_t eip,
                      const struct far_outer *o)
{
    cpu_seg_from_descriptor(&c->seg[SEG_SS], o->ss, o->lo, o->hi | 0x100);
    far_commit_cs(c, cs, lo, hi, rpl, eip);
    if (c->stack32)
        c->r[R_ESP] = o->esp;
    else
        c->r[R_ESP] = (c->r[R_ESP] & 0xFFFF0000u) | (o->esp & 0xFFFF);
    far_null_outer_segs(c);
}

/* ---- JMP far ---- */

void cpu_far_jmp(struct cpu *c, uint16_t sel, uint32_t off)
{
    c->stop_block = 1;
    if (!cpu_pm(c)) {
        if (c->model->gen != CPU_8086 && off > c->seg[SEG_CS].limit && cpu_v86(c))
            cpu_raise(c, EX_GP, 0);
        cpu_load_seg_real(c, SEG_CS, sel);
        c->eip = off;
        return;
    }
    if ((sel & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    uint32_t lo, hi, err = sel & 0xFFFCu;
    cpu_read_descriptor(c, sel, &lo, &hi, EX_GP);
    int dpl = (hi >> 13) & 3, rpl = sel & 3, cpl = c->cpl;
    if (hi & 0x1000) { /* code or data */
        far_check_code(c, sel, lo, hi, err);
        if (hi & 0x400) { /* conforming */
            if (dpl > cpl)
                cpu_raise(c, EX_GP, err);
        } else if (rpl > cpl || dpl != cpl) {
            cpu_raise(c, EX_GP, err);
        }
        if (!(hi & 0x8000))
            cpu_raise(c, EX_NP, err);
        struct seg t;
        cpu_seg_from_descriptor(&t, sel, lo, hi);
        if (off > t.limit)
            cpu_raise(c, EX_GP, 0);
        far_commit_cs(c, sel, lo, hi, cpl, off);
        return;
    }
    uint32_t type = (hi >> 8) & 0xF;
    if (dpl < cpl || dpl < rpl)
        cpu_raise(c, EX_GP, err);
    if (!(hi & 0x8000))
        cpu_raise(c, EX_NP, err);
    switch (type) {
    case 1: case 9: /* available TSS */
        cpu_task_switch(c, sel, lo, hi, TS_JMP, false, 0);
        return;
    case 5: { /* task gate */
        uint16_t tss = (uint16_t)(lo >> 16);
        uint32_t tlo, thi;
        if (tss & 4)
            cpu_raise(c, EX_GP, tss & 0xFFFCu);
        cpu_read_descriptor(c, tss, &tlo, &thi, EX_GP);
        uint32_t tt = (thi >> 8) & 0x1F;
        if (tt != 1 && tt != 9)
            cpu_raise(c, EX_GP, tss & 0xFFFCu);
        if (!(thi & 0x8000))
            cpu_raise(c, EX_NP, tss & 0xFFFCu);
        cpu_task_switch(c, tss, tlo, thi, TS_JMP, false, 0);
        return;
    }
    case 4: case 12: { /* call gate: JMP cannot change privilege */
        uint16_t cs = (uint16_t)(lo >> 16);
        uint32_t eip = (lo & 0xFFFF) | (type == 12 ? (hi & 0xFFFF0000u) : 0);
        if ((cs & 0xFFFC) == 0)
            cpu_raise(c, EX_GP, 0);
        uint32_t clo, chi, cerr = cs & 0xFFFCu;
        cpu_read_descriptor(c, cs, &clo, &chi, EX_GP);
        far_check_code(c, cs, clo, chi, cerr);
        int cdpl = (chi >> 13) & 3;
        if ((chi & 0x400) ? cdpl > cpl : cdpl != cpl)
            cpu_raise(c, EX_GP, cerr);
        if (!(chi & 0x8000))
            cpu_raise(c, EX_NP, cerr);
        struct seg t;
        cpu_seg_from_descriptor(&t, cs, clo, chi);
        if (eip > t.limit)
            cpu_raise(c, EX_GP, 0);
        far_commit_cs(c, cs, clo, chi, cpl, eip);
        return;
    }
    default:
        cpu_raise(c, EX_GP, err);
    }
}

/* ---- CALL far ---- */

void cpu_far_call(struct cpu *c, uint16_t sel, uint32_t off, int o32)
{
    int size = o32 ? 4 : 2;
    struct stk k;
    far_stk_current(c, &k);
    c->stop_block = 1;
    if (!cpu_pm(c)) {
        if (c->model->gen != CPU_8086 && !o32 && off > 0xFFFF)
            off &= 0xFFFF;
        far_stk_push(c, &k, c->seg[SEG_CS].sel, size);
        far_stk_push(c, &k, c->eip, size);
        far_stk_commit_esp(c, &k);
        cpu_load_seg_real(c, SEG_CS, sel);
        c->eip = off;
        return;
    }
    if ((sel & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    uint32_t lo, hi, err = sel & 0xFFFCu;
    cpu_read_descriptor(c, sel, &lo, &hi, EX_GP);
    int dpl = (hi >> 13) & 3, rpl = sel & 3, cpl = c->cpl;
    if (hi & 0x1000) {
        far_check_code(c, sel, lo, hi, err);
        if (hi & 0x400) {
            if (dpl > cpl)
                cpu_raise(c, EX_GP, err);
        } else if (rpl > cpl || dpl != cpl) {
            cpu_raise(c, EX_GP, err);
        }
        if (!(hi & 0x8000))
            cpu_raise(c, EX_NP, err);
        struct seg t;
        cpu_seg_from_descriptor(&t, sel, lo, hi);
        far_stk_push(c, &k, c->seg[SEG_CS].sel, size);
        far_stk_push(c, &k, c->eip, size);
        if (off > t.limit)
            cpu_raise(c, EX_GP, 0);
        far_stk_commit_esp(c, &k);
        far_commit_cs(c, sel, lo, hi, cpl, off);
        return;
    }
    uint32_t type = (hi >> 8) & 0xF;
    if (dpl < cpl || dpl < rpl)
        cpu_raise(c, EX_GP, err);
    if (!(hi & 0x8000))
        cpu_raise(c, EX_NP, err);
    if (type == 1 || type == 9) {
        cpu_task_switch(c, sel, lo, hi, TS_CALL, false, 0);
        return;
    }
    if (type == 5) {
        uint16_t tss = (uint16_t)(lo >> 16);
        uint32_t tlo, thi;
        if (tss & 4)
            cpu_raise(c, EX_GP, tss & 0xFFFCu);
        cpu_read_descriptor(c, tss, &tlo, &thi, EX_GP);
        uint32_t tt = (thi >> 8) & 0x1F;
        if (tt != 1 && tt != 9)
            cpu_raise(c, EX_GP, tss & 0xFFFCu);
        if (!(thi & 0x8000))
            cpu_raise(c, EX_NP, tss & 0xFFFCu);
        cpu_task_switch(c, tss, tlo, thi, TS_CALL, false, 0);
        return;
    }
    if (type != 4 && type != 12)
        cpu_raise(c, EX_GP, err);
    /* call gate */
    int gsize = type == 12 ? 4 : 2;
    uint16_t cs = (uint16_t)(lo >> 16);
    uint32_t eip = (lo & 0xFFFF) | (type == 12 ? (hi & 0xFFFF0000u) : 0);
    unsigned nparams = hi & 0x1F;
    if ((cs & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    uint32_t clo, chi, cerr = cs & 0xFFFCu;
    cpu_read_descriptor(c, cs, &clo, &chi, EX_GP);
    far_check_code(c, cs, clo, chi, cerr);
    int cdpl = (chi >> 13) & 3;
    if (cdpl > cpl)
        cpu_raise(c, EX_GP, cerr);
    if (!(chi & 0x8000))
        cpu_raise(c, EX_NP, cerr);
    struct seg t;
    cpu_seg_from_descriptor(&t, cs, clo, chi);
    if (!(chi & 0x400) && cdpl < cpl) {
        /* more privileged: switch to the inner stack from the TSS */
        uint16_t nss;
        uint32_t nesp;
        far_tss_stack(c, cdpl, &nss, &nesp, 0);
        struct stk n;
        far_load_inner_ss(c, nss, cdpl, &n.s, 0);
        n.esp = nesp;
        n.b32 = !!(n.s.attr & SA_DB);
        n.user = 0;
        n.fault_vec = EX_SS;
        n.fault_err = nss & 0xFFFCu;
        far_stk_push(c, &n, c->seg[SEG_SS].sel, gsize);
        far_stk_push(c, &n, c->r[R_ESP], gsize);
        /* copy parameters from the old stack, deepest first */
        for (unsigned p = nparams; p > 0; p--) {
            uint32_t o = (k.b32 ? k.esp : (k.esp & 0xFFFF)) + (p - 1) * (uint32_t)gsize;
            if (!k.b32)
                o &= 0xFFFF;
            if (!far_stack_ok(&k.s, o, gsize))
                cpu_raise(c, EX_SS, 0);
            uint32_t v = gsize == 4 ? cpu_lin_read32(c, k.s.base + o, 0) : cpu_lin_read16(c, k.s.base + o, 0);
            far_stk_push(c, &n, v, gsize);
        }
        far_stk_push(c, &n, c->seg[SEG_CS].sel, gsize);
        far_stk_push(c, &n, c->eip, gsize);
        if (eip > t.limit)
            cpu_raise(c, EX_GP, 0);
        c->seg[SEG_SS] = n.s;
        c->r[R_ESP] = n.b32 ? n.esp : ((c->r[R_ESP] & 0xFFFF0000u) | (n.esp & 0xFFFF));
        far_commit_cs(c, cs, clo, chi, cdpl, eip);
        return;
    }
    far_stk_push(c, &k, c->seg[SEG_CS].sel, gsize);
    far_stk_push(c, &k, c->eip, gsize);
    if (eip > t.limit)
        cpu_raise(c, EX_GP, 0);
    far_stk_commit_esp(c, &k);
    far_commit_cs(c, cs, clo, chi, cpl, eip);
}

/* ---- RET far ---- */

void cpu_far_ret(struct cpu *c, int o32, uint16_t pop_bytes)
{
    int size = o32 ? 4 : 2;
    struct stk k;
    far_stk_current(c, &k);
    c->stop_block = 1;
    uint32_t eip = far_stk_pop(c, &k, size);
    uint16_t cs = (uint16_t)far_stk_pop(c, &k, size);
    if (!cpu_pm(c)) {
        if (c->model->gen != CPU_8086 && eip > c->seg[SEG_CS].limit && cpu_v86(c))
            cpu_raise(c, EX_GP, 0);
        k.esp += pop_bytes;
        far_stk_commit_esp(c, &k);
        cpu_load_seg_real(c, SEG_CS, cs);
        c->eip = eip;
        return;
    }
    uint32_t lo, hi;
    int rpl = far_check_return_cs(c, cs, eip, &lo, &hi);
    if (rpl == c->cpl) {
        k.esp += pop_bytes;
        far_stk_commit_esp(c, &k);
        far_commit_cs(c, cs, lo, hi, rpl, eip);
        return;
    }
    /* return to an outer privilege level */
    k.esp += pop_bytes;
    struct far_outer o;
    far_pop_outer_stack(c, &k, size, rpl, &o);
    o.esp += pop_bytes;
    far_commit_outer(c, cs, lo, hi, rpl, eip, &o);
}

