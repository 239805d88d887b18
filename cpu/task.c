/*
 * task.c - hardware task switching through TSS descriptors and task gates,
 * by JMP, CALL, INT (and exceptions) and IRET with NT set; 16- and 32-bit
 * TSS formats.  Follows Intel SDM Vol. 3 section 7.3 (the task-switch steps)
 * and 7.4 (task linking, busy flag, NT).  The new task's state is read
 * completely before the old one is saved; faults after the commit point are
 * delivered in the new task, as the SDM describes.
 */
#include "cpu/cpu.h"
#include "cpu/sem.h"

struct tss_image {
    uint32_t eip, eflags, r[8], cr3;
    uint16_t sreg[6], ldt, link;
};

static void read_tss(struct cpu *c, uint32_t base, int is32, struct tss_image *t)
{
    if (is32) {
        t->cr3 = cpu_lin_read32(c, base + 0x1C, 1);
        t->eip = cpu_lin_read32(c, base + 0x20, 1);
        t->eflags = cpu_lin_read32(c, base + 0x24, 1);
        for (int k = 0; k < 8; k++)
            t->r[k] = cpu_lin_read32(c, base + 0x28 + 4u * (uint32_t)k, 1);
        for (int k = 0; k < 6; k++)
            t->sreg[k] = cpu_lin_read16(c, base + 0x48 + 4u * (uint32_t)k, 1);
        t->ldt = cpu_lin_read16(c, base + 0x60, 1);
    } else {
        t->cr3 = 0;
        t->eip = cpu_lin_read16(c, base + 0x0E, 1);
        t->eflags = cpu_lin_read16(c, base + 0x10, 1);
        for (int k = 0; k < 8; k++)
            t->r[k] = 0xFFFF0000u | cpu_lin_read16(c, base + 0x12 + 2u * (uint32_t)k, 1);
        for (int k = 0; k < 4; k++)
            t->sreg[k] = cpu_lin_read16(c, base + 0x22 + 2u * (uint32_t)k, 1);
        t->sreg[SEG_FS] = t->sreg[SEG_GS] = 0;
        t->ldt = cpu_lin_read16(c, base + 0x2A, 1);
    }
}

static void save_tss(struct cpu *c, uint32_t base, int is32, uint32_t eflags)
{
    if (is32) {
        cpu_lin_write32(c, base + 0x20, c->eip, 1);
        cpu_lin_write32(c, base + 0x24, eflags, 1);
        for (int k = 0; k < 8; k++)
            cpu_lin_write32(c, base + 0x28 + 4u * (uint32_t)k, c->r[k], 1);
        for (int k = 0; k < 6; k++)
            cpu_lin_write16(c, base + 0x48 + 4u * (uint32_t)k, c->seg[k].sel, 1);
    } else {
        cpu_lin_write16(c, base + 0x0E, (uint16_t)c->eip, 1);
        cpu_lin_write16(c, base + 0x10, (uint16_t)eflags, 1);
        for (int k = 0; k < 8; k++)
            cpu_lin_write16(c, base + 0x12 + 2u * (uint32_t)k, (uint16_t)c->r[k], 1);
        for (int k = 0; k < 4; k++)
            cpu_lin_write16(c, base + 0x22 + 2u * (uint32_t)k, c->seg[k].sel, 1);
    }
}

static void set_busy(struct cpu *c, uint16_t sel, int busy)
{
    uint32_t lin = c->gdtr.base + (sel & 0xFFF8u);
    uint8_t b = cpu_lin_read8(c, lin + 5, 1);
    b = busy ? (uint8_t)(b | 2) : (uint8_t)(b & ~2);
    cpu_lin_write8(c, lin + 5, b, 1);
}

/* Load a segment register of the incoming task, raising #TS on bad selectors. */
static void task_load_seg(struct cpu *c, int sreg, uint16_t sel)
{
    uint32_t err = sel & 0xFFFCu;
    struct seg *s = &c->seg[sreg];
    if ((sel & 0xFFFC) == 0) {
        if (sreg == SEG_SS || sreg == SEG_CS)
            cpu_raise(c, EX_TS, err);
        s->sel = sel;
        s->attr = 0;
        s->base = 0;
        s->limit = 0;
        return;
    }
    uint32_t lo, hi;
    cpu_read_descriptor(c, sel, &lo, &hi, EX_TS);
    uint32_t type = (hi >> 8) & 0x1F;
    int dpl = (hi >> 13) & 3, rpl = sel & 3;
    if (sreg == SEG_CS) {
        if ((type & 0x18) != 0x18)
            cpu_raise(c, EX_TS, err);
        if ((type & 4) ? dpl > rpl : dpl != rpl)
            cpu_raise(c, EX_TS, err);
        if (!(hi & 0x8000))
            cpu_raise(c, EX_NP, err);
    } else if (sreg == SEG_SS) {
        if ((type & 0x1A) != 0x12 || dpl != (c->seg[SEG_CS].sel & 3) || rpl != dpl)
            cpu_raise(c, EX_TS, err);
        if (!(hi & 0x8000))
            cpu_raise(c, EX_SS, err);
    } else {
        if (!(type & 0x10) || (type & 0x1A) == 0x18)
            cpu_raise(c, EX_TS, err);
        if ((type & 0x1C) != 0x1C && (rpl > dpl || (c->seg[SEG_CS].sel & 3) > dpl))
            cpu_raise(c, EX_TS, err);
        if (!(hi & 0x8000))
            cpu_raise(c, EX_NP, err);
    }
    if (!(hi & 0x100))
        cpu_set_desc_busy_or_accessed(c, sel, 1);
    cpu_seg_from_descriptor(s, sel, lo, hi | 0x100);
}

void cpu_task_switch(struct cpu *c, uint16_t sel, uint32_t desc_lo, uint32_t desc_hi, enum ts_source src,
                     bool has_err, uint32_t err)
{
    struct seg ntr;
    cpu_seg_from_descriptor(&ntr, sel, desc_lo, desc_hi);
    int new32 = (SA_TYPE(ntr.attr) & 8) != 0;
    uint32_t min_limit = new32 ? 0x67 : 0x2B;
    if (ntr.limit < min_limit)
        cpu_raise(c, EX_TS, sel & 0xFFFCu);
    struct seg *otr = &c->seg[SEG_TR];
    int old32 = (SA_TYPE(otr->attr) & 8) != 0;
    /* read the incoming state before touching anything */
    struct tss_image t;
    read_tss(c, ntr.base, new32, &t);
    /* make sure both TSSes are writable where they will be written */
    uint32_t fl = cpu_get_eflags(c);
    if (src == TS_JMP || src == TS_IRET)
        set_busy(c, otr->sel, 0);
    if (src == TS_IRET)
        fl &= ~F_NT;
    save_tss(c, otr->base, old32, fl);
    if (src == TS_CALL || src == TS_INT) {
        cpu_lin_write16(c, ntr.base, otr->sel, 1);
        t.eflags |= F_NT;
    }
    if (src != TS_IRET)
        set_busy(c, sel, 1);
    /* commit point: from here on faults belong to the new task */
    ntr.attr |= 0x2; /* busy */
    c->seg[SEG_TR] = ntr;
    c->cr0 |= CR0_TS;
    if (new32 && (c->cr0 & CR0_PG) && t.cr3 != c->cr3)
        cpu_write_cr3(c, t.cr3);
    c->eip = new32 ? t.eip : (t.eip & 0xFFFF);
    c->lf.op = CC_NONE;
    c->eflags = (new32 ? t.eflags : (t.eflags & 0xFFFF) | (c->eflags & 0xFFFF0000u & ~F_VM)) |
                c->model->eflags_fixed1;
    c->eflags &= c->model->eflags_writable | c->model->eflags_fixed1;
    for (int k = 0; k < 8; k++)
        c->r[k] = new32 ? t.r[k] : ((c->r[k] & 0xFFFF0000u) | (t.r[k] & 0xFFFF));
    /* selectors first (so faults report them), then the descriptor checks */
    for (int k = 0; k < 6; k++) {
        c->seg[k].sel = t.sreg[k];
        c->seg[k].attr = 0;
    }
    c->seg[SEG_LDTR].sel = t.ldt;
    c->seg[SEG_LDTR].attr = 0;
    c->eip_start = c->eip;
    c->esp_start = c->r[R_ESP];
    if (t.ldt & 0xFFFC) {
        uint32_t lo, hi;
        if (t.ldt & 4)
            cpu_raise(c, EX_TS, t.ldt & 0xFFFCu);
        cpu_read_descriptor(c, t.ldt, &lo, &hi, EX_TS);
        if (((hi >> 8) & 0x1F) != 2)
            cpu_raise(c, EX_TS, t.ldt & 0xFFFCu);
        if (!(hi & 0x8000))
            cpu_raise(c, EX_TS, t.ldt & 0xFFFCu);
        cpu_seg_from_descriptor(&c->seg[SEG_LDTR], t.ldt, lo, hi);
    }
    if (c->eflags & F_VM) {
        for (int k = 0; k < 6; k++)
            cpu_load_seg_real(c, k, t.sreg[k]);
        cpu_update_mode(c);
    } else {
        c->seg[SEG_CS].sel = t.sreg[SEG_CS];
        c->cpl = t.sreg[SEG_CS] & 3;
        task_load_seg(c, SEG_CS, t.sreg[SEG_CS]);
        task_load_seg(c, SEG_SS, t.sreg[SEG_SS]);
        cpu_update_mode(c);
        task_load_seg(c, SEG_DS, t.sreg[SEG_DS]);
        task_load_seg(c, SEG_ES, t.sreg[SEG_ES]);
        task_load_seg(c, SEG_FS, t.sreg[SEG_FS]);
        task_load_seg(c, SEG_GS, t.sreg[SEG_GS]);
    }
    cpu_tlb_flush(c, false);
    c->stop_block = 1;
    if (has_err) {
        if (new32)
            cpu_push32(c, err);
        else
            cpu_push16(c, (uint16_t)err);
        c->esp_start = c->r[R_ESP];
    }
    if (c->eip > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
}
