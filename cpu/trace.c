/*
 * trace.c - the -d trace categories, written to the -D file (stderr when no
 * file is given): in_asm disassembles each executed instruction with capstone,
 * int logs interrupts and exceptions, io logs port accesses (hooked by the
 * board), cpu dumps the registers before each instruction.  Filter items in
 * the same list (range=, cpl=, vec=) narrow every category (see trace.h).
 */
#include <capstone/capstone.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/trace.h"
#include "machine/memmap.h"

static const struct {
    const char *name;
    unsigned flag;
    const char *help;
} cats[] = {
    { "in_asm", TRACE_INSN, "each executed instruction, disassembled" },
    { "int", TRACE_INT, "interrupts, exceptions, faults and resets" },
    { "io", TRACE_IO, "port I/O reads and writes" },
    { "cpu", TRACE_CPU, "CPU registers before each instruction" },
};

/* A filter item (range=, cpl=, vec= or a bare number continuing vec=)? */
static int is_filter_item(const char *p, size_t n, int after_vec)
{
    if ((n > 6 && !strncmp(p, "range=", 6)) || (n > 4 && !strncmp(p, "cpl=", 4)) || (n > 4 && !strncmp(p, "vec=", 4)))
        return 1;
    return after_vec && n && isdigit((unsigned char)*p);
}

int trace_parse(const char *list, unsigned *flags, char *err, size_t errlen)
{
    *flags = 0;
    const char *p = list;
    int after_vec = 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        unsigned k, found = 0;
        if (is_filter_item(p, n, after_vec)) {
            after_vec = after_vec || (n > 4 && !strncmp(p, "vec=", 4));
            p += n;
            if (*p == ',')
                p++;
            continue;
        }
        after_vec = 0;
        if (n == 3 && !strncmp(p, "all", 3)) {
            *flags |= TRACE_INSN | TRACE_INT | TRACE_IO | TRACE_CPU;
            found = 1;
        }
        for (k = 0; k < sizeof(cats) / sizeof(cats[0]) && !found; k++)
            if (strlen(cats[k].name) == n && !strncmp(p, cats[k].name, n)) {
                *flags |= cats[k].flag;
                found = 1;
            }
        if (!found) {
            snprintf(err, errlen, "unknown trace category '%.*s' (known: in_asm, int, io, cpu, all)", (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

const char *trace_help(void)
{
    return "in_asm (instructions), int (interrupts/exceptions), io (port I/O), cpu (registers), all;\n"
           "                      filters: range=LO-HI (linear PC, hex), cpl=N, vec=N[:M...] (int)";
}

/* A number: 0x.. hex, else decimal (hex_default: hex without the prefix too). */
static int num(const char *p, size_t n, int hex_default, unsigned long long max, unsigned long long *out)
{
    char buf[40];
    if (!n || n >= sizeof(buf))
        return -1;
    memcpy(buf, p, n);
    buf[n] = 0;
    char *end;
    int base = hex_default || (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) ? 16 : 10;
    if (!isxdigit((unsigned char)buf[0]))
        return -1;
    *out = strtoull(buf, &end, base);
    return *end || *out > max ? -1 : 0;
}

static int add_vecs(struct trace_filter *f, const char *p, size_t n)
{
    while (n) {
        size_t k = 0;
        while (k < n && p[k] != ':')
            k++;
        unsigned long long v;
        if (num(p, k, 0, 255, &v))
            return -1;
        f->vec[v >> 3] |= (uint8_t)(1u << (v & 7));
        f->nvec++;
        p += k;
        n -= k;
        if (n) {
            p++;
            n--;
            if (!n)
                return -1;
        }
    }
    return 0;
}

static int add_range(struct trace_filter *f, const char *p, size_t n)
{
    size_t k = 0;
    int kind = 0; /* 1 LO-HI, 2 LO..HI, 3 BASE+LEN */
    for (; k < n; k++) {
        if (p[k] == '-') { kind = 1; break; }
        if (p[k] == '+') { kind = 3; break; }
        if (p[k] == '.' && k + 1 < n && p[k + 1] == '.') { kind = 2; break; }
    }
    unsigned long long lo, hi;
    size_t skip = kind == 2 ? 2 : 1;
    if (!kind || f->nranges == TRACE_MAX_RANGES || num(p, k, 1, 0xFFFFFFFFull, &lo) ||
        num(p + k + skip, n - k - skip, 1, 0xFFFFFFFFull, &hi))
        return -1;
    if (kind == 3) {
        if (!hi || lo + hi - 1 > 0xFFFFFFFFull)
            return -1;
        hi = lo + hi - 1;
    }
    if (hi < lo)
        return -1;
    f->lo[f->nranges] = (uint32_t)lo;
    f->hi[f->nranges++] = (uint32_t)hi;
    return 0;
}

int trace_set_filter(struct trace *t, const char *list, char *err, size_t errlen)
{
    struct trace_filter *f = &t->filter;
    memset(f, 0, sizeof(*f));
    f->cpl = -1;
    const char *p = list;
    int after_vec = 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        int bad = 0;
        if (n > 6 && !strncmp(p, "range=", 6)) {
            bad = add_range(f, p + 6, n - 6);
            after_vec = 0;
        } else if (n > 4 && !strncmp(p, "cpl=", 4)) {
            unsigned long long v;
            bad = num(p + 4, n - 4, 0, 3, &v);
            f->cpl = (int)v;
            after_vec = 0;
        } else if (n > 4 && !strncmp(p, "vec=", 4)) {
            bad = add_vecs(f, p + 4, n - 4);
            after_vec = 1;
        } else if (after_vec && n && isdigit((unsigned char)*p)) {
            bad = add_vecs(f, p, n);
        } else {
            after_vec = 0;
        }
        if (bad) {
            snprintf(err, errlen, "-d: bad filter '%.*s' (range=LO-HI in hex, at most %d ranges; cpl=0-3; "
                     "vec=N[:M...] with vectors 0-255)", (int)n, p, TRACE_MAX_RANGES);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    t->filtered = f->nranges || f->cpl >= 0 || f->nvec;
    return 0;
}

int trace_pass(const struct cpu *c, int vec)
{
    const struct trace_filter *f = &c->trace->filter;
    if (f->cpl >= 0 && c->cpl != f->cpl)
        return 0;
    if (vec >= 0 && f->nvec && !(f->vec[vec >> 3] >> (vec & 7) & 1))
        return 0;
    if (f->nranges) {
        uint32_t pc = c->seg[SEG_CS].base + c->eip_start;
        for (int k = 0; k < f->nranges; k++)
            if (pc >= f->lo[k] && pc <= f->hi[k])
                return 1;
        return 0;
    }
    return 1;
}

struct trace *trace_open(FILE *out, unsigned flags)
{
    struct trace *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->out = out;
    t->flags = flags;
    return t;
}

void trace_close(struct trace *t)
{
    if (!t)
        return;
    if (t->cs_ok) {
        csh h16 = (csh)(uintptr_t)t->cs_handle16, h32 = (csh)(uintptr_t)t->cs_handle32;
        cs_close(&h16);
        cs_close(&h32);
    }
    free(t);
}

void trace_event_v(struct cpu *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(c->trace->out, "[%llu] ", (unsigned long long)c->icount);
    vfprintf(c->trace->out, fmt, ap);
    fputc('\n', c->trace->out);
    va_end(ap);
}

void trace_cpu_state(struct cpu *c)
{
    FILE *o = c->trace->out;
    fprintf(o, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n",
            c->r[R_EAX], c->r[R_EBX], c->r[R_ECX], c->r[R_EDX], c->r[R_ESI], c->r[R_EDI], c->r[R_EBP],
            c->r[R_ESP]);
    fprintf(o, "EIP=%08x EFL=%08x CPL=%d CR0=%08x CR3=%08x CS=%04x SS=%04x DS=%04x ES=%04x FS=%04x GS=%04x\n",
            c->eip, cpu_get_eflags(c), c->cpl, c->cr0, c->cr3, c->seg[SEG_CS].sel, c->seg[SEG_SS].sel,
            c->seg[SEG_DS].sel, c->seg[SEG_ES].sel, c->seg[SEG_FS].sel, c->seg[SEG_GS].sel);
}

void trace_insn(struct cpu *c, const uint8_t *bytes, int len)
{
    struct trace *t = c->trace;
    if (t->filtered && !trace_pass(c, -1))
        return;
    if (t->flags & TRACE_CPU)
        trace_cpu_state(c);
    if (!(t->flags & TRACE_INSN))
        return;
    uint8_t buf[16];
    if (!bytes) {
        uint32_t lin = c->seg[SEG_CS].base + c->eip_start, phys;
        for (int k = 0; k < len && k < 16; k++) {
            buf[k] = 0;
            if (!cpu_probe(c, lin + (uint32_t)k, &phys))
                buf[k] = (uint8_t)memmap_read(c->mem, phys, 1);
        }
        bytes = buf;
    }
    if (!t->cs_ok) {
        csh h16, h32;
        if (cs_open(CS_ARCH_X86, CS_MODE_16, &h16) == CS_ERR_OK && cs_open(CS_ARCH_X86, CS_MODE_32, &h32) == CS_ERR_OK) {
            t->cs_handle16 = (void *)(uintptr_t)h16;
            t->cs_handle32 = (void *)(uintptr_t)h32;
            t->cs_ok = 1;
        } else {
            t->cs_ok = -1;
        }
    }
    fprintf(t->out, "%04x:%08x ", c->seg[SEG_CS].sel, c->eip_start);
    for (int k = 0; k < len && k < 16; k++)
        fprintf(t->out, "%02x", bytes[k]);
    fprintf(t->out, "%*s", 2 * (12 - (len < 12 ? len : 12)) + 1, " ");
    if (t->cs_ok == 1) {
        csh h = (csh)(uintptr_t)(c->code32 ? t->cs_handle32 : t->cs_handle16);
        cs_insn *ins;
        size_t n = cs_disasm(h, bytes, (size_t)len, c->eip_start, 1, &ins);
        if (n) {
            fprintf(t->out, "%s %s\n", ins[0].mnemonic, ins[0].op_str);
            cs_free(ins, n);
            return;
        }
    }
    fprintf(t->out, "(bad)\n");
}
