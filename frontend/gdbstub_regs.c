/*
 * gdbstub_regs.c - the register file as the gdb stub presents it: gdb's
 * org.gnu.gdb.i386.core registers (eax..edi, eip, eflags, the selectors, the
 * x87 stack and control registers) and the stub's own feature
 * org.tarsier.x86.system (segment bases, CR0-4, DR0-7, GDTR/IDTR, LDTR, TR),
 * numbered as in the target description built here (GDB manual, "Target
 * Descriptions" and "i386 Features").
 *
 * eip is CS.base + IP in real and virtual-8086 mode (the linear PC, so that
 * gdb's addresses mean what they say) and EIP in protected mode.  Writes go
 * straight into the CPU without the checks an instruction would make;
 * selectors are loaded from the GDT/LDT as the tables are now, LDTR and TR
 * are read-only.  See docs/debugging.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/gdbstub_int.h"
#include "frontend/monitor.h"
#include "machine/machine.h"

struct regdef { const char *name; int bits; const char *type; const char *group; };

static const struct regdef regs[] = {
    { "eax", 32, "int32", NULL }, { "ecx", 32, "int32", NULL }, { "edx", 32, "int32", NULL },
    { "ebx", 32, "int32", NULL }, { "esp", 32, "data_ptr", NULL }, { "ebp", 32, "data_ptr", NULL },
    { "esi", 32, "int32", NULL }, { "edi", 32, "int32", NULL }, { "eip", 32, "code_ptr", NULL },
    { "eflags", 32, "i386_eflags", NULL }, { "cs", 32, "int32", NULL }, { "ss", 32, "int32", NULL },
    { "ds", 32, "int32", NULL }, { "es", 32, "int32", NULL }, { "fs", 32, "int32", NULL },
    { "gs", 32, "int32", NULL },
    { "st0", 80, "i387_ext", NULL }, { "st1", 80, "i387_ext", NULL }, { "st2", 80, "i387_ext", NULL },
    { "st3", 80, "i387_ext", NULL }, { "st4", 80, "i387_ext", NULL }, { "st5", 80, "i387_ext", NULL },
    { "st6", 80, "i387_ext", NULL }, { "st7", 80, "i387_ext", NULL },
    { "fctrl", 32, "int", "float" }, { "fstat", 32, "int", "float" }, { "ftag", 32, "int", "float" },
    { "fiseg", 32, "int", "float" }, { "fioff", 32, "int", "float" }, { "foseg", 32, "int", "float" },
    { "fooff", 32, "int", "float" }, { "fop", 32, "int", "float" },
    /* org.tarsier.x86.system (index FIRST_SYS on) */
    { "cs_base", 32, "uint32", "system" }, { "ss_base", 32, "uint32", "system" },
    { "ds_base", 32, "uint32", "system" }, { "es_base", 32, "uint32", "system" },
    { "fs_base", 32, "uint32", "system" }, { "gs_base", 32, "uint32", "system" },
    { "cr0", 32, "uint32", "system" }, { "cr2", 32, "uint32", "system" }, { "cr3", 32, "uint32", "system" },
    { "cr4", 32, "uint32", "system" },
    { "dr0", 32, "uint32", "system" }, { "dr1", 32, "uint32", "system" }, { "dr2", 32, "uint32", "system" },
    { "dr3", 32, "uint32", "system" }, { "dr4", 32, "uint32", "system" }, { "dr5", 32, "uint32", "system" },
    { "dr6", 32, "uint32", "system" }, { "dr7", 32, "uint32", "system" },
    { "gdtr_base", 32, "uint32", "system" }, { "gdtr_limit", 32, "uint32", "system" },
    { "idtr_base", 32, "uint32", "system" }, { "idtr_limit", 32, "uint32", "system" },
    { "ldtr", 32, "uint32", "system" }, { "tr", 32, "uint32", "system" },
};
_Static_assert(sizeof(regs) / sizeof(regs[0]) == GDBSTUB_NREGS, "GDBSTUB_NREGS in gdbstub_int.h");
#define FIRST_SYS 32

/* gdb's segment-register order, as indices into cpu->seg. */
static const int seg_order[6] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };

void gdbstub_put32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}
static uint32_t get32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Register n into out (little endian); returns its size in bytes. */
int gdbstub_reg_get(struct cpu *c, int n, uint8_t *out)
{
    uint32_t v = 0;
    if (n < 8)
        v = c->r[n];
    else if (n == GDBSTUB_REG_PC)
        v = cpu_pe(c) && !cpu_v86(c) ? c->eip : gdbstub_linear_pc(c);
    else if (n == 9)
        v = cpu_get_eflags(c);
    else if (n < 16)
        v = c->seg[seg_order[n - 10]].sel;
    else if (n < 24) {
        const struct fx80 *f = &c->fpu.st[(((c->fpu.sw >> 11) & 7) + (n - 16)) & 7];
        for (int k = 0; k < 8; k++)
            out[k] = (uint8_t)(f->sig >> (8 * k));
        out[8] = (uint8_t)f->se;
        out[9] = (uint8_t)(f->se >> 8);
        return 10;
    } else if (n < 32) {
        const struct fpu *f = &c->fpu;
        uint32_t vals[8] = { f->cw, f->sw, fpu_tag_word(f), f->fcs, f->fip, f->fds, f->fdp, f->fop };
        v = vals[n - 24];
    } else if (n < 38)
        v = c->seg[seg_order[n - 32]].base;
    else if (n < 42) {
        uint32_t vals[4] = { c->cr0, c->cr2, c->cr3, c->cr4 };
        v = vals[n - 38];
    } else if (n < 50)
        v = c->dr[n - 42];
    else {
        uint32_t vals[6] = { c->gdtr.base, c->gdtr.limit, c->idtr.base, c->idtr.limit, c->seg[SEG_LDTR].sel,
                             c->seg[SEG_TR].sel };
        v = vals[n - 50];
    }
    gdbstub_put32(out, v);
    return 4;
}

/* Load a selector the way the debugger asks: no checks, no faults. */
static int set_selector(struct stub *s, int sreg, uint16_t sel)
{
    struct cpu *c = s->c;
    if (c->seg[sreg].sel == sel)
        return 0;
    if (!cpu_pe(c) || cpu_v86(c)) {
        cpu_load_seg_real(c, sreg, sel);
        return 0;
    }
    uint32_t d[2] = { 0, 0 };
    if (sel & 0xFFFC) {
        uint32_t base = sel & 4 ? c->seg[SEG_LDTR].base : c->gdtr.base;
        uint32_t lim = sel & 4 ? c->seg[SEG_LDTR].limit : c->gdtr.limit;
        if ((sel & 0xFFF8u) + 7 > lim || monitor_read_linear(s->m, base + (sel & 0xFFF8u), d, 8) != 8)
            return -1;
    }
    cpu_seg_from_descriptor(&c->seg[sreg], sel, d[0], d[1]);
    return 0;
}

int gdbstub_reg_set(struct stub *s, int n, const uint8_t *in)
{
    struct cpu *c = s->c;
    if (n >= 16 && n < 24) {
        struct fx80 *f = &c->fpu.st[(((c->fpu.sw >> 11) & 7) + (n - 16)) & 7];
        f->sig = 0;
        for (int k = 0; k < 8; k++)
            f->sig |= (uint64_t)in[k] << (8 * k);
        f->se = (uint16_t)(in[8] | in[9] << 8);
        return 0;
    }
    uint32_t v = get32(in);
    if (n < 8)
        c->r[n] = v;
    else if (n == GDBSTUB_REG_PC)
        c->eip = cpu_pe(c) && !cpu_v86(c) ? v : v - c->seg[SEG_CS].base;
    else if (n == 9)
        cpu_set_eflags(c, v, c->model->eflags_writable & ~(F_VM | F_1));
    else if (n < 16) {
        if (set_selector(s, seg_order[n - 10], (uint16_t)v))
            return -1;
    } else if (n < 32) {
        struct fpu *f = &c->fpu;
        switch (n) {
        case 24: f->cw = (uint16_t)v; break;
        case 25: f->sw = (uint16_t)v; break;
        case 26: f->tw = (uint16_t)v; break;
        case 27: f->fcs = (uint16_t)v; break;
        case 28: f->fip = v; break;
        case 29: f->fds = (uint16_t)v; break;
        case 30: f->fdp = v; break;
        default: f->fop = (uint16_t)(v & 0x7FF); break;
        }
    } else if (n < 38)
        c->seg[seg_order[n - 32]].base = v;
    else if (n == 38) {
        if (v != c->cr0)
            cpu_write_cr0(c, v);
    } else if (n == 39)
        c->cr2 = v;
    else if (n == 40) {
        if (v != c->cr3)
            cpu_write_cr3(c, v);
    } else if (n == 41) {
        if (v != c->cr4)
            cpu_write_cr4(c, v);
    } else if (n < 50) {
        if (n == 49)
            cpu_write_dr7(c, v);
        else if (n - 42 < 4)
            cpu_write_dr(c, n - 42, v);
        else
            c->dr[n - 42] = v;
    } else if (n == 50)
        c->gdtr.base = v;
    else if (n == 51)
        c->gdtr.limit = (uint16_t)v;
    else if (n == 52)
        c->idtr.base = v;
    else if (n == 53)
        c->idtr.limit = (uint16_t)v;
    else if (n < GDBSTUB_NREGS) {
        if (v != (n == 54 ? c->seg[SEG_LDTR].sel : c->seg[SEG_TR].sel))
            return -1; /* LDTR and TR are read-only here */
    } else
        return -1;
    cpu_update_mode(c);
    c->stop_block = 1;
    return 0;
}

/* ---- target description ---- */

/* Append to the target description; output beyond its buffer is cut off. */
static void xml_add(struct stub *s, const char *fmt, ...)
{
    size_t cap = sizeof(s->target_xml);
    if (s->target_xml_len >= cap - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->target_xml + s->target_xml_len, cap - s->target_xml_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->target_xml_len = s->target_xml_len + (size_t)n < cap - 1 ? s->target_xml_len + (size_t)n : cap - 1;
}

void gdbstub_build_target_xml(struct stub *s)
{
    static const char *const eflags_bits[] = { "CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF",
                                               "", "", "NT", "", "RF", "VM", "AC", "VIF", "VIP", "ID" };
    s->target_xml_len = 0;
    xml_add(s, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
               "<target version=\"1.0\">\n<architecture>i386</architecture>\n"
               "<feature name=\"org.gnu.gdb.i386.core\">\n<flags id=\"i386_eflags\" size=\"4\">\n");
    for (int k = 0; k < 22; k++)
        if (eflags_bits[k][0])
            xml_add(s, "<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", eflags_bits[k], k, k);
    xml_add(s, "</flags>\n");
    for (int k = 0; k < GDBSTUB_NREGS; k++) {
        if (k == FIRST_SYS)
            xml_add(s, "</feature>\n<feature name=\"org.tarsier.x86.system\">\n");
        xml_add(s, "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"%s%s%s/>\n", regs[k].name, regs[k].bits,
                regs[k].type, k, regs[k].group ? " group=\"" : "", regs[k].group ? regs[k].group : "",
                regs[k].group ? "\"" : "");
    }
    xml_add(s, "</feature>\n</target>\n");
}
