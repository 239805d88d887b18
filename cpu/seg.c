/*
 * seg.c - segment registers and descriptors: descriptor-table reads, segment
 * loads with every protected-mode check (SDM Vol. 3 sections 5.5-5.8 and the
 * MOV/POP/LDS pages of Vol. 2), and the CPU mode derived from CR0, EFLAGS.VM,
 * CS and SS.
 */
#include "cpu/cpu.h"
#include "cpu/sem.h"

void cpu_update_mode(struct cpu *c)
{
    if (!cpu_pe(c)) {
        c->cpl = 0;
        c->code32 = !!(c->seg[SEG_CS].attr & SA_DB) && c->model->gen >= CPU_386;
        c->stack32 = !!(c->seg[SEG_SS].attr & SA_DB) && c->model->gen >= CPU_386;
    } else if (cpu_v86(c)) {
        c->cpl = 3;
        c->code32 = c->stack32 = 0;
    } else {
        /* CPL is held by the processor, not derived from the CS selector: right
         * after MOV CR0 sets PE it is still 0 whatever CS's low bits are; the
         * transfers that change it (far_commit_cs, task switch, SYSENTER/SYSEXIT)
         * set it explicitly */
        c->code32 = !!(c->seg[SEG_CS].attr & SA_DB);
        c->stack32 = !!(c->seg[SEG_SS].attr & SA_DB);
    }
}

void cpu_seg_from_descriptor(struct seg *s, uint16_t sel, uint32_t lo, uint32_t hi)
{
    s->sel = sel;
    s->base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
    uint32_t limit = (lo & 0xFFFF) | (hi & 0xF0000u);
    s->attr = (uint16_t)((hi >> 8) & 0xF0FF);
    if (s->attr & SA_G)
        limit = (limit << 12) | 0xFFF;
    s->limit = limit;
}

/* Linear address of the descriptor for sel, checked against the table limit. */
static int desc_addr(struct cpu *c, uint16_t sel, uint32_t *lin)
{
    uint32_t idx = sel & 0xFFF8u;
    if (sel & 4) {
        struct seg *l = &c->seg[SEG_LDTR];
        if (!(l->attr & SA_P) || l->sel < 4 || idx + 7 > l->limit)
            return -1;
        *lin = l->base + idx;
    } else {
        if (idx + 7 > c->gdtr.limit)
            return -1;
        *lin = c->gdtr.base + idx;
    }
    return 0;
}

void cpu_read_descriptor(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, int err_vec)
{
    uint32_t lin;
    if (desc_addr(c, sel, &lin))
        cpu_raise(c, err_vec >= 0 ? err_vec : EX_GP, sel & 0xFFFCu);
    *lo = cpu_lin_read32(c, lin, 1);
    *hi = cpu_lin_read32(c, lin + 4, 1);
}

/* Try to read a descriptor without faulting (LAR/LSL/VERR/VERW). */
int cpu_try_descriptor(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    uint32_t lin;
    if ((sel & 0xFFFC) == 0 || desc_addr(c, sel, &lin))
        return -1;
    *lo = cpu_lin_read32(c, lin, 1);
    *hi = cpu_lin_read32(c, lin + 4, 1);
    return 0;
}

void cpu_set_desc_busy_or_accessed(struct cpu *c, uint16_t sel, uint8_t bit)
{
    uint32_t lin;
    if (desc_addr(c, sel, &lin))
        return;
    uint8_t b = cpu_lin_read8(c, lin + 5, 1);
    if (!(b & bit))
        cpu_lin_write8(c, lin + 5, (uint8_t)(b | bit), 1);
}

void cpu_load_seg_real(struct cpu *c, int sreg, uint16_t sel)
{
    struct seg *s = &c->seg[sreg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu_v86(c)) {
        s->limit = 0xFFFF;
        s->attr = sreg == SEG_CS ? 0xFB : 0xF3;
    } else {
        s->attr |= SA_P;
        if (sreg == SEG_CS)
            s->attr = (uint16_t)((s->attr & ~0x1Fu) | 0x1B); /* code, readable, accessed */
    }
    if (sreg == SEG_CS || sreg == SEG_SS)
        cpu_update_mode(c);
}

void cpu_load_seg(struct cpu *c, int sreg, uint16_t sel)
{
    if (!cpu_pm(c)) {
        cpu_load_seg_real(c, sreg, sel);
        return;
    }
    struct seg *s = &c->seg[sreg];
    uint16_t err = sel & 0xFFFC;
    int rpl = sel & 3, cpl = c->cpl;
    if ((sel & 0xFFFC) == 0) {
        if (sreg == SEG_SS)
            cpu_raise(c, EX_GP, 0);
        s->sel = sel;
        s->base = 0;
        s->limit = 0;
        s->attr = 0; /* unusable: any access raises #GP(0) */
        return;
    }
    uint32_t lo, hi;
    cpu_read_descriptor(c, sel, &lo, &hi, EX_GP);
    uint32_t type = (hi >> 8) & 0x1F; /* S + type */
    int dpl = (hi >> 13) & 3;
    int present = !!(hi & 0x8000);
    if (sreg == SEG_SS) {
        /* writable data segment, RPL == CPL == DPL */
        if (rpl != cpl || dpl != cpl || (type & 0x1A) != 0x12)
            cpu_raise(c, EX_GP, err);
        if (!present)
            cpu_raise(c, EX_SS, err);
    } else {
        if (!(type & 0x10) || (type & 0x1A) == 0x18) /* system, or execute-only code */
            cpu_raise(c, EX_GP, err);
        int conforming_code = (type & 0x1C) == 0x1C;
        if (!conforming_code && (rpl > dpl || cpl > dpl))
            cpu_raise(c, EX_GP, err);
        if (!present)
            cpu_raise(c, EX_NP, err);
    }
    if (!(hi & 0x100)) {
        cpu_set_desc_busy_or_accessed(c, sel, 1);
        hi |= 0x100;
    }
    cpu_seg_from_descriptor(s, sel, lo, hi);
    if (sreg == SEG_SS)
        cpu_update_mode(c);
}
