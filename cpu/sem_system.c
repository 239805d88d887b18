/*
 * sem_system.c - system instructions: segment register moves and far-pointer
 * loads, descriptor-table registers (LGDT/LIDT/SGDT/SIDT/LLDT/SLDT/LTR/STR),
 * LAR/LSL/VERR/VERW/ARPL, MSW and control/debug registers, INVLPG, CLTS,
 * INVD/WBINVD, CPUID, RDTSC/RDMSR/WRMSR/RDPMC, SYSENTER/SYSEXIT.
 * Privilege rules per the Intel SDM Vol. 2 instruction pages.
 */
#include <string.h>

#include "cpu/sem.h"

static void require_cpl0(struct cpu *c)
{
    if (cpu_pe(c) && (cpu_v86(c) || c->cpl != 0))
        cpu_raise(c, EX_GP, 0);
}

void sem_mov_from_sreg(struct cpu *c, const struct insn *i)
{
    if (i->reg > 5 || (i->reg > 3 && c->model->gen < CPU_386)) {
        cpu_raise(c, EX_UD, 0);
    }
    uint16_t sel = c->seg[i->reg].sel;
    if (i->mod == 3)
        sem_reg_write(c, i->rm, i->osz == 4 ? 4 : 2, sel); /* 32-bit: upper bits zeroed on P6 */
    else
        sem_rm_write(c, i, 2, sel);
}

void sem_mov_to_sreg(struct cpu *c, const struct insn *i)
{
    int s = i->reg;
    if (c->model->gen == CPU_8086)
        s &= 3;
    if (s == SEG_CS || s > 5 || (s > 3 && c->model->gen < CPU_386))
        cpu_raise(c, EX_UD, 0);
    uint16_t sel = (uint16_t)sem_rm_read(c, i, 2);
    cpu_load_seg(c, s, sel);
    if (s == SEG_SS)
        c->inhibit_irq = 1;
    if (s == SEG_CS)
        c->stop_block = 1; /* 8086 MOV CS */
}

void sem_lxs(struct cpu *c, const struct insn *i)
{
    uint32_t off = sem_ea(c, i);
    if (i->mod == 3) /* 8086 only reaches here */
        return;
    uint32_t v = sem_mem_read(c, i->seg, off, i->osz);
    uint16_t sel = (uint16_t)sem_mem_read(c, i->seg, off + i->osz, 2);
    cpu_load_seg(c, i->sub, sel);
    sem_reg_write(c, i->reg, i->osz, v);
    if (i->sub == SEG_SS)
        c->inhibit_irq = 1;
}

void sem_arpl(struct cpu *c, const struct insn *i)
{
    if (!cpu_pm(c))
        cpu_raise(c, EX_UD, 0);
    uint32_t d = sem_rm_read_for_write(c, i, 2);
    uint32_t s = sem_reg_read(c, i->reg, 2);
    flags_materialize(c);
    if ((d & 3) < (s & 3)) {
        sem_rm_write(c, i, 2, (d & ~3u) | (s & 3));
        c->eflags |= F_ZF;
    } else {
        c->eflags &= ~F_ZF;
    }
}

void sem_sldt_str(struct cpu *c, const struct insn *i)
{
    if (!cpu_pm(c))
        cpu_raise(c, EX_UD, 0);
    uint16_t sel = c->seg[i->sub].sel;
    if (i->mod == 3)
        sem_reg_write(c, i->rm, i->o32 ? 4 : 2, sel);
    else
        sem_rm_write(c, i, 2, sel);
}

void sem_lldt(struct cpu *c, const struct insn *i)
{
    if (!cpu_pm(c))
        cpu_raise(c, EX_UD, 0);
    require_cpl0(c);
    uint16_t sel = (uint16_t)sem_rm_read(c, i, 2);
    struct seg *l = &c->seg[SEG_LDTR];
    if ((sel & 0xFFFC) == 0) {
        l->sel = sel;
        l->attr = 0;
        l->base = 0;
        l->limit = 0;
        return;
    }
    if (sel & 4)
        cpu_raise(c, EX_GP, sel & 0xFFFCu);
    uint32_t lo, hi;
    cpu_read_descriptor(c, sel, &lo, &hi, EX_GP);
    if (((hi >> 8) & 0x1F) != 2)
        cpu_raise(c, EX_GP, sel & 0xFFFCu);
    if (!(hi & 0x8000))
        cpu_raise(c, EX_NP, sel & 0xFFFCu);
    cpu_seg_from_descriptor(l, sel, lo, hi);
}

void sem_ltr(struct cpu *c, const struct insn *i)
{
    if (!cpu_pm(c))
        cpu_raise(c, EX_UD, 0);
    require_cpl0(c);
    uint16_t sel = (uint16_t)sem_rm_read(c, i, 2);
    if ((sel & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    if (sel & 4)
        cpu_raise(c, EX_GP, sel & 0xFFFCu);
    uint32_t lo, hi;
    cpu_read_descriptor(c, sel, &lo, &hi, EX_GP);
    uint32_t type = (hi >> 8) & 0x1F;
    if (type != 1 && type != 9)
        cpu_raise(c, EX_GP, sel & 0xFFFCu);
    if (!(hi & 0x8000))
        cpu_raise(c, EX_NP, sel & 0xFFFCu);
    cpu_set_desc_busy_or_accessed(c, sel, 2);
    cpu_seg_from_descriptor(&c->seg[SEG_TR], sel, lo, hi | 0x200);
}

/* Access checks shared by LAR, LSL, VERR and VERW: 0 if visible at CPL/RPL. */
static int desc_visible(struct cpu *c, uint16_t sel, uint32_t hi)
{
    uint32_t type = (hi >> 8) & 0x1F;
    int dpl = (hi >> 13) & 3;
    int conforming_code = (type & 0x1C) == 0x1C;
    if (!conforming_code && (dpl < c->cpl || dpl < (sel & 3)))
        return 0;
    return 1;
}

static void lar_lsl(struct cpu *c, const struct insn *i, int lsl)
{
    if (!cpu_pm(c))
        cpu_raise(c, EX_UD, 0);
    uint16_t sel = (uint16_t)sem_rm_read(c, i, 2);
    uint32_t lo, hi;
    flags_materialize(c);
    c->eflags &= ~F_ZF;
    if (cpu_try_descriptor(c, sel, &lo, &hi))
        return;
    uint32_t type = (hi >> 8) & 0x1F;
    int ok;
    if (type & 0x10) {
        ok = 1;
    } else {
        /* system types valid for LAR: 1,2,3,4,5,9,11,12 (LSL: no gates) */
        static const uint8_t lar_ok[16] = { 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0 };
        static const uint8_t lsl_ok[16] = { 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0 };
        ok = lsl ? lsl_ok[type] : lar_ok[type];
    }
    if (!ok || !desc_visible(c, sel, hi))
        return;
    c->eflags |= F_ZF;
    if (lsl) {
        struct seg s;
        cpu_seg_from_descriptor(&s, sel, lo, hi);
        sem_reg_write(c, i->reg, i->osz, s.limit);
    } else {
        sem_reg_write(c, i->reg, i->osz, hi & 0x00F0FF00u);
    }
}

void sem_lar(struct cpu *c, const struct insn *i) { lar_lsl(c, i, 0); }
void sem_lsl(struct cpu *c, const struct insn *i) { lar_lsl(c, i, 1); }

void sem_verrw(struct cpu *c, const struct insn *i)
{
    if (!cpu_pm(c))
        cpu_raise(c, EX_UD, 0);
    uint16_t sel = (uint16_t)sem_rm_read(c, i, 2);
    uint32_t lo, hi;
    flags_materialize(c);
    c->eflags &= ~F_ZF;
    if (cpu_try_descriptor(c, sel, &lo, &hi))
        return;
    uint32_t type = (hi >> 8) & 0x1F;
    if (!(type & 0x10) || !desc_visible(c, sel, hi))
        return;
    int ok = i->sub ? (type & 0x1A) == 0x12       /* VERW: writable data */
                    : ((type & 0x18) == 0x10 || (type & 0x1A) == 0x1A); /* VERR: data or readable code */
    if (ok)
        c->eflags |= F_ZF;
}

void sem_sxdt(struct cpu *c, const struct insn *i)
{
    const struct dtr *d = i->sub ? &c->idtr : &c->gdtr;
    uint32_t off = sem_ea(c, i);
    uint32_t base = d->base;
    if (!i->o32)
        base &= c->model->gen == CPU_286 ? 0xFFFFFFu | 0xFF000000u : 0x00FFFFFFu;
    sem_mem_write(c, i->seg, off, 2, d->limit);
    sem_mem_write(c, i->seg, off + 2, 4, base);
}

void sem_lxdt(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t off = sem_ea(c, i);
    uint16_t limit = (uint16_t)sem_mem_read(c, i->seg, off, 2);
    uint32_t base = sem_mem_read(c, i->seg, off + 2, 4);
    if (!i->o32)
        base &= 0x00FFFFFFu;
    struct dtr *d = i->sub ? &c->idtr : &c->gdtr;
    d->base = base;
    d->limit = limit;
}

void sem_smsw(struct cpu *c, const struct insn *i)
{
    uint32_t v = c->cr0;
    if (i->mod == 3)
        sem_reg_write(c, i->rm, i->o32 ? 4 : 2, i->o32 ? v : (v & 0xFFFF));
    else
        sem_rm_write(c, i, 2, v & 0xFFFF);
}

void sem_lmsw(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t v = sem_rm_read(c, i, 2) & 0xF;
    /* LMSW can set PE but never clear it */
    uint32_t nv = (c->cr0 & ~0xEu) | (v & 0xE) | ((c->cr0 | v) & CR0_PE);
    cpu_write_cr0(c, nv);
}

void sem_invlpg(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t lin = c->seg[i->seg].base + sem_ea(c, i);
    cpu_tlb_flush_page(c, lin);
}

void sem_clts(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    c->cr0 &= ~CR0_TS;
}

void sem_invd(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
}

void sem_mov_from_cr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t v;
    switch (i->reg) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    case 4:
        if (c->model->gen < CPU_PENTIUM)
            cpu_raise(c, EX_UD, 0);
        v = c->cr4;
        break;
    default: cpu_raise(c, EX_UD, 0);
    }
    c->r[i->rm] = v;
}

void sem_mov_to_cr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint32_t v = c->r[i->rm];
    switch (i->reg) {
    case 0:
        if ((v & CR0_PG) && !(v & CR0_PE))
            cpu_raise(c, EX_GP, 0);
        if ((v & CR0_NW) && !(v & CR0_CD))
            cpu_raise(c, EX_GP, 0);
        cpu_write_cr0(c, v);
        break;
    case 2: c->cr2 = v; break;
    case 3: cpu_write_cr3(c, v); break;
    case 4:
        if (c->model->gen < CPU_PENTIUM)
            cpu_raise(c, EX_UD, 0);
        if (v & ~c->model->cr4_mask)
            cpu_raise(c, EX_GP, 0);
        cpu_write_cr4(c, v);
        break;
    default: cpu_raise(c, EX_UD, 0);
    }
}

static int dr_index(struct cpu *c, int r)
{
    if (r == 4 || r == 5) {
        if (c->cr4 & CR4_DE)
            cpu_raise(c, EX_UD, 0);
        return r + 2; /* aliases of DR6/DR7 */
    }
    return r;
}

void sem_mov_from_dr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    int r = dr_index(c, i->reg);
    if (c->dr[7] & 0x2000) { /* general detect */
        c->dr[6] |= 0x2000;
        c->dr[7] &= ~0x2000u;
        cpu_raise(c, EX_DB, 0);
    }
    c->r[i->rm] = c->dr[r];
}

void sem_mov_to_dr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    int r = dr_index(c, i->reg);
    if (c->dr[7] & 0x2000) {
        c->dr[6] |= 0x2000;
        c->dr[7] &= ~0x2000u;
        cpu_raise(c, EX_DB, 0);
    }
    uint32_t v = c->r[i->rm];
    if (r == 7)
        cpu_write_dr7(c, v);
    else if (r == 6)
        c->dr[6] = (v & 0x0000E00Fu) | 0xFFFF0FF0u;
    else
        cpu_write_dr(c, r, v);
}

void sem_cpuid(struct cpu *c, const struct insn *i)
{
    const struct cpu_model *m = c->model;
    if (!m->cpuid_family_model_stepping)
        cpu_raise(c, EX_UD, 0);
    uint32_t leaf = c->r[R_EAX];
    uint32_t a = 0, b = 0, cc = 0, d = 0;
    if (leaf == 0) {
        a = m->gen >= CPU_PPRO ? 2 : 1;
        memcpy(&b, "Genu", 4);
        memcpy(&d, "ineI", 4);
        memcpy(&cc, "ntel", 4);
    } else if (leaf == 1) {
        a = m->cpuid_family_model_stepping;
        d = m->cpuid_features_edx;
    } else if (leaf == 2 && m->gen >= CPU_PPRO) {
        /* cache/TLB descriptors (SDM Vol. 2 CPUID table 3-12): instruction and
         * data TLBs (01h 02h 03h 04h), then for the Pentium Pro 8K L1 I/D
         * caches (06h 0Ah) and a 256K L2 (42h); for the Pentium II 16K L1
         * caches (08h 0Ch) and a 512K L2 (43h) */
        a = 0x03020101;
        d = (m->cpuid_family_model_stepping & 0xFF0) >= 0x650 ? 0x0C040843 : 0x0A040642;
    }
    c->r[R_EAX] = a;
    c->r[R_EBX] = b;
    c->r[R_ECX] = cc;
    c->r[R_EDX] = d;
}

void sem_rdtsc(struct cpu *c, const struct insn *i)
{
    if ((c->cr4 & CR4_TSD) && cpu_pe(c) && (c->cpl != 0 || cpu_v86(c)))
        cpu_raise(c, EX_GP, 0);
    uint64_t t = cpu_tsc(c);
    c->r[R_EAX] = (uint32_t)t;
    c->r[R_EDX] = (uint32_t)(t >> 32);
}

void sem_rdpmc(struct cpu *c, const struct insn *i)
{
    if (!(c->cr4 & CR4_PCE) && cpu_pe(c) && (c->cpl != 0 || cpu_v86(c)))
        cpu_raise(c, EX_GP, 0);
    if (c->r[R_ECX] > 1)
        cpu_raise(c, EX_GP, 0);
    c->r[R_EAX] = 0; /* no performance events are modelled: counters read 0 */
    c->r[R_EDX] = 0;
}

void sem_rdmsr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint64_t v;
    if (cpu_rdmsr(c, c->r[R_ECX], &v))
        cpu_raise(c, EX_GP, 0);
    c->r[R_EAX] = (uint32_t)v;
    c->r[R_EDX] = (uint32_t)(v >> 32);
}

void sem_wrmsr(struct cpu *c, const struct insn *i)
{
    require_cpl0(c);
    uint64_t v = (uint64_t)c->r[R_EDX] << 32 | c->r[R_EAX];
    if (cpu_wrmsr(c, c->r[R_ECX], v))
        cpu_raise(c, EX_GP, 0);
}

/* SYSENTER/SYSEXIT: flat segments derived from SYSENTER_CS (SDM Vol. 2). */
static void flat_seg(struct seg *s, uint16_t sel, int code, int dpl)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xFFFFFFFFu;
    s->attr = (uint16_t)(SA_G | SA_DB | SA_P | SA_S | (dpl << 5) | (code ? 0xB : 0x3));
}

void sem_sysenter(struct cpu *c, const struct insn *i)
{
    if (!cpu_pe(c) || (c->msr.sysenter_cs & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    flags_materialize(c);
    c->eflags &= ~(F_VM | F_IF | F_RF);
    uint16_t cs = (uint16_t)(c->msr.sysenter_cs & 0xFFFC);
    flat_seg(&c->seg[SEG_CS], cs, 1, 0);
    flat_seg(&c->seg[SEG_SS], (uint16_t)(cs + 8), 0, 0);
    c->r[R_ESP] = c->msr.sysenter_esp;
    c->eip = c->msr.sysenter_eip;
    c->cpl = 0;
    cpu_update_mode(c);
    c->stop_block = 1;
}

void sem_sysexit(struct cpu *c, const struct insn *i)
{
    if (!cpu_pe(c) || cpu_v86(c) || c->cpl != 0 || (c->msr.sysenter_cs & 0xFFFC) == 0)
        cpu_raise(c, EX_GP, 0);
    uint16_t cs = (uint16_t)((c->msr.sysenter_cs + 16) | 3);
    flat_seg(&c->seg[SEG_CS], cs, 1, 3);
    flat_seg(&c->seg[SEG_SS], (uint16_t)((c->msr.sysenter_cs + 24) | 3), 0, 3);
    c->r[R_ESP] = c->r[R_ECX];
    c->eip = c->r[R_EDX];
    c->cpl = 3;
    cpu_update_mode(c);
    c->stop_block = 1;
}

/* 0F 04 ib: the built-in firmware's trap into C (see struct cpu_hle_ops).
 * The service's "must wait" answer is returned in CF of the live EFLAGS; the
 * ROM stub halts with interrupts enabled and retries. */
void sem_biostrap(struct cpu *c, const struct insn *i)
{
    uint32_t phys;
    if (!c->hle.call || cpu_probe(c, c->seg[SEG_CS].base + c->eip_start, &phys) ||
        phys < c->hle.lo || phys >= c->hle.hi)
        cpu_raise(c, EX_UD, 0);
    int wait = c->hle.call(c->hle.opaque, c, i->imm & 0xFF);
    flags_materialize(c);
    if (wait)
        c->eflags |= F_CF;
    else
        c->eflags &= ~F_CF;
}
