/*
 * monitor.c - the monitor's commands (see monitor.h and docs/debugging.md).
 *
 * Everything here reads the machine without side effects: guest memory is
 * reached through cpu_probe and the memory map, never through the CPU's own
 * access paths (which could fault, set accessed bits or hit watchpoints).
 * Page walks are in monitor_mm.c, the last fault, TSS, IRQs and device state
 * in monitor_info.c.
 */
#include <capstone/capstone.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/monitor_int.h"
#include "frontend/script.h"
#include "machine/snapshot.h"

void mon_pr(struct mon *o, const char *fmt, ...)
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

const char *mon_mode_name(const struct cpu *c)
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
void mon_describe_desc(uint32_t lo, uint32_t hi, char *buf, size_t len)
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
    mon_pr(o, "%s: base=%08x limit=%04x (%u entries)\n", name, base, limit, (limit + 1) / 8);
    unsigned shown = 0;
    for (uint32_t off = 0; off + 7 <= limit && shown < 512; off += 8) {
        uint32_t d[2];
        if (monitor_read_linear(o->m, base + off, d, 8) != 8) {
            mon_pr(o, "  %04x: (not mapped: the table's page is not present)\n", off);
            break;
        }
        if (!d[0] && !d[1])
            continue;
        char buf[200];
        mon_describe_desc(d[0], d[1], buf, sizeof(buf));
        if (is_idt)
            mon_pr(o, "  vector %02x: %s\n", off / 8, buf);
        else
            mon_pr(o, "  %04x: %s\n", off, buf);
        shown++;
    }
    if (!shown)
        mon_pr(o, "  (no non-null entries)\n");
    (void)c;
}

static void info_idt(struct mon *o)
{
    struct cpu *c = o->c;
    if (cpu_real(c)) {
        mon_pr(o, "real mode: interrupt vector table at %08x, limit %04x (seg:off per vector)\n", c->idtr.base,
           c->idtr.limit);
        for (uint32_t v = 0; v < 256 && v * 4 + 3 <= c->idtr.limit; v++) {
            uint16_t e[2] = { 0, 0 };
            monitor_read_linear(o->m, c->idtr.base + v * 4, e, 4);
            mon_pr(o, "  %02x -> %04x:%04x%s", v, e[1], e[0], v % 4 == 3 ? "\n" : "");
        }
        mon_pr(o, "\n");
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
    mon_describe_desc(lo, hi, buf, sizeof(buf));
    mon_pr(o, "%-3s=%04x %s\n", name, s->sel, buf);
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
    mon_pr(o, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", c->r[R_EAX], c->r[R_EBX], c->r[R_ECX], c->r[R_EDX]);
    mon_pr(o, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", c->r[R_ESI], c->r[R_EDI], c->r[R_EBP], c->r[R_ESP]);
    mon_pr(o, "EIP=%08x EFL=%08x [%s] IOPL=%d CPL=%u\n", c->eip, fl, fs, cpu_iopl(c), c->cpl);
    mon_pr(o, "mode: %s, %s code, linear PC=%08x%s\n", mon_mode_name(c), c->code32 ? "32-bit" : "16-bit",
       c->seg[SEG_CS].base + c->eip, c->halted ? ", halted" : "");
    static const char *const sn[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR" };
    for (int k = 0; k < SEG_COUNT; k++)
        seg_line(o, sn[k], &c->seg[k]);
    mon_pr(o, "GDT=    %08x %04x\nIDT=    %08x %04x\n", c->gdtr.base, c->gdtr.limit, c->idtr.base, c->idtr.limit);
    mon_pr(o, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", c->cr0, c->cr2, c->cr3, c->cr4);
    mon_pr(o, "DR0=%08x DR1=%08x DR2=%08x DR3=%08x DR6=%08x DR7=%08x\n", c->dr[0], c->dr[1], c->dr[2], c->dr[3],
       c->dr[6], c->dr[7]);
    mon_pr(o, "FCW=%04x FSW=%04x TOP=%u FTW=%04x FOP=%03x\n", c->fpu.cw, c->fpu.sw, (c->fpu.sw >> 11) & 7,
       fpu_tag_word(&c->fpu), c->fpu.fop);
    mon_pr(o, "icount=%llu\n", (unsigned long long)c->icount);
}

/* ---- disassembly and dumps ---- */

int mon_disas_one(struct mon *o, uint32_t lin, int code32, char *buf, size_t len)
{
    csh h;
    uint8_t b[16];
    size_t got = monitor_read_linear(o->m, lin, b, sizeof(b));
    snprintf(buf, len, "(not mapped)");
    if (!got || cs_open(CS_ARCH_X86, code32 ? CS_MODE_32 : CS_MODE_16, &h) != CS_ERR_OK)
        return -1;
    cs_insn *ins;
    size_t cnt = cs_disasm(h, b, got, lin, 1, &ins);
    int size = -1;
    if (cnt) {
        snprintf(buf, len, "%s%s%s", ins[0].mnemonic, ins[0].op_str[0] ? " " : "", ins[0].op_str);
        size = ins[0].size;
        cs_free(ins, cnt);
    } else {
        snprintf(buf, len, "(bad)");
    }
    cs_close(&h);
    return size;
}

static void disas(struct mon *o, uint32_t lin, unsigned n)
{
    struct cpu *c = o->c;
    csh h;
    int mode = c->code32 && !cpu_v86(c) ? CS_MODE_32 : CS_MODE_16;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        mon_pr(o, "error: capstone cannot be opened\n");
        return;
    }
    for (unsigned k = 0; k < n; k++) {
        uint8_t b[16];
        size_t got = monitor_read_linear(o->m, lin, b, sizeof(b));
        if (!got) {
            mon_pr(o, "%08x: (not mapped)\n", lin);
            break;
        }
        cs_insn *ins;
        size_t cnt = cs_disasm(h, b, got, lin, 1, &ins);
        if (!cnt) {
            mon_pr(o, "%08x: %02x                   (bad)\n", lin, b[0]);
            lin++;
            continue;
        }
        char hex[40] = "";
        for (unsigned j = 0; j < ins[0].size && j < 10; j++)
            snprintf(hex + 2 * j, sizeof(hex) - 2 * j, "%02x", ins[0].bytes[j]);
        mon_pr(o, "%08x: %-20s %s %s\n", lin, hex, ins[0].mnemonic, ins[0].op_str);
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
        mon_pr(o, "%s\n", line);
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

/* Press keys named as in the script's `key` (joined by '-'), then release
 * them in reverse order; the keyboard controller queues the scan codes. */
static void sendkey(struct mon *o, const char *spec)
{
    char buf[128], *names[8];
    uint16_t codes[8];
    int n = 0;
    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *save = NULL, *t = strtok_r(buf, "-", &save); t; t = strtok_r(NULL, "-", &save)) {
        if (n == 8) {
            mon_pr(o, "error: sendkey: at most 8 keys at once\n");
            return;
        }
        if (!strcmp(t, "del"))
            t = "delete";
        if (script_key_code(t, &codes[n])) {
            mon_pr(o, "error: sendkey: unknown key '%s' (names as in docs/cli.md: a-z, 0-9, f1-f12, ctrl, alt, "
                      "shift, delete, enter, esc, ...)\n", t);
            return;
        }
        names[n++] = t;
    }
    if (!n) {
        mon_pr(o, "error: usage: sendkey KEYS\n");
        return;
    }
    for (int k = 0; k < n; k++)
        kbc_key(&o->m->kbc, codes[k], 1);
    for (int k = n - 1; k >= 0; k--)
        kbc_key(&o->m->kbc, codes[k], 0);
    mon_pr(o, "sent %d key%s (%s%s)\n", n, n == 1 ? "" : "s", names[0], n > 1 ? " ..." : "");
}

static const char help_text[] =
    "commands:\n"
    "  info registers        registers, segment caches in words, control/debug registers\n"
    "  info gdt|idt|ldt      the descriptor tables, decoded\n"
    "  info tss              the current task's TSS: links, ring stacks, CR3, EIP, I/O map base\n"
    "  info mem              the active page tables as ranges: linear -> physical, user/supervisor, R/W\n"
    "  info tlb              the CPU's cached translations\n"
    "  info irq              IRQ 0-15: PIC IRR/ISR/IMR, trigger, vector, guest handler, deliveries\n"
    "  info last-fault       the last exception: error code in words, instruction, the failed check\n"
    "  info DEVICE           a device's state (info devices lists them)\n"
    "  translate ADDR        walk the page tables for a linear address, step by step\n"
    "  x/Ni ADDR             disassemble N instructions at a linear address (16/32-bit per CS)\n"
    "  x/Nx[bhw] ADDR        linear memory in hex;  xp/Nx[bhw] ADDR  physical memory in hex\n"
    "  sendkey KEYS          press and release keys, e.g. sendkey ctrl-alt-delete\n"
    "  screendump FILE       write the screen to FILE as PNG (FILE.txt: the text screen as text)\n"
    "  savevm FILE | loadvm FILE   save / restore the whole machine (docs/snapshot.md)\n"
    "  stop | cont | step    run control;  quit  end tarsier\n"
    "  stepmode [into|over]  whether a step enters an interrupt that arrives (default: over)\n"
    "ADDR: 0x hex or decimal, $pc, or SEG:OFF in hex (real mode SEG*16+OFF, else selector base+OFF)\n";

static void info(struct mon *o, const char *w)
{
    if (!strcmp(w, "registers") || !strcmp(w, "reg") || !strcmp(w, "r"))
        info_registers(o);
    else if (!strcmp(w, "gdt"))
        print_table(o, "GDT", o->c->gdtr.base, o->c->gdtr.limit, 0);
    else if (!strcmp(w, "ldt"))
        print_table(o, "LDT", o->c->seg[SEG_LDTR].base, o->c->seg[SEG_LDTR].limit, 0);
    else if (!strcmp(w, "idt"))
        info_idt(o);
    else if (!strcmp(w, "last-fault"))
        mon_info_last_fault(o);
    else if (!strcmp(w, "tss"))
        mon_info_tss(o);
    else if (!strcmp(w, "mem"))
        mon_info_mem(o);
    else if (!strcmp(w, "tlb"))
        mon_info_tlb(o);
    else if (!strcmp(w, "irq"))
        mon_info_irq(o);
    else if (!strcmp(w, "devices")) {
        char names[512];
        mon_device_names(o, names, sizeof(names));
        mon_pr(o, "devices: %s (info uart = info com1)\n", names);
    } else if (mon_info_device(o, w)) {
        char names[512];
        mon_device_names(o, names, sizeof(names));
        mon_pr(o, "error: unknown 'info %s' (try: registers, gdt, idt, ldt, tss, mem, tlb, irq, last-fault, "
                  "devices, or a device: %s)\n", w, names);
    }
}

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
        mon_pr(&o, "%s", help_text);
        return MON_NONE;
    }
    if (!strcmp(cmd, "info") && argc == 2) {
        info(&o, argv[1]);
        return MON_NONE;
    }
    if (!strcmp(cmd, "sendkey")) {
        if (argc != 2)
            mon_pr(&o, "error: usage: sendkey KEYS (names joined by '-', e.g. ctrl-alt-delete)\n");
        else
            sendkey(&o, argv[1]);
        return MON_NONE;
    }
    if (!strcmp(cmd, "screendump")) {
        if (argc != 2) {
            mon_pr(&o, "error: usage: screendump FILE\n");
            return MON_NONE;
        }
        char e[256];
        size_t n = strlen(argv[1]);
        if (n > 4 && !strcmp(argv[1] + n - 4, ".txt")) { /* the text screen as text */
            FILE *f = fopen(argv[1], "w");
            if (!f || machine_text_dump(m, f) || fclose(f)) {
                mon_pr(&o, "error: screendump: cannot write '%s'\n", argv[1]);
                return MON_NONE;
            }
            mon_pr(&o, "wrote the text screen to %s\n", argv[1]);
        } else if (vga_screendump(&m->vga, argv[1], e, sizeof(e))) {
            mon_pr(&o, "error: screendump: %s\n", e);
        } else {
            mon_pr(&o, "wrote the screen to %s (PNG)\n", argv[1]);
        }
        return MON_NONE;
    }
    if (!strcmp(cmd, "savevm") || !strcmp(cmd, "loadvm")) {
        char e[512];
        if (argc != 2) {
            mon_pr(&o, "error: usage: %s FILE\n", cmd);
            return MON_NONE;
        }
        if (cmd[0] == 's' ? snapshot_save(m, argv[1], e, sizeof(e)) : snapshot_load(m, argv[1], e, sizeof(e)))
            mon_pr(&o, "error: %s\n", e);
        else
            mon_pr(&o, "%s %s at %.6f s of virtual time\n", cmd[0] == 's' ? "saved the machine to" : "restored the machine from",
                   argv[1], (double)machine_now(m) / 1e9);
        return MON_NONE;
    }
    if (!strcmp(cmd, "translate")) {
        uint32_t a;
        if (argc != 2 || parse_addr(&o, argv[1], &a))
            mon_pr(&o, "error: usage: translate ADDR (a linear address)\n");
        else
            mon_translate(&o, a);
        return MON_NONE;
    }
    if (!strncmp(cmd, "x/", 2) || !strcmp(cmd, "x") || !strncmp(cmd, "xp/", 3) || !strcmp(cmd, "xp")) {
        int phys = cmd[1] == 'p';
        unsigned n, unit;
        char fmt;
        uint32_t a;
        if (argc != 2 || parse_fmt(cmd + 1 + phys, &n, &fmt, &unit) || parse_addr(&o, argv[1], &a) ||
            (fmt == 'i' && phys)) {
            mon_pr(&o, "error: usage: x/Ni ADDR, x/Nx[bhw] ADDR or xp/Nx[bhw] ADDR\n");
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
    mon_pr(&o, "error: unknown command '%s' (try 'help')\n", line[0] ? cmd : "");
    return MON_NONE;
}
