/*
 * monitor_info.c - the monitor's explanations of machine state:
 *   info last-fault   the last exception, its error code in words, the
 *                     faulting instruction and the check that failed
 *   info tss          the current task's TSS decoded (16- or 32-bit)
 *   info irq          IRQ 0-15: PIC bits, trigger mode, vector, the guest's
 *                     handler and how many times each line was delivered
 *   info DEVICE       any device of the board, from its state table
 *
 * The failed check of a selector fault is worked out again here from the
 * faulting instruction and the descriptor as the tables are now, with the
 * rules of SDM Vol. 3 ch. 5 (segment loads, far transfers, gates); the CPU
 * itself records only vector, error code, CS:EIP and CR2.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/monitor_int.h"

static const char *const exc_names[20] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor segment overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection", "#PF page fault",
    "reserved (15)", "#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD",
};

const char *mon_exc_name(unsigned vec) { return vec < 20 ? exc_names[vec] : NULL; }

/* Read the GDT/LDT/IDT entry an error code or selector names; 0 or -1 (beyond
 * the limit, *beyond set) / -2 (not mapped). */
static int read_entry(struct mon *o, uint32_t sel, int idt, uint32_t d[2], int *beyond)
{
    struct cpu *c = o->c;
    uint32_t base = idt ? c->idtr.base : sel & 4 ? c->seg[SEG_LDTR].base : c->gdtr.base;
    uint32_t lim = idt ? c->idtr.limit : sel & 4 ? c->seg[SEG_LDTR].limit : c->gdtr.limit;
    uint32_t off = idt ? (sel >> 3) * 8 : sel & 0xFFF8;
    *beyond = off + 7 > lim;
    if (*beyond)
        return -1;
    return monitor_read_linear(o->m, base + off, d, 8) == 8 ? 0 : -2;
}

/* What kind of selector load an instruction does, from its mnemonic/operands. */
enum load_kind { LK_NONE, LK_DATA, LK_SS, LK_CS, LK_RET, LK_LTR, LK_LLDT, LK_INT };

static enum load_kind classify(const char *ins)
{
    char mn[32] = "";
    sscanf(ins, "%31s", mn);
    const char *ops = ins + strlen(mn);
    if (!strcmp(mn, "lss") || ((!strcmp(mn, "mov") || !strcmp(mn, "pop")) && !strncmp(ops, " ss", 3)))
        return LK_SS;
    if (!strcmp(mn, "lds") || !strcmp(mn, "les") || !strcmp(mn, "lfs") || !strcmp(mn, "lgs"))
        return LK_DATA;
    if ((!strcmp(mn, "mov") || !strcmp(mn, "pop")) &&
        (!strncmp(ops, " ds", 3) || !strncmp(ops, " es", 3) || !strncmp(ops, " fs", 3) || !strncmp(ops, " gs", 3)))
        return LK_DATA;
    if (!strcmp(mn, "ljmp") || !strcmp(mn, "lcall") || ((!strcmp(mn, "jmp") || !strcmp(mn, "call")) &&
                                                        (strchr(ops, ':') || strstr(ops, "far"))))
        return LK_CS;
    if (!strcmp(mn, "retf") || !strcmp(mn, "lret") || !strncmp(mn, "iret", 4))
        return LK_RET;
    if (!strcmp(mn, "ltr"))
        return LK_LTR;
    if (!strcmp(mn, "lldt"))
        return LK_LLDT;
    if (!strcmp(mn, "int") || !strcmp(mn, "int3") || !strcmp(mn, "into") || !strcmp(mn, "int1"))
        return LK_INT;
    return LK_NONE;
}

/* The failed check of a fault with a selector error code, in words. */
static void selector_check(struct mon *o, unsigned vec, uint32_t err, const char *ins, unsigned cpl, char *buf,
                           size_t len)
{
    uint32_t d[2];
    int beyond;
    int idt = err & 2;
    unsigned rpl = err & 3; /* the error code drops the RPL: bits 1-0 are EXT and IDT */
    int r = read_entry(o, err, idt, d, &beyond);
    enum load_kind k = classify(ins);
    if (r == -1) {
        snprintf(buf, len, "the selector's index %u lies beyond the %s limit (entry at offset %04x + 7 > limit)",
                 err >> 3, idt ? "IDT" : err & 4 ? "LDT" : "GDT", idt ? (err >> 3) * 8 : err & 0xFFF8);
        return;
    }
    if (r == -2) {
        snprintf(buf, len, "the table's page is not mapped now; the entry cannot be read");
        return;
    }
    unsigned type = (d[1] >> 8) & 0xF, s = (d[1] >> 12) & 1, dpl = (d[1] >> 13) & 3, p = (d[1] >> 15) & 1;
    int code = s && (type & 8), conforming = code && (type & 4), readable = code ? type & 2 : 1;
    int writable = s && !(type & 8) && (type & 2);
    (void)rpl;
    if (idt) {
        if (s || !(type == 5 || type == 6 || type == 7 || type == 14 || type == 15))
            snprintf(buf, len, "IDT entry %u is not an interrupt, trap or task gate", err >> 3);
        else if (!p)
            snprintf(buf, len, "the gate for vector %u is not present (P=0)", err >> 3);
        else if (k == LK_INT && !(err & 1) && dpl < cpl)
            snprintf(buf, len, "software interrupt through a gate with DPL %u < CPL %u", dpl, cpl);
        else
            snprintf(buf, len, "the gate is valid; the check was on its target code segment (or the event "
                               "came from outside: EXT=%u)", err & 1);
        return;
    }
    if (vec == EX_NP && !p) {
        snprintf(buf, len, "the descriptor is not present (P=0)");
        return;
    }
    if (vec == EX_SS && !p) {
        snprintf(buf, len, "the stack segment is not present (P=0)");
        return;
    }
    switch (k) {
    case LK_DATA:
        if (!s)
            snprintf(buf, len, "a system descriptor (type %u) cannot be loaded into a data segment register", type);
        else if (!readable)
            snprintf(buf, len, "an execute-only code segment cannot be loaded into a data segment register");
        else if (!conforming && dpl < cpl)
            snprintf(buf, len, "privilege: descriptor DPL %u < CPL %u (data and non-conforming code need "
                               "DPL >= max(CPL, RPL))", dpl, cpl);
        else if (!p)
            snprintf(buf, len, "the segment is not present (P=0)");
        else
            snprintf(buf, len, "DPL %u < the selector's RPL, or the table changed since", dpl);
        return;
    case LK_SS:
        if (!writable)
            snprintf(buf, len, "SS needs a writable data segment; this is %s", !s ? "a system descriptor"
                                                                                    : code ? "a code segment"
                                                                                           : "read-only data");
        else if (dpl != cpl)
            snprintf(buf, len, "privilege: SS needs DPL = CPL, here DPL %u and CPL %u", dpl, cpl);
        else if (!p)
            snprintf(buf, len, "the stack segment is not present (P=0)");
        else
            snprintf(buf, len, "SS needs RPL = CPL %u", cpl);
        return;
    case LK_CS:
        if (s && !code)
            snprintf(buf, len, "far transfer to a data segment (not code, a gate or a TSS)");
        else if (s && conforming && dpl > cpl)
            snprintf(buf, len, "privilege: conforming code with DPL %u > CPL %u", dpl, cpl);
        else if (s && !conforming && dpl != cpl)
            snprintf(buf, len, "privilege: non-conforming code needs DPL = CPL, here DPL %u and CPL %u "
                               "(use a call gate to change rings)", dpl, cpl);
        else if (!s && (type == 4 || type == 12 || type == 5) && dpl < cpl)
            snprintf(buf, len, "privilege: gate DPL %u < CPL %u", dpl, cpl);
        else if (!s && (type == 3 || type == 11))
            snprintf(buf, len, "jump or call to a busy TSS");
        else if (!s && (type == 1 || type == 9) && dpl < cpl)
            snprintf(buf, len, "privilege: TSS DPL %u < CPL %u", dpl, cpl);
        else if (!s && type != 1 && type != 9 && type != 4 && type != 12 && type != 5)
            snprintf(buf, len, "far transfer to a system descriptor of type %u (not a gate or TSS)", type);
        else if (!p)
            snprintf(buf, len, "the target is not present (P=0)");
        else
            snprintf(buf, len, "the selector's RPL > CPL %u, or a check on the gate's target failed", cpl);
        return;
    case LK_RET:
        snprintf(buf, len, "return to CS %04x: the return selector's RPL must be >= CPL %u and the code "
                           "segment's DPL must match it (descriptor DPL %u)", err & 0xFFFC, cpl, dpl);
        return;
    case LK_LTR:
        snprintf(buf, len, "%s", err & 4 ? "LTR needs a selector in the GDT"
                                 : s || (type != 1 && type != 9) ? "LTR needs an available TSS descriptor"
                                                                 : !p ? "the TSS is not present" : "?");
        return;
    case LK_LLDT:
        snprintf(buf, len, "%s", err & 4 ? "LLDT needs a selector in the GDT"
                                 : s || type != 2 ? "LLDT needs an LDT descriptor" : !p ? "the LDT is not present" : "?");
        return;
    default:
        snprintf(buf, len, "not worked out for this instruction; the entry is shown above");
        return;
    }
}

void mon_info_last_fault(struct mon *o)
{
    struct cpu *c = o->c;
    if (!c->last_exc_valid) {
        mon_pr(o, "no exception has been raised since the machine started\n");
        return;
    }
    unsigned v = c->last_exc_vec, err = c->last_exc_err;
    const char *name = mon_exc_name(v);
    mon_pr(o, "last exception: vector %u (%s) at %04x:%08x, instruction %llu\n", v, name ? name : "?",
           c->last_exc_cs, c->last_exc_eip, (unsigned long long)c->last_exc_icount);
    /* the faulting instruction, through the CS of the fault as the tables are now */
    uint32_t lin = (uint32_t)c->last_exc_cs * 16 + c->last_exc_eip;
    int code32 = 0, pm = cpu_pe(c) && !cpu_v86(c);
    unsigned cpl = pm ? c->last_exc_cs & 3 : 0;
    if (pm) {
        uint32_t d[2];
        int beyond;
        if (c->last_exc_cs == c->seg[SEG_CS].sel) {
            lin = c->seg[SEG_CS].base + c->last_exc_eip;
            code32 = c->code32;
        } else if (!read_entry(o, c->last_exc_cs, 0, d, &beyond)) {
            lin = ((d[0] >> 16) | ((d[1] & 0xFF) << 16) | (d[1] & 0xFF000000u)) + c->last_exc_eip;
            code32 = (d[1] >> 22) & 1;
        }
    }
    char ins[128];
    mon_disas_one(o, lin, code32, ins, sizeof(ins));
    mon_pr(o, "faulting instruction (linear %08x): %s\n", lin, ins);
    char why[256];
    if (v == EX_PF) {
        mon_pr(o, "error code %04x: P=%u (%s), W/R=%u (%s), U/S=%u (%s mode)%s%s\n", err, err & 1,
               err & 1 ? "protection violation on a present page" : "page not present", err >> 1 & 1,
               err & 2 ? "write" : "read", err >> 2 & 1, err & 4 ? "user" : "supervisor",
               err & 8 ? ", RSVD=1 (a reserved bit set in an entry)" : "",
               err & 16 ? ", I/D=1 (instruction fetch)" : "");
        mon_pf_reason(o, c->last_exc_cr2, err, why, sizeof(why));
        mon_pr(o, "check that failed: %s\n", why);
        mon_pr(o, "faulting linear address (CR2 then): %08x; its walk in the current tables:\n", c->last_exc_cr2);
        mon_translate(o, c->last_exc_cr2);
    } else if (v == EX_DF) {
        mon_pr(o, "error code %u (always 0); the first exception was lost in the second\n", err);
    } else if ((v >= EX_TS && v <= EX_GP) || v == EX_AC) {
        if (v == EX_AC || !err) {
            mon_pr(o, "error code 0: the check failed on no particular selector (a limit or privilege check "
                      "on a segment already loaded, a null selector, or a privileged instruction at CPL %u)\n",
                   cpl);
            return;
        }
        mon_pr(o, "error code %04x: EXT=%u (%s), IDT=%u, TI=%u (%s), index %u -> %s %04x\n", err, err & 1,
               err & 1 ? "an external event" : "the program itself", err >> 1 & 1, err >> 2 & 1,
               err & 4 ? "LDT" : "GDT", err >> 3, err & 2 ? "IDT vector" : "selector",
               err & 2 ? err >> 3 : err & 0xFFFC);
        uint32_t d[2];
        int beyond;
        int r = read_entry(o, err, err & 2, d, &beyond);
        if (!r) {
            char buf[200];
            mon_describe_desc(d[0], d[1], buf, sizeof(buf));
            mon_pr(o, "the entry now: %s\n", buf);
        }
        selector_check(o, v, err, ins, cpl, why, sizeof(why));
        mon_pr(o, "check that failed (CPL %u): %s\n", cpl, why);
    } else if (err) {
        mon_pr(o, "error code %08x\n", err);
    }
}

/* ---- info tss ---- */

void mon_info_tss(struct mon *o)
{
    struct cpu *c = o->c;
    const struct seg *tr = &c->seg[SEG_TR];
    if (!cpu_pe(c)) {
        mon_pr(o, "real mode: there is no current task (TR=%04x is not used)\n", tr->sel);
        return;
    }
    unsigned type = SA_TYPE(tr->attr);
    int is32 = type & 8;
    if (!(tr->sel & 0xFFFC) || (type != 1 && type != 3 && type != 9 && type != 11)) {
        mon_pr(o, "TR=%04x holds no TSS (LTR has not run)\n", tr->sel);
        return;
    }
    mon_pr(o, "TR=%04x: %s-bit TSS (%s), base=%08x limit=%08x, DPL=%u\n", tr->sel, is32 ? "32" : "16",
           type & 2 ? "busy" : "available", tr->base, tr->limit, SA_DPL(tr->attr));
    uint8_t t[0x68];
    size_t need = is32 ? 0x68 : 0x2C;
    memset(t, 0, sizeof(t));
    size_t got = monitor_read_linear(o->m, tr->base, t, need);
    if (got < need)
        mon_pr(o, "  (only %zu bytes readable: the TSS crosses an unmapped page)\n", got);
#define W16(off) ((unsigned)(t[off] | t[(off) + 1] << 8))
#define W32(off) ((uint32_t)t[off] | (uint32_t)t[(off) + 1] << 8 | (uint32_t)t[(off) + 2] << 16 | \
                  (uint32_t)t[(off) + 3] << 24)
    if (is32) {
        mon_pr(o, "  back link %04x%s\n", W16(0), c->eflags & F_NT ? " (EFLAGS.NT=1: IRET returns to it)" : "");
        for (int r = 0; r < 3; r++)
            mon_pr(o, "  ring %d stack SS%d:ESP%d = %04x:%08x\n", r, r, r, W16(8 + r * 8), W32(4 + r * 8));
        mon_pr(o, "  CR3=%08x EIP=%08x EFLAGS=%08x\n", W32(0x1C), W32(0x20), W32(0x24));
        mon_pr(o, "  EAX=%08x ECX=%08x EDX=%08x EBX=%08x\n  ESP=%08x EBP=%08x ESI=%08x EDI=%08x\n", W32(0x28),
               W32(0x2C), W32(0x30), W32(0x34), W32(0x38), W32(0x3C), W32(0x40), W32(0x44));
        mon_pr(o, "  ES=%04x CS=%04x SS=%04x DS=%04x FS=%04x GS=%04x LDT=%04x\n", W16(0x48), W16(0x4C), W16(0x50),
               W16(0x54), W16(0x58), W16(0x5C), W16(0x60));
        unsigned iomap = W16(0x66);
        mon_pr(o, "  (the registers are those saved when the CPU last switched away from this task)\n");
        mon_pr(o, "  T (trap on task switch)=%u, I/O map base=%04x: ", t[0x64] & 1, iomap);
        if (iomap > tr->limit)
            mon_pr(o, "beyond the limit, so no I/O bitmap: ports need CPL <= IOPL\n");
        else
            mon_pr(o, "the bitmap covers ports 0-%u (more need CPL <= IOPL)%s\n",
                   (tr->limit - iomap + 1) * 8 > 0x10000 ? 0xFFFFu : (tr->limit - iomap + 1) * 8 - 1,
                   c->cr4 & CR4_VME ? "; VME interrupt redirection bitmap at base - 32" : "");
    } else {
        mon_pr(o, "  back link %04x\n", W16(0));
        for (int r = 0; r < 3; r++)
            mon_pr(o, "  ring %d stack SS%d:SP%d = %04x:%04x\n", r, r, r, W16(4 + r * 4), W16(2 + r * 4));
        mon_pr(o, "  IP=%04x FLAGS=%04x AX=%04x CX=%04x DX=%04x BX=%04x SP=%04x BP=%04x SI=%04x DI=%04x\n",
               W16(0x0E), W16(0x10), W16(0x12), W16(0x14), W16(0x16), W16(0x18), W16(0x1A), W16(0x1C), W16(0x1E),
               W16(0x20));
        mon_pr(o, "  ES=%04x CS=%04x SS=%04x DS=%04x LDT=%04x (no CR3 and no I/O bitmap in a 16-bit TSS)\n",
               W16(0x22), W16(0x24), W16(0x26), W16(0x28), W16(0x2A));
    }
#undef W16
#undef W32
}

/* ---- info irq ---- */

static void handler_of(struct mon *o, unsigned vec, char *buf, size_t len)
{
    struct cpu *c = o->c;
    if (cpu_real(c)) {
        uint16_t e[2] = { 0, 0 };
        if (vec * 4 + 3 > c->idtr.limit || monitor_read_linear(o->m, c->idtr.base + vec * 4, e, 4) != 4)
            snprintf(buf, len, "(beyond the IVT)");
        else
            snprintf(buf, len, "%04x:%04x (IVT, linear %05x)", e[1], e[0], e[1] * 16u + e[0]);
        return;
    }
    uint32_t d[2];
    int beyond;
    int r = read_entry(o, vec << 3, 1, d, &beyond);
    if (r) {
        snprintf(buf, len, r == -1 ? "(beyond the IDT limit)" : "(IDT not mapped)");
        return;
    }
    unsigned type = (d[1] >> 8) & 0x1F, p = (d[1] >> 15) & 1;
    uint16_t sel = (uint16_t)(d[0] >> 16);
    uint32_t off = (d[0] & 0xFFFF) | (d[1] & 0xFFFF0000u);
    if (type == 5)
        snprintf(buf, len, "task gate -> TSS %04x%s", sel, p ? "" : " NOT present");
    else if (type == 14 || type == 15)
        snprintf(buf, len, "%04x:%08x (32-bit %s gate, DPL %u)%s", sel, off, type == 14 ? "interrupt" : "trap",
                 (d[1] >> 13) & 3, p ? "" : " NOT present");
    else if (type == 6 || type == 7)
        snprintf(buf, len, "%04x:%04x (16-bit %s gate, DPL %u)%s", sel, off & 0xFFFF,
                 type == 6 ? "interrupt" : "trap", (d[1] >> 13) & 3, p ? "" : " NOT present");
    else
        snprintf(buf, len, "(IDT entry is no gate: %08x %08x)", d[1], d[0]);
}

void mon_info_irq(struct mon *o)
{
    const struct pic *p = &o->m->pic;
    static const char *const st[3] = { "", " (initialisation unfinished)", " (never initialised: no ICW1)" };
    int s0 = p->chip[0].init_step ? 1 : !p->chip[0].icw1 ? 2 : 0, s1 = p->chip[1].init_step ? 1 : !p->chip[1].icw1 ? 2 : 0;
    mon_pr(o, "8259A master: vectors %02x-%02x%s, slave: vectors %02x-%02x%s; INT to the CPU: %u, IF=%u\n",
           p->chip[0].vbase, p->chip[0].vbase + 7, st[s0], p->chip[1].vbase, p->chip[1].vbase + 7, st[s1],
           p->int_out, (o->c->eflags & F_IF) ? 1 : 0);
    mon_pr(o, "IRQ input IRR ISR IMR trigger vector delivered  handler\n");
    for (unsigned n = 0; n < 16; n++) {
        const struct pic_chip *ch = &p->chip[n >> 3];
        unsigned b = n & 7;
        unsigned vec = (unsigned)(ch->vbase + b) & 0xFF;
        char h[128];
        if (n == 2) {
            mon_pr(o, "%3u %5u %3u %3u %3u %-7s   --   %9u  cascade from the slave (IRQ 8-15)\n", n,
                   ch->level >> b & 1, ch->irr >> b & 1, ch->isr >> b & 1, ch->imr >> b & 1, "edge", p->acked[n]);
            continue;
        }
        handler_of(o, vec, h, sizeof(h));
        mon_pr(o, "%3u %5u %3u %3u %3u %-7s   %02x   %9u  %s%s\n", n, ch->level >> b & 1, ch->irr >> b & 1,
               ch->isr >> b & 1, ch->imr >> b & 1, ch->elcr >> b & 1 ? "level" : "edge", vec, p->acked[n], h,
               n >= 8 && (p->chip[0].imr & 4) ? " [IRQ2 masked on the master]" : "");
    }
}

/* ---- devices from their state tables ---- */

#define MAX_DEVS 32

static uint64_t field_get(const void *obj, const struct state_field *f, uint32_t i)
{
    size_t w = state_type_size(f->type);
    uint64_t v = 0;
    memcpy(&v, (const uint8_t *)obj + f->offset + i * w, w); /* little-endian host */
    return v;
}

static void dump_device(struct mon *o, const struct machine_device *d)
{
    mon_pr(o, "%s (state table '%s', version %u)\n", d->name, d->state->name, d->state->version);
    char line[1024] = "";
    size_t used = 0;
    for (const struct state_field *f = d->state->fields; f->name; f++) {
        char item[600];
        int n = snprintf(item, sizeof(item), "%s=", f->name);
        int digits = f->type == ST_BYTES ? 2 : (int)state_type_size(f->type) * 2;
        int list = f->count > 1 || f->type == ST_BYTES;
        if (list)
            n += snprintf(item + n, sizeof(item) - (size_t)n, "[");
        for (uint32_t i = 0; i < f->count; i++) {
            if (n > (int)sizeof(item) - 40) {
                n += snprintf(item + n, sizeof(item) - (size_t)n, "...");
                break;
            }
            n += snprintf(item + n, sizeof(item) - (size_t)n, "%s%0*llx", i && f->type != ST_BYTES ? " " : "",
                          digits, (unsigned long long)field_get(d->obj, f, i));
        }
        if (list)
            snprintf(item + n, sizeof(item) - (size_t)n, "]");
        /* several name=value items a line, up to about 100 columns */
        if (used && used + strlen(item) + 1 > 100) {
            mon_pr(o, " %s\n", line);
            used = 0;
        }
        used += (size_t)snprintf(line + used, sizeof(line) - used, " %s", item);
        if (used >= sizeof(line))
            used = sizeof(line) - 1;
    }
    if (used)
        mon_pr(o, " %s\n", line);
}

int mon_info_device(struct mon *o, const char *name)
{
    struct machine_device d[MAX_DEVS];
    int n = machine_devices(o->m, d, MAX_DEVS);
    if (!strcmp(name, "uart"))
        name = "com1";
    for (int k = 0; k < n && k < MAX_DEVS; k++)
        if (!strcmp(d[k].name, name)) {
            dump_device(o, &d[k]);
            return 0;
        }
    return -1;
}

void mon_device_names(struct mon *o, char *buf, size_t len)
{
    struct machine_device d[MAX_DEVS];
    int n = machine_devices(o->m, d, MAX_DEVS);
    size_t used = 0;
    buf[0] = 0;
    for (int k = 0; k < n && k < MAX_DEVS && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? ", " : "", d[k].name);
}
