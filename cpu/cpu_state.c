/*
 * cpu_state.c - the declarative state table of the CPU: every architectural
 * register, the descriptor caches, the lazy-flags record and the pending
 * event state.  Caches (TLB, decoded blocks) are rebuilt after a load.
 */
#include <stddef.h>

#include "cpu/cpu.h"
#include "machine/state.h"

#define F(name, field, type) { name, offsetof(struct cpu, field), type, 1, 1 }
#define SEGF(n, i)                                                  \
    F(n ".sel", seg[i].sel, ST_U16), F(n ".base", seg[i].base, ST_U32), \
    F(n ".limit", seg[i].limit, ST_U32), F(n ".attr", seg[i].attr, ST_U16)

static const struct state_field cpu_fields[] = {
    { "r", offsetof(struct cpu, r), ST_U32, 8, 1 },
    F("eip", eip, ST_U32),
    F("eflags", eflags, ST_U32),
    SEGF("es", SEG_ES), SEGF("cs", SEG_CS), SEGF("ss", SEG_SS), SEGF("ds", SEG_DS),
    SEGF("fs", SEG_FS), SEGF("gs", SEG_GS), SEGF("ldtr", SEG_LDTR), SEGF("tr", SEG_TR),
    F("gdtr.base", gdtr.base, ST_U32), F("gdtr.limit", gdtr.limit, ST_U16),
    F("idtr.base", idtr.base, ST_U32), F("idtr.limit", idtr.limit, ST_U16),
    F("cr0", cr0, ST_U32), F("cr2", cr2, ST_U32), F("cr3", cr3, ST_U32), F("cr4", cr4, ST_U32),
    { "dr", offsetof(struct cpu, dr), ST_U32, 8, 1 },
    F("msr.tsc_offset", msr.tsc_offset, ST_U64),
    F("msr.sysenter_cs", msr.sysenter_cs, ST_U32), F("msr.sysenter_esp", msr.sysenter_esp, ST_U32),
    F("msr.sysenter_eip", msr.sysenter_eip, ST_U32), F("msr.apic_base", msr.apic_base, ST_U64),
    F("msr.mtrr_def_type", msr.mtrr_def_type, ST_U64),
    { "msr.mtrr_fixed", offsetof(struct cpu, msr.mtrr_fixed), ST_U64, 11, 1 },
    { "msr.mtrr_var", offsetof(struct cpu, msr.mtrr_var), ST_U64, 16, 1 },
    F("msr.pat", msr.pat, ST_U64), F("msr.misc_enable", msr.misc_enable, ST_U64),
    F("lf.res", lf.res, ST_U32), F("lf.a", lf.a, ST_U32), F("lf.b", lf.b, ST_U32),
    F("lf.op", lf.op, ST_U8), F("lf.size", lf.size, ST_U8), F("lf.carry_in", lf.carry_in, ST_U8),
    { "fpu.st", offsetof(struct cpu, fpu.st), ST_BYTES, sizeof(struct fx80) * 8, 1 },
    F("fpu.cw", fpu.cw, ST_U16), F("fpu.sw", fpu.sw, ST_U16), F("fpu.tw", fpu.tw, ST_U16),
    F("fpu.fop", fpu.fop, ST_U16), F("fpu.fip", fpu.fip, ST_U32), F("fpu.fdp", fpu.fdp, ST_U32),
    F("fpu.fcs", fpu.fcs, ST_U16), F("fpu.fds", fpu.fds, ST_U16), F("fpu.mxcsr", fpu.mxcsr, ST_U32),
    F("cpl", cpl, ST_U8), F("halted", halted, ST_U8), F("intr_line", intr_line, ST_U8),
    F("nmi_pending", nmi_pending, ST_U8), F("nmi_blocked", nmi_blocked, ST_U8),
    F("inhibit_irq", inhibit_irq, ST_U8), F("icount", icount, ST_U64),
    STATE_END
};

const struct state_table cpu_state = { "cpu", 1, cpu_fields };
