/*
 * system.c - control registers, debug-register bookkeeping, model-specific
 * registers and the time-stamp counter.  MSR numbers per Intel SDM Vol. 4
 * (P6 family).  Unknown MSRs raise #GP(0), as hardware does.
 */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/sem.h"

void cpu_write_cr0(struct cpu *c, uint32_t v)
{
    uint32_t old = c->cr0;
    if (c->model->gen == CPU_286)
        v = (v & 0xF) | 0xFFF0;
    else if (c->model->gen == CPU_386)
        v = (v & (CR0_PG | CR0_PE | CR0_MP | CR0_EM | CR0_TS)) | CR0_ET;
    else
        v = (v & (CR0_PG | CR0_CD | CR0_NW | CR0_AM | CR0_WP | CR0_NE | CR0_TS | CR0_EM | CR0_MP | CR0_PE)) | CR0_ET;
    c->cr0 = v;
    if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE))
        cpu_tlb_flush(c, true);
    if ((old ^ v) & CR0_PE)
        cpu_update_mode(c);
    c->stop_block = 1;
}

void cpu_write_cr3(struct cpu *c, uint32_t v)
{
    c->cr3 = v;
    cpu_tlb_flush(c, false);
}

void cpu_write_cr4(struct cpu *c, uint32_t v)
{
    uint32_t old = c->cr4;
    c->cr4 = v & c->model->cr4_mask;
    if ((old ^ c->cr4) & (CR4_PSE | CR4_PAE | CR4_PGE))
        cpu_tlb_flush(c, true);
    c->stop_block = 1;
}

/* Rebuild the set of watched linear pages from the enabled data breakpoints
 * in DR0-3/DR7 and the debugger's watchpoints.  When it changes, the TLB is
 * flushed so that refills withhold the fast host pointers of watched pages. */
static void watch_rebuild(struct cpu *c)
{
    struct cpu_watch w[CPU_MAX_DBG_WATCH + 4];
    unsigned n = 0;
    for (int k = 0; k < 4; k++) {
        uint32_t en = (c->dr[7] >> (2 * k)) & 3;
        uint32_t rw = (c->dr[7] >> (16 + 4 * k)) & 3;
        uint32_t len = (c->dr[7] >> (18 + 4 * k)) & 3;
        if (!en || !(rw & 1))
            continue; /* instruction or I/O breakpoint */
        uint32_t bytes = len == 3 ? 4 : len == 2 ? 8 : len + 1;
        uint32_t start = c->dr[k] & ~(bytes - 1);
        w[n++] = (struct cpu_watch){ start >> 12, (start + bytes - 1) >> 12 };
    }
    for (unsigned k = 0; k < c->ndbg_watch; k++)
        w[n++] = (struct cpu_watch){ c->dbg_watch[k].first >> 12, c->dbg_watch[k].last >> 12 };
    if (n == c->nwatch && !memcmp(w, c->watch, n * sizeof(w[0])))
        return;
    memcpy(c->watch, w, n * sizeof(w[0]));
    c->nwatch = (uint8_t)n;
    cpu_tlb_flush(c, true);
    c->stop_block = 1;
}

void cpu_write_dr7(struct cpu *c, uint32_t v)
{
    c->dr[7] = (v & 0xFFFF2BFFu) | 0x400;
    c->dr_active = (c->dr[7] & 0xFF) != 0;
    c->dr_data &= 2; /* bit 1 belongs to the debugger */
    for (int k = 0; k < 4; k++)
        if (((c->dr[7] >> (2 * k)) & 3) && ((c->dr[7] >> (16 + 4 * k)) & 1))
            c->dr_data |= 1; /* RW = 01 (writes) or 11 (reads and writes) */
    watch_rebuild(c);
    c->stop_block = 1;
}

void cpu_write_dr(struct cpu *c, int n, uint32_t v)
{
    c->dr[n & 3] = v;
    watch_rebuild(c);
}

void cpu_set_dbg_breakpoints(struct cpu *c, const uint32_t *lin, int n)
{
    if (n > CPU_MAX_DBG_BP)
        n = CPU_MAX_DBG_BP;
    if (n > 0)
        memcpy(c->dbg_bp, lin, (size_t)n * sizeof(lin[0]));
    c->ndbg_bp = (uint8_t)(n > 0 ? n : 0);
    c->dbg_insn = c->ndbg_bp > 0;
    c->stop_block = 1;
}

void cpu_set_dbg_watch(struct cpu *c, const struct cpu_watch *w, int n)
{
    if (n > CPU_MAX_DBG_WATCH)
        n = CPU_MAX_DBG_WATCH;
    if (n > 0)
        memcpy(c->dbg_watch, w, (size_t)n * sizeof(w[0]));
    c->ndbg_watch = (uint8_t)(n > 0 ? n : 0);
    c->dr_data = (uint8_t)((c->dr_data & 1) | (n > 0 ? 2 : 0));
    watch_rebuild(c);
}

void cpu_dr_check_data(struct cpu *c, uint32_t lin, int size, int write)
{
    uint32_t last = lin + (uint32_t)size - 1;
    if ((c->dr_data & 2) && c->dbg_data_hook)
        c->dbg_data_hook(c->dbg_opaque, c, lin, size, write); /* debugger watchpoints */
    for (int k = 0; k < 4; k++) {
        uint32_t en = (c->dr[7] >> (2 * k)) & 3;
        uint32_t rw = (c->dr[7] >> (16 + 4 * k)) & 3;
        uint32_t len = (c->dr[7] >> (18 + 4 * k)) & 3;
        if (!en || !(rw & 1) || (rw == 1 && !write))
            continue;
        uint32_t bytes = len == 3 ? 4 : len == 2 ? 8 : len + 1;
        uint32_t start = c->dr[k] & ~(bytes - 1);
        if (lin <= start + bytes - 1 && last >= start)
            c->dr6_pending |= 1u << k;
    }
}

uint64_t cpu_tsc(struct cpu *c)
{
    return c->icount + c->msr.tsc_offset;
}

int cpu_rdmsr(struct cpu *c, uint32_t idx, uint64_t *val)
{
    struct cpu_msrs *m = &c->msr;
    if (c->model->gen < CPU_PENTIUM)
        return -1;
    switch (idx) {
    case 0x10: *val = cpu_tsc(c); return 0;
    case 0x17: *val = m->platform_id; return 0;
    case 0x1B: *val = m->apic_base; return 0;
    case 0x8B: *val = m->bios_sign_id; return 0;
    case 0xFE: *val = m->mtrr_cap; return 0;
    case 0x174: *val = m->sysenter_cs; return 0;
    case 0x175: *val = m->sysenter_esp; return 0;
    case 0x176: *val = m->sysenter_eip; return 0;
    case 0x179: case 0x17A: case 0x17B: *val = 0; return 0; /* machine-check capability/status */
    case 0x1A0: *val = m->misc_enable; return 0;
    case 0x2FF: *val = m->mtrr_def_type; return 0;
    case 0x277: *val = m->pat; return 0;
    }
    if (idx >= 0x200 && idx < 0x210) {
        *val = m->mtrr_var[idx - 0x200];
        return 0;
    }
    if (idx == 0x250 || idx == 0x258 || idx == 0x259 || (idx >= 0x268 && idx <= 0x26F)) {
        int k = idx == 0x250 ? 0 : idx == 0x258 ? 1 : idx == 0x259 ? 2 : (int)(idx - 0x268) + 3;
        *val = m->mtrr_fixed[k];
        return 0;
    }
    if (idx >= 0x400 && idx < 0x414) { /* machine-check banks read as zero */
        *val = 0;
        return 0;
    }
    return -1;
}

int cpu_wrmsr(struct cpu *c, uint32_t idx, uint64_t v)
{
    struct cpu_msrs *m = &c->msr;
    if (c->model->gen < CPU_PENTIUM)
        return -1;
    switch (idx) {
    case 0x10: m->tsc_offset = v - c->icount; return 0;
    case 0x1B: m->apic_base = v & 0xFFFFF900u; return 0;
    case 0x8B: m->bios_sign_id = v; return 0;
    case 0x174: m->sysenter_cs = (uint32_t)v; return 0;
    case 0x175: m->sysenter_esp = (uint32_t)v; return 0;
    case 0x176: m->sysenter_eip = (uint32_t)v; return 0;
    case 0x179: case 0x17A: case 0x17B: return 0;
    case 0x1A0: m->misc_enable = v; return 0;
    case 0x2FF: m->mtrr_def_type = v; return 0;
    case 0x277: m->pat = v; return 0;
    }
    if (idx >= 0x200 && idx < 0x210) {
        m->mtrr_var[idx - 0x200] = v;
        return 0;
    }
    if (idx == 0x250 || idx == 0x258 || idx == 0x259 || (idx >= 0x268 && idx <= 0x26F)) {
        int k = idx == 0x250 ? 0 : idx == 0x258 ? 1 : idx == 0x259 ? 2 : (int)(idx - 0x268) + 3;
        m->mtrr_fixed[k] = v;
        return 0;
    }
    if (idx >= 0x400 && idx < 0x414)
        return 0;
    return -1;
}
