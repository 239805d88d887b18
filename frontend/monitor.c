/*
 * monitor.c - the monitor's commands (see monitor.h and docs/debugging.md).
 *
 * Everything here reads the machine without side effects: guest memory is
 * reached through cpu_probe and the memory map, never through the CPU's own
 * access paths (which could fault, set accessed bits or hit watchpoints).
 * The page walk of `translate` is written out here in words rather than
 * shared with cpu/mmu.c, whose walk is built for speed and says nothing.
 */
#include <capstone/capstone.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/monitor.h"
#include "machine/machine.h"

struct mon {
    struct machine *m;
    struct cpu *c;
    monitor_out_fn out;
    void *opaque;
};

static void pr(struct mon *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pr(struct mon *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    o->out(o->opaque, buf);
}

/* Copy between host memory and guest linear memory, page by page, through the
 * current page tables without faulting the guest; stops at an unmapped page. */
static size_t copy_linear(struct machine *m, unsigned long lin, uint8_t *host, size_t len, int write)
{
    size_t done = 0;
    while (done < len) {
        uint32_t a = (uint32_t)(lin + done), phys;
        if (cpu_probe(&m->cpu, a, &phys))
            break;
        size_t n = 0x1000 - (a & 0xFFF);
        if (n > len - done)
            n = len - done;
        if (write)
            memmap_write_bytes(&m->mem, phys, host + done, n);
        else
            memmap_read_bytes(&m->mem, phys, host + done, n);
        done += n;
    }
    return done;
}

size_t monitor_read_linear(struct machine *m, unsigned long lin, void *dst, size_t len)
{
    return copy_linear(m, lin, dst, len, 0);
}

size_t monitor_write_linear(struct machine *m, unsigned long lin, const void *src, size_t len)
{
    return copy_linear(m, lin, (uint8_t *)(uintptr_t)src, len, 1);
}

static const char *mode_name(const struct cpu *c)
{
    if (cpu_real(c))
        return "real mode";
    if (cpu_v86(c))
        return "virtual-8086 mode";
    return c->cr0 & CR0_PG ? "protected mode, paging on" : "protected mode, paging off";
}

/* ---- descriptors ---- */

static const char *const sys_types[16] = {
    "reserved (0)", "16-bit TSS (available)", "LDT", "16-bit TSS (busy)", "16-bit call gate", "task gate",
    "16-bit interrupt gate", "16-bit trap gate", "reserved (8)", "32-bit TSS (available)", "reserved (10)",
    "32-bit TSS (busy)", "32-bit call gate", "reserved (13)", "32-bit interrupt gate", "32-bit trap gate",
};

/* Describe an 8-byte descriptor (lo, hi) in words into buf. */
static void describe_desc(uint32_t lo, uint32_t hi, char *buf, size_t len)
{
    unsigned type = (hi >> 8) & 0xF, s = (hi >> 12) & 1, dpl = (hi >> 13) & 3, p = (hi >> 15) & 1;
    const char *pres = p ? "present" : "NOT present";
    if (!s && (type == 4 || type == 5 || type == 6 || type == 7 || type == 12 || type == 14 || type == 15)) {
        uint32_t off = (lo & 0xFFFF) | (type & 8 ? (hi & 0xFFFF0000u) : 0);
        uint16_t sel = (uint16_t)(lo >> 16);
        if (type == 5)
            snprintf(buf, len, "%s -> TSS selector %04x, DPL=%u, %s", sys_types[type], sel, dpl, pres);
        else if (type == 4 || type == 12)
            snprintf(buf, len, "%s -> %04x:%08x, %u parameter(s), DPL=%u, %s", sys_types[type], sel, off,
                     hi & 0x1F, dpl, pres);
        else
            snprintf(buf, len, "%s -> %04x:%08x, DPL=%u, %s", sys_types[type], sel, off, dpl, pres);
        return;
    }
    uint32_t base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
    uint32_t limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
    int g = (hi >> 23) & 1, db = (hi >> 22) & 1;
    if (g)
        limit = (limit << 12) | 0xFFF;
    char kind[96];
    if (!s)
        snprintf(kind, sizeof(kind), "%s", sys_types[type]);
    else if (type & 8)
        snprintf(kind, sizeof(kind), "code %s, execute%s%s%s", db ? "32-bit" : "16-bit",
                 type & 2 ? "/read" : "-only", type & 4 ? ", conforming" : "", type & 1 ? ", accessed" : "");
    else
        snprintf(kind, sizeof(kind), "data %s, %s%s%s", db ? "(B=1)" : "(B=0)", type & 2 ? "read/write" : "read-only",
                 type & 4 ? ", expand-down" : "", type & 1 ? ", accessed" : "");
    snprintf(buf, len, "base=%08x limit=%08x%s %s, DPL=%u, %s", base, limit, g ? " (4 KiB granular)" : "", kind,
             dpl, pres);
}

static void print_table(struct mon *o, const char *name, uint32_t base, uint32_t limit, int is_idt)
{
    struct cpu *c = o->c;
    pr(o, "%s: base=%08x limit=%04x (%u entries)\n", name, base, limit, (limit + 1) / 8);
    unsigned shown = 0;
    for (uint32_t off = 0; off + 7 <= limit && shown < 512; off += 8) {
        uint32_t d[2];
        if (monitor_read_linear(o->m, base + off, d, 8) != 8) {
            pr(o, "  %04x: (not mapped: the table's page is not present)\n", off);
            break;
        }
        if (!d[0] && !d[1])
            continue;
        char buf[200];
        describe_desc(d[0], d[1], buf, sizeof(buf));
        if (is_idt)
            pr(o, "  vector %02x: %s\n", off / 8, buf);
        else
            pr(o, "  %04x: %s\n", off, buf);
        shown++;
    }
    if (!shown)
        pr(o, "  (no non-null entries)\n");
    (void)c;
}

static void info_idt(struct mon *o)
{
    struct cpu *c = o->c;
    if (cpu_real(c)) {
        pr(o, "real mode: interrupt vector table at %08x, limit %04x (seg:off per vector)\n", c->idtr.base,
           c->idtr.limit);
        for (uint32_t v = 0; v < 256 && v * 4 + 3 <= c->idtr.limit; v++) {
            uint16_t e[2] = { 0, 0 };
            monitor_read_linear(o->m, c->idtr.base + v * 4, e, 4);
            pr(o, "  %02x -> %04x:%04x%s", v, e[1], e[0], v % 4 == 3 ? "\n" : "");
        }
        pr(o, "\n");
        return;
    }
    print_table(o, "IDT", c->idtr.base, c->idtr.limit, 1);
}

/* ---- registers ---- */

static void seg_line(struct mon *o, const char *name, const struct seg *s)
{
    uint32_t hi = ((uint32_t)(s->attr & 0xFF) << 8) | ((uint32_t)(s->attr & 0xF000) << 8);
    char buf[200];
    /* rebuild a descriptor from the cache so describe_desc can word it */
    uint32_t lim = s->attr & SA_G ? s->limit >> 12 : s->limit;
    uint32_t lo = (lim & 0xFFFF) | ((s->base & 0xFFFF) << 16);
    hi |= (lim & 0xF0000) | ((s->base >> 16) & 0xFF) | (s->base & 0xFF000000u);
    describe_desc(lo, hi, buf, sizeof(buf));
    pr(o, "%-3s=%04x %s\n", name, s->sel, buf);
}

static void info_registers(struct mon *o)
{
    struct cpu *c = o->c;
    uint32_t fl = cpu_get_eflags(c);
    static const char *const fnames[] = { "CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF",
                                          "", "", "NT", "", "RF", "VM", "AC", "VIF", "VIP", "ID" };
    char fs[128] = "";
    for (int k = 0; k < 22; k++)
        if (fnames[k][0] && (fl >> k) & 1) {
            strcat(fs, fs[0] ? " " : "");
            strcat(fs, fnames[k]);
        }
    pr(o, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", c->r[R_EAX], c->r[R_EBX], c->r[R_ECX], c->r[R_EDX]);
    pr(o, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", c->r[R_ESI], c->r[R_EDI], c->r[R_EBP], c->r[R_ESP]);
    pr(o, "EIP=%08x EFL=%08x [%s] IOPL=%d CPL=%u\n", c->eip, fl, fs, cpu_iopl(c), c->cpl);
    pr(o, "mode: %s, %s code, linear PC=%08x%s\n", mode_name(c), c->code32 ? "32-bit" : "16-bit",
       c->seg[SEG_CS].base + c->eip, c->halted ? ", halted" : "");
    static const char *const sn[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR" };
    for (int k = 0; k < SEG_COUNT; k++)
        seg_line(o, sn[k], &c->seg[k]);
    pr(o, "GDT=    %08x %04x\nIDT=    %08x %04x\n", c->gdtr.base, c->gdtr.limit, c->idtr.base, c->idtr.limit);
    pr(o, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", c->cr0, c->cr2, c->cr3, c->cr4);
    pr(o, "DR0=%08x DR1=%08x DR2=%08x DR3=%08x DR6=%08x DR7=%08x\n", c->dr[0], c->dr[1], c->dr[2], c->dr[3],
       c->dr[6], c->dr[7]);
    pr(o, "FCW=%04x FSW=%04x TOP=%u FTW=%04x FOP=%03x\n", c->fpu.cw, c->fpu.sw, (c->fpu.sw >> 11) & 7,
       fpu_tag_word(&c->fpu), c->fpu.fop);
    pr(o, "icount=%llu\n", (unsigned long long)c->icount);
}

/* ---- the page walk in words ---- */

static void entry_bits(char *buf, size_t len, uint64_t e, int large_possible)
{
    snprintf(buf, len, "P=%d R/W=%d U/S=%d PWT=%d PCD=%d A=%d D=%d%s G=%d", (int)(e & 1), (int)(e >> 1 & 1),
             (int)(e >> 2 & 1), (int)(e >> 3 & 1), (int)(e >> 4 & 1), (int)(e >> 5 & 1), (int)(e >> 6 & 1),
             large_possible ? (e & 0x80 ? " PS=1" : " PS=0") : "", (int)(e >> 8 & 1));
}

static uint64_t phys64(struct machine *m, uint32_t pa)
{
    uint32_t lo = memmap_read(&m->mem, pa, 4), hi = memmap_read(&m->mem, pa + 4, 4);
    return (uint64_t)hi << 32 | lo;
}

static void translate(struct mon *o, uint32_t lin)
{
    struct cpu *c = o->c;
    uint32_t a20 = o->m->mem.a20_mask;
    pr(o, "linear %08x in %s\n", lin, mode_name(c));
    if (!(c->cr0 & CR0_PG)) {
        pr(o, "  paging is off (CR0.PG=0): physical = linear%s = %08x\n",
           a20 != 0xFFFFFFFFu ? " with A20 masked" : "", lin & a20);
        return;
    }
    int user_ok = 1, write_ok = 1;
    char bits[160];
    uint64_t e;
    uint32_t phys;
    if (!(c->cr4 & CR4_PAE)) {
        pr(o, "  32-bit paging, CR3=%08x (page directory at %08x)%s\n", c->cr3, c->cr3 & 0xFFFFF000u,
           c->cr4 & CR4_PSE ? ", CR4.PSE=1 (4 MiB pages allowed)" : "");
        uint32_t pde_a = (c->cr3 & 0xFFFFF000u) | ((lin >> 20) & 0xFFC);
        e = memmap_read(&o->m->mem, pde_a, 4);
        entry_bits(bits, sizeof(bits), e, 1);
        pr(o, "  PDE index %u (bits 31-22) at phys %08x = %08x: %s\n", lin >> 22, pde_a, (uint32_t)e, bits);
        if (!(e & 1)) {
            pr(o, "  -> the PDE is not present (P=0): an access faults with #PF, error code bit P=0\n");
            return;
        }
        user_ok &= (int)(e >> 2 & 1);
        write_ok &= (int)(e >> 1 & 1);
        if ((e & 0x80) && (c->cr4 & CR4_PSE)) {
            phys = ((uint32_t)e & 0xFFC00000u) | (lin & 0x3FFFFF);
            pr(o, "  -> 4 MiB page at %08x + offset %06x (bits 21-0)\n", (uint32_t)e & 0xFFC00000u, lin & 0x3FFFFF);
        } else {
            uint32_t pte_a = ((uint32_t)e & 0xFFFFF000u) | ((lin >> 10) & 0xFFC);
            e = memmap_read(&o->m->mem, pte_a, 4);
            entry_bits(bits, sizeof(bits), e, 0);
            pr(o, "  PTE index %u (bits 21-12) at phys %08x = %08x: %s\n", (lin >> 12) & 0x3FF, pte_a, (uint32_t)e,
               bits);
            if (!(e & 1)) {
                pr(o, "  -> the PTE is not present (P=0): an access faults with #PF, error code bit P=0\n");
                return;
            }
            user_ok &= (int)(e >> 2 & 1);
            write_ok &= (int)(e >> 1 & 1);
            phys = ((uint32_t)e & 0xFFFFF000u) | (lin & 0xFFF);
            pr(o, "  -> 4 KiB page at %08x + offset %03x (bits 11-0)\n", (uint32_t)e & 0xFFFFF000u, lin & 0xFFF);
        }
    } else {
        pr(o, "  PAE paging, CR3=%08x (PDPT at %08x)\n", c->cr3, c->cr3 & 0xFFFFFFE0u);
        uint32_t pdpte_a = (c->cr3 & 0xFFFFFFE0u) + (lin >> 30) * 8;
        e = phys64(o->m, pdpte_a);
        pr(o, "  PDPTE index %u (bits 31-30) at phys %08x = %016llx: P=%d\n", lin >> 30, pdpte_a,
           (unsigned long long)e, (int)(e & 1));
        if (!(e & 1)) {
            pr(o, "  -> the PDPTE is not present: an access faults with #PF, error code bit P=0\n");
            return;
        }
        uint32_t pde_a = ((uint32_t)e & 0xFFFFF000u) + ((lin >> 21) & 0x1FF) * 8;
        e = phys64(o->m, pde_a);
        entry_bits(bits, sizeof(bits), e, 1);
        pr(o, "  PDE index %u (bits 29-21) at phys %08x = %016llx: %s\n", (lin >> 21) & 0x1FF, pde_a,
           (unsigned long long)e, bits);
        if (!(e & 1)) {
            pr(o, "  -> the PDE is not present (P=0): an access faults with #PF, error code bit P=0\n");
            return;
        }
        user_ok &= (int)(e >> 2 & 1);
        write_ok &= (int)(e >> 1 & 1);
        if (e & 0x80) {
            phys = ((uint32_t)e & 0xFFE00000u) | (lin & 0x1FFFFF);
            pr(o, "  -> 2 MiB page at %08x + offset %06x (bits 20-0)\n", (uint32_t)e & 0xFFE00000u, lin & 0x1FFFFF);
        } else {
            uint32_t pte_a = ((uint32_t)e & 0xFFFFF000u) + ((lin >> 12) & 0x1FF) * 8;
            e = phys64(o->m, pte_a);
            entry_bits(bits, sizeof(bits), e, 0);
            pr(o, "  PTE index %u (bits 20-12) at phys %08x = %016llx: %s\n", (lin >> 12) & 0x1FF, pte_a,
               (unsigned long long)e, bits);
            if (!(e & 1)) {
                pr(o, "  -> the PTE is not present (P=0): an access faults with #PF, error code bit P=0\n");
                return;
            }
            user_ok &= (int)(e >> 2 & 1);
            write_ok &= (int)(e >> 1 & 1);
            phys = ((uint32_t)e & 0xFFFFF000u) | (lin & 0xFFF);
            pr(o, "  -> 4 KiB page at %08x + offset %03x (bits 11-0)\n", (uint32_t)e & 0xFFFFF000u, lin & 0xFFF);
        }
    }
    phys &= a20;
    pr(o, "  physical address %08x\n", phys);
    pr(o, "  user (CPL 3) access: %s; supervisor writes: %s; user writes: %s\n",
       user_ok ? "allowed (U/S=1 at every level)" : "faults (U/S=0 at some level)",
       write_ok || !(c->cr0 & CR0_WP) ? "allowed" : "fault (R/W=0 and CR0.WP=1)",
       user_ok && write_ok ? "allowed" : "fault");
}

/* ---- the last fault ---- */

static const char *const exc_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor segment overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection", "#PF page fault",
    "reserved (15)", "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD",
};

static void info_last_fault(struct mon *o)
{
    struct cpu *c = o->c;
    if (!c->last_exc_valid) {
        pr(o, "no exception has been raised since the machine started\n");
        return;
    }
    unsigned v = c->last_exc_vec, err = c->last_exc_err;
    pr(o, "last exception: vector %u (%s) at %04x:%08x, instruction %llu\n", v,
       v < 32 && exc_names[v] ? exc_names[v] : "?", c->last_exc_cs, c->last_exc_eip,
       (unsigned long long)c->last_exc_icount);
    if (v == EX_PF) {
        pr(o, "error code %04x: %s, %s access, %s mode%s%s\n", err,
           err & 1 ? "protection violation (page present)" : "page not present", err & 2 ? "write" : "read",
           err & 4 ? "user" : "supervisor", err & 8 ? ", reserved bit set in an entry" : "",
           err & 16 ? ", instruction fetch" : "");
        pr(o, "faulting linear address (CR2 then): %08x; its walk in the current tables:\n", c->last_exc_cr2);
        translate(o, c->last_exc_cr2);
    } else if (v == EX_DF) {
        pr(o, "error code %u (always 0); the first exception was lost in the second\n", err);
    } else if (v >= EX_TS && v <= EX_GP) {
        if (!err) {
            pr(o, "error code 0: the check failed on no particular selector (e.g. a limit or privilege "
                  "check on an already loaded segment)\n");
            return;
        }
        pr(o, "error code %04x: %s, %s, index %u (selector %04x)%s\n", err,
           err & 2 ? "IDT entry" : err & 4 ? "LDT" : "GDT", err & 2 ? "gate" : "descriptor",
           err & 2 ? err >> 3 : err >> 3, err & 0xFFFC, err & 1 ? ", external event" : "");
        uint32_t base = err & 2 ? c->idtr.base : err & 4 ? c->seg[SEG_LDTR].base : c->gdtr.base;
        uint32_t lim = err & 2 ? c->idtr.limit : err & 4 ? c->seg[SEG_LDTR].limit : c->gdtr.limit;
        uint32_t off = err & 0xFFF8;
        uint32_t d[2];
        if (off + 7 > lim)
            pr(o, "the entry lies beyond the table limit %04x (that is the check that failed)\n", lim);
        else if (monitor_read_linear(o->m, base + off, d, 8) == 8) {
            char buf[200];
            describe_desc(d[0], d[1], buf, sizeof(buf));
            pr(o, "the entry now: %s\n", buf);
        }
    } else if (err) {
        pr(o, "error code %08x\n", err);
    }
}

/* ---- disassembly and dumps ---- */

static void disas(struct mon *o, uint32_t lin, unsigned n)
{
    struct cpu *c = o->c;
    csh h;
    int mode = c->code32 && !cpu_v86(c) ? CS_MODE_32 : CS_MODE_16;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        pr(o, "error: capstone cannot be opened\n");
        return;
    }
    for (unsigned k = 0; k < n; k++) {
        uint8_t b[16];
        size_t got = monitor_read_linear(o->m, lin, b, sizeof(b));
        if (!got) {
            pr(o, "%08x: (not mapped)\n", lin);
            break;
        }
        cs_insn *ins;
        size_t cnt = cs_disasm(h, b, got, lin, 1, &ins);
        if (!cnt) {
            pr(o, "%08x: %02x                   (bad)\n", lin, b[0]);
            lin++;
            continue;
        }
        char hex[40] = "";
        for (unsigned j = 0; j < ins[0].size && j < 10; j++)
            snprintf(hex + 2 * j, sizeof(hex) - 2 * j, "%02x", ins[0].bytes[j]);
        pr(o, "%08x: %-20s %s %s\n", lin, hex, ins[0].mnemonic, ins[0].op_str);
        lin += ins[0].size;
        cs_free(ins, cnt);
    }
    cs_close(&h);
}

static void dump(struct mon *o, uint32_t addr, unsigned n, unsigned unit, int physical)
{
    uint32_t bytes = n * unit;
    for (uint32_t off = 0; off < bytes; off += 16) {
        char line[200];
        int len = snprintf(line, sizeof(line), "%08x:", addr + off);
        for (uint32_t k = off; k < bytes && k < off + 16; k += unit) {
            uint8_t b[4] = { 0, 0, 0, 0 };
            int ok;
            if (physical) {
                memmap_read_bytes(&o->m->mem, addr + k, b, unit);
                ok = 1;
            } else {
                ok = monitor_read_linear(o->m, addr + k, b, unit) == unit;
            }
            uint32_t v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
            if (!ok)
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %.*s", (int)unit * 2, "????????");
            else
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %0*x", (int)unit * 2, v);
        }
        pr(o, "%s\n", line);
    }
}

/* ---- parsing ---- */

/* An address: NUMBER (0x.. hex, else decimal), $pc, or SEG:OFF in hex
 * (real/v86 mode: SEG*16+OFF; protected mode: the selector's base + OFF). */
static int parse_addr(struct mon *o, const char *s, uint32_t *out)
{
    struct cpu *c = o->c;
    char *end;
    if (!strcmp(s, "$pc") || !strcmp(s, "$eip")) {
        *out = c->seg[SEG_CS].base + c->eip;
        return 0;
    }
    const char *colon = strchr(s, ':');
    if (colon) {
        unsigned long seg = strtoul(s, &end, 16);
        if (end != colon || seg > 0xFFFF)
            return -1;
        unsigned long off = strtoul(colon + 1, &end, 16);
        if (*end || colon[1] == 0)
            return -1;
        if (!cpu_pe(c) || cpu_v86(c)) {
            *out = (uint32_t)((seg << 4) + off);
            return 0;
        }
        uint32_t base = seg & 4 ? c->seg[SEG_LDTR].base : c->gdtr.base;
        uint32_t d[2];
        if ((seg & 0xFFF8) + 7 > (seg & 4 ? c->seg[SEG_LDTR].limit : c->gdtr.limit) ||
            monitor_read_linear(o->m, base + (seg & 0xFFF8), d, 8) != 8)
            return -1;
        *out = (uint32_t)(((d[0] >> 16) | ((d[1] & 0xFF) << 16) | (d[1] & 0xFF000000u)) + off);
        return 0;
    }
    if (!*s || *s == '-')
        return -1;
    int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
    unsigned long long v = strtoull(s, &end, base);
    if (*end || v > 0xFFFFFFFFull)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* "/NFU" after x or xp: count, format (x or i), unit (b h w). */
static int parse_fmt(const char *s, unsigned *n, char *fmt, unsigned *unit)
{
    *n = 1;
    *fmt = 'x';
    *unit = 4;
    if (!*s)
        return 0;
    if (*s++ != '/')
        return -1;
    if (isdigit((unsigned char)*s)) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (v == 0 || v > 4096)
            return -1;
        *n = (unsigned)v;
        s = end;
    }
    for (; *s; s++) {
        if (*s == 'x' || *s == 'i')
            *fmt = *s;
        else if (*s == 'b')
            *unit = 1;
        else if (*s == 'h')
            *unit = 2;
        else if (*s == 'w')
            *unit = 4;
        else
            return -1;
    }
    return 0;
}

static const char help_text[] =
    "commands:\n"
    "  info registers        registers, segment caches in words, control/debug registers\n"
    "  info gdt|idt|ldt      the descriptor tables, decoded\n"
    "  info last-fault       the last exception: vector, error code in words, entry involved\n"
    "  translate ADDR        walk the page tables for a linear address, step by step\n"
    "  x/Ni ADDR             disassemble N instructions at a linear address (16/32-bit per CS)\n"
    "  x/Nx[bhw] ADDR        linear memory in hex;  xp/Nx[bhw] ADDR  physical memory in hex\n"
    "  stop | cont | step    run control;  quit  end tarsier\n"
    "ADDR: 0x hex or decimal, $pc, or SEG:OFF in hex (real mode SEG*16+OFF, else selector base+OFF)\n";

enum monitor_action monitor_exec(struct machine *m, const char *line, monitor_out_fn out, void *opaque)
{
    struct mon o = { m, &m->cpu, out, opaque };
    char buf[512], *argv[4];
    int argc = 0;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *t = strtok(buf, " \t\r\n"); t && argc < 4; t = strtok(NULL, " \t\r\n"))
        argv[argc++] = t;
    if (argc == 0)
        return MON_NONE;
    const char *cmd = argv[0];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
        pr(&o, "%s", help_text);
        return MON_NONE;
    }
    if (!strcmp(cmd, "info") && argc == 2) {
        const char *w = argv[1];
        if (!strcmp(w, "registers") || !strcmp(w, "reg") || !strcmp(w, "r"))
            info_registers(&o);
        else if (!strcmp(w, "gdt"))
            print_table(&o, "GDT", o.c->gdtr.base, o.c->gdtr.limit, 0);
        else if (!strcmp(w, "ldt"))
            print_table(&o, "LDT", o.c->seg[SEG_LDTR].base, o.c->seg[SEG_LDTR].limit, 0);
        else if (!strcmp(w, "idt"))
            info_idt(&o);
        else if (!strcmp(w, "last-fault"))
            info_last_fault(&o);
        else
            pr(&o, "error: unknown 'info %s' (try: registers, gdt, idt, ldt, last-fault)\n", w);
        return MON_NONE;
    }
    if (!strcmp(cmd, "translate")) {
        uint32_t a;
        if (argc != 2 || parse_addr(&o, argv[1], &a))
            pr(&o, "error: usage: translate ADDR (a linear address)\n");
        else
            translate(&o, a);
        return MON_NONE;
    }
    if (!strncmp(cmd, "x/", 2) || !strcmp(cmd, "x") || !strncmp(cmd, "xp/", 3) || !strcmp(cmd, "xp")) {
        int phys = cmd[1] == 'p';
        unsigned n, unit;
        char fmt;
        uint32_t a;
        if (argc != 2 || parse_fmt(cmd + 1 + phys, &n, &fmt, &unit) || parse_addr(&o, argv[1], &a) ||
            (fmt == 'i' && phys)) {
            pr(&o, "error: usage: x/Ni ADDR, x/Nx[bhw] ADDR or xp/Nx[bhw] ADDR\n");
            return MON_NONE;
        }
        if (fmt == 'i')
            disas(&o, a, n > 256 ? 256 : n);
        else
            dump(&o, a, n, unit, phys);
        return MON_NONE;
    }
    if (argc == 1) {
        if (!strcmp(cmd, "stop"))
            return MON_STOP;
        if (!strcmp(cmd, "cont") || !strcmp(cmd, "c"))
            return MON_CONT;
        if (!strcmp(cmd, "step") || !strcmp(cmd, "s"))
            return MON_STEP;
        if (!strcmp(cmd, "quit") || !strcmp(cmd, "q"))
            return MON_QUIT;
    }
    pr(&o, "error: unknown command '%s' (try 'help')\n", line[0] ? cmd : "");
    return MON_NONE;
}
