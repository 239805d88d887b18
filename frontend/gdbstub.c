/*
 * gdbstub.c - the GDB remote serial protocol stub (GDB manual, appendix E
 * "Remote Serial Protocol") and the run loop that serves it and the stdio
 * monitor between slices of guest time.
 *
 * One client at a time over TCP; after it detaches or disconnects the stub
 * accepts the next.  Breakpoints never patch guest memory: while any exists,
 * cpu->dbg_insn sends each instruction through the CPU's slow path, which
 * asks insn_hook() about its linear PC first.  Watchpoints ride on the
 * data-breakpoint check of the memory access path (bit 1 of cpu->dr_data,
 * kept apart from the guest's DR0-7) and cost nothing while none is set.
 * With neither, the guest runs at full speed in slices of DEBUG_SLICE_NS and
 * the stub only polls its sockets between slices.
 *
 * The PC reported as eip: in real and virtual-8086 mode the linear address
 * CS.base + IP (so `break *0x7c00` and `x/i $pc` mean what they say); in
 * protected mode EIP itself.  Breakpoint addresses are always linear, memory
 * addresses (m, M, X) are linear and go through the current page tables.
 * See docs/debugging.md.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "frontend/gdbstub.h"
#include "frontend/monchan.h"
#include "frontend/monitor.h"
#include "machine/machine.h"

#define PKT_MAX 4096                 /* PacketSize we announce */
#define DEBUG_SLICE_NS 1000000ull    /* 1 ms of virtual time between socket polls */
#define MAX_BP 64
#define MAX_WP 32

struct bp { uint32_t addr; uint8_t hw; };
struct wp { uint32_t addr, len; uint8_t type; }; /* type: 2 write, 3 read, 4 access */

struct stub {
    struct machine *m;
    struct cpu *c;
    int lfd, cfd;
    int noack;
    int stopped;          /* the machine is not running */
    int gdb_waiting;      /* gdb sent c/s and waits for a stop reply */
    int quit, status;
    /* packet reader */
    int rstate;           /* 0 idle, 1 data, 2 first checksum digit, 3 second */
    char pkt[PKT_MAX + 1];
    size_t plen;
    int overflow;
    uint8_t sum, ck;
    char last[PKT_MAX * 2 + 8];
    size_t last_len;
    int resends;
    /* breakpoints and watchpoints */
    struct bp bp[MAX_BP];
    int nbp;
    struct wp wp[MAX_WP];
    int nwp;
    uint64_t resume_icount;
    uint32_t resume_lin;
    /* the last stop */
    int stop_sig;         /* 5 TRAP, 2 INT */
    int stop_kind;        /* 0 none/step, 1 swbreak, 2 hwbreak, 3 watch, 4 rwatch, 5 awatch */
    uint32_t stop_addr;
    /* the monitor's connection (stdio or TCP) */
    struct monchan mc;
};

/* ---- breakpoint hooks (called from the CPU's execution loop) ---- */

static uint32_t linear_pc(const struct cpu *c) { return c->seg[SEG_CS].base + c->eip; }

static int insn_hook(void *opaque, struct cpu *c)
{
    struct stub *s = opaque;
    uint32_t lin = linear_pc(c);
    if (c->icount == s->resume_icount && lin == s->resume_lin)
        return 0; /* resuming from this very address: step off it first */
    for (int k = 0; k < s->nbp; k++)
        if (s->bp[k].addr == lin) {
            s->stop_sig = 5;
            s->stop_kind = s->bp[k].hw ? 2 : 1;
            return 1;
        }
    return 0;
}

static void data_hook(void *opaque, struct cpu *c, uint32_t lin, int size, int write)
{
    struct stub *s = opaque;
    if (c->dbg_stop)
        return;
    uint32_t last = lin + (uint32_t)size - 1;
    for (int k = 0; k < s->nwp; k++) {
        struct wp *w = &s->wp[k];
        if ((w->type == 2 && !write) || (w->type == 3 && write))
            continue;
        if (lin <= w->addr + w->len - 1 && last >= w->addr) {
            s->stop_sig = 5;
            s->stop_kind = w->type + 1;
            s->stop_addr = w->addr;
            c->dbg_stop = 1;   /* the instruction completes, then the loop returns */
            c->stop_block = 1;
            return;
        }
    }
}

static void update_hooks(struct stub *s)
{
    struct cpu *c = s->c;
    c->dbg_opaque = s;
    c->dbg_insn_hook = insn_hook;
    c->dbg_data_hook = data_hook;
    c->dbg_insn = s->nbp > 0;
    c->dr_data = (uint8_t)((c->dr_data & 1) | (s->nwp > 0 ? 2 : 0));
}

/* ---- registers ---- */

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
#define NREGS ((int)(sizeof(regs) / sizeof(regs[0])))
#define FIRST_SYS 32

/* gdb's segment-register order, as indices into cpu->seg. */
static const int seg_order[6] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };

static void put32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}
static uint32_t get32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Register n into out (little endian); returns its size in bytes. */
static int reg_get(struct cpu *c, int n, uint8_t *out)
{
    uint32_t v = 0;
    if (n < 8)
        v = c->r[n];
    else if (n == 8)
        v = cpu_pe(c) && !cpu_v86(c) ? c->eip : linear_pc(c);
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
    put32(out, v);
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

static int reg_set(struct stub *s, int n, const uint8_t *in)
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
    else if (n == 8)
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
    else if (n < NREGS) {
        if (v != (n == 54 ? c->seg[SEG_LDTR].sel : c->seg[SEG_TR].sel))
            return -1; /* LDTR and TR are read-only here */
    } else
        return -1;
    cpu_update_mode(c);
    c->stop_block = 1;
    return 0;
}

/* ---- target description ---- */

static char target_xml[8192];
static size_t target_xml_len;

static void build_target_xml(void)
{
    static const char *const eflags_bits[] = { "CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF",
                                               "", "", "NT", "", "RF", "VM", "AC", "VIF", "VIP", "ID" };
    size_t n = 0, cap = sizeof(target_xml);
    n += (size_t)snprintf(target_xml + n, cap - n,
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                          "<target version=\"1.0\">\n<architecture>i386</architecture>\n"
                          "<feature name=\"org.gnu.gdb.i386.core\">\n<flags id=\"i386_eflags\" size=\"4\">\n");
    for (int k = 0; k < 22; k++)
        if (eflags_bits[k][0])
            n += (size_t)snprintf(target_xml + n, cap - n, "<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n",
                                  eflags_bits[k], k, k);
    n += (size_t)snprintf(target_xml + n, cap - n, "</flags>\n");
    for (int k = 0; k < NREGS; k++) {
        if (k == FIRST_SYS)
            n += (size_t)snprintf(target_xml + n, cap - n, "</feature>\n<feature name=\"org.tarsier.x86.system\">\n");
        n += (size_t)snprintf(target_xml + n, cap - n, "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"%s%s%s/>\n",
                              regs[k].name, regs[k].bits, regs[k].type, k, regs[k].group ? " group=\"" : "",
                              regs[k].group ? regs[k].group : "", regs[k].group ? "\"" : "");
    }
    n += (size_t)snprintf(target_xml + n, cap - n, "</feature>\n</target>\n");
    target_xml_len = n < cap ? n : cap - 1;
}

/* ---- packet output ---- */

static const char hexd[] = "0123456789abcdef";

static void drop_client(struct stub *s);

static void send_raw(struct stub *s, const char *p, size_t len)
{
    while (s->cfd >= 0 && len) {
        ssize_t w = send(s->cfd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            drop_client(s);
            return;
        }
        p += w;
        len -= (size_t)w;
    }
}

/* Send a packet; binary data is escaped ($ # } * get } and XOR 0x20). */
static void send_pkt_bin(struct stub *s, const char *data, size_t len)
{
    size_t n = 0;
    uint8_t sum = 0;
    s->last[n++] = '$';
    for (size_t k = 0; k < len && n < sizeof(s->last) - 6; k++) {
        char ch = data[k];
        if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
            s->last[n++] = '}';
            sum += '}';
            ch ^= 0x20;
        }
        s->last[n++] = ch;
        sum += (uint8_t)ch;
    }
    s->last[n++] = '#';
    s->last[n++] = hexd[sum >> 4];
    s->last[n++] = hexd[sum & 15];
    s->last_len = n;
    s->resends = 0;
    send_raw(s, s->last, n);
}

static void send_pkt(struct stub *s, const char *text) { send_pkt_bin(s, text, strlen(text)); }

static void send_stop(struct stub *s)
{
    char buf[96];
    int n = snprintf(buf, sizeof(buf), "T%02xthread:1;", s->stop_sig);
    if (s->stop_kind == 1)
        snprintf(buf + n, sizeof(buf) - (size_t)n, "swbreak:;");
    else if (s->stop_kind == 2)
        snprintf(buf + n, sizeof(buf) - (size_t)n, "hwbreak:;");
    else if (s->stop_kind >= 3)
        snprintf(buf + n, sizeof(buf) - (size_t)n, "%s:%x;",
                 s->stop_kind == 3 ? "watch" : s->stop_kind == 4 ? "rwatch" : "awatch", s->stop_addr);
    send_pkt(s, buf);
    s->gdb_waiting = 0;
}

/* ---- packet parsing helpers ---- */

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Parse a hex number at *p (at most 8 digits), advancing *p. */
static int parse_hex(const char **p, const char *end, uint32_t *out)
{
    uint32_t v = 0;
    int digits = 0;
    while (*p < end && hexval(**p) >= 0) {
        if (++digits > 8)
            return -1;
        v = v << 4 | (uint32_t)hexval(**p);
        (*p)++;
    }
    *out = v;
    return digits ? 0 : -1;
}

static int decode_hex(const char *p, size_t nhex, uint8_t *out)
{
    for (size_t k = 0; k < nhex / 2; k++) {
        int a = hexval(p[2 * k]), b = hexval(p[2 * k + 1]);
        if (a < 0 || b < 0)
            return -1;
        out[k] = (uint8_t)(a << 4 | b);
    }
    return 0;
}

/* ---- monitor glue ---- */

struct outbuf { char buf[16384]; size_t len; };

static void outbuf_add(void *opaque, const char *text)
{
    struct outbuf *o = opaque;
    size_t n = strlen(text);
    if (n > sizeof(o->buf) - 1 - o->len)
        n = sizeof(o->buf) - 1 - o->len;
    memcpy(o->buf + o->len, text, n);
    o->len += n;
    o->buf[o->len] = 0;
}

static void do_rcmd(struct stub *s, const char *hex, size_t len)
{
    char cmd[512];
    if (len % 2 || len / 2 >= sizeof(cmd) || decode_hex(hex, len, (uint8_t *)cmd)) {
        send_pkt(s, "E01");
        return;
    }
    cmd[len / 2] = 0;
    struct outbuf *o = calloc(1, sizeof(*o));
    if (!o) {
        send_pkt(s, "E01");
        return;
    }
    enum monitor_action a = monitor_exec(s->m, cmd, outbuf_add, o);
    if (a == MON_STOP)
        outbuf_add(o, "the machine is already stopped\n");
    else if (a == MON_CONT || a == MON_STEP)
        outbuf_add(o, "from gdb, use its continue / stepi commands\n");
    /* output in O packets of up to 512 bytes (hex-encoded) */
    for (size_t off = 0; off < o->len; off += 512) {
        char pk[1 + 1024 + 1];
        size_t n = o->len - off < 512 ? o->len - off : 512, j = 0;
        pk[j++] = 'O';
        for (size_t k = 0; k < n; k++) {
            pk[j++] = hexd[(uint8_t)o->buf[off + k] >> 4];
            pk[j++] = hexd[(uint8_t)o->buf[off + k] & 15];
        }
        pk[j] = 0;
        send_pkt(s, pk);
    }
    free(o);
    send_pkt(s, "OK");
    if (a == MON_QUIT) {
        s->quit = 1;
        s->status = 0;
    }
}

/* ---- commands ---- */

static void resume(struct stub *s)
{
    s->resume_icount = s->c->icount;
    s->resume_lin = linear_pc(s->c);
    s->stopped = 0;
    s->stop_kind = 0;
}

/* Run exactly one instruction (or deliver one event and run its first). */
static int step_one(struct stub *s)
{
    struct machine *m = s->m;
    resume(s);
    s->stop_sig = 5;
    int st = machine_run_until(m, machine_now(m) + m->clock.ns_per_insn);
    s->c->dbg_stop = 0;
    s->stopped = 1;
    return st;
}

static void finish(struct stub *s, int status)
{
    s->quit = 1;
    s->status = status;
    if (s->cfd >= 0) {
        char buf[8];
        snprintf(buf, sizeof(buf), "W%02x", status & 0xFF);
        send_pkt(s, buf);
    }
}

static void clear_points(struct stub *s)
{
    s->nbp = 0;
    s->nwp = 0;
    update_hooks(s);
}

static void do_point(struct stub *s, const char *p, const char *end)
{
    int insert = *p++ == 'Z';
    uint32_t type, addr, kind;
    if (parse_hex(&p, end, &type) || p >= end || *p++ != ',' || parse_hex(&p, end, &addr) || p >= end ||
        *p++ != ',' || parse_hex(&p, end, &kind) || type > 4) {
        send_pkt(s, "E01");
        return;
    }
    if (type <= 1) {
        int k;
        for (k = 0; k < s->nbp; k++)
            if (s->bp[k].addr == addr && s->bp[k].hw == type)
                break;
        if (insert && k == s->nbp) {
            if (s->nbp == MAX_BP) {
                send_pkt(s, "E0e");
                return;
            }
            s->bp[s->nbp].addr = addr;
            s->bp[s->nbp++].hw = (uint8_t)type;
        } else if (!insert && k < s->nbp) {
            s->bp[k] = s->bp[--s->nbp];
        }
    } else {
        if (kind == 0 || kind > 0x10000) {
            send_pkt(s, "E01");
            return;
        }
        int k;
        for (k = 0; k < s->nwp; k++)
            if (s->wp[k].addr == addr && s->wp[k].len == kind && s->wp[k].type == type)
                break;
        if (insert && k == s->nwp) {
            if (s->nwp == MAX_WP) {
                send_pkt(s, "E0e");
                return;
            }
            s->wp[s->nwp].addr = addr;
            s->wp[s->nwp].len = kind;
            s->wp[s->nwp++].type = (uint8_t)type;
        } else if (!insert && k < s->nwp) {
            s->wp[k] = s->wp[--s->nwp];
        }
    }
    update_hooks(s);
    send_pkt(s, "OK");
}

static void do_continue(struct stub *s, int step, const char *addr, const char *end)
{
    uint32_t a;
    if (addr < end && *addr != ';') {
        if (parse_hex(&addr, end, &a)) {
            send_pkt(s, "E01");
            return;
        }
        uint8_t b[4];
        put32(b, a);
        reg_set(s, 8, b);
    }
    s->gdb_waiting = 1;
    if (step) {
        int st = step_one(s);
        if (st != MACHINE_RUNNING)
            finish(s, st);
        else
            send_stop(s);
    } else {
        resume(s);
    }
}

static void do_mem(struct stub *s, char op, const char *p, const char *end)
{
    uint32_t addr, len;
    if (parse_hex(&p, end, &addr) || p >= end || *p++ != ',' || parse_hex(&p, end, &len)) {
        send_pkt(s, "E01");
        return;
    }
    if (op == 'm') {
        static uint8_t buf[PKT_MAX / 2];
        static char hex[PKT_MAX + 1];
        if (len > sizeof(buf))
            len = sizeof(buf);
        size_t got = monitor_read_linear(s->m, addr, buf, len);
        if (!got && len) {
            send_pkt(s, "E14");
            return;
        }
        for (size_t k = 0; k < got; k++) {
            hex[2 * k] = hexd[buf[k] >> 4];
            hex[2 * k + 1] = hexd[buf[k] & 15];
        }
        hex[2 * got] = 0;
        send_pkt(s, hex);
        return;
    }
    if (p >= end || *p++ != ':') {
        send_pkt(s, "E01");
        return;
    }
    static uint8_t data[PKT_MAX];
    size_t n = 0;
    if (op == 'M') {
        if ((size_t)(end - p) != (size_t)len * 2 || len > sizeof(data) || decode_hex(p, (size_t)len * 2, data)) {
            send_pkt(s, "E01");
            return;
        }
        n = len;
    } else { /* X: binary, } escapes */
        while (p < end && n < sizeof(data)) {
            uint8_t ch = (uint8_t)*p++;
            if (ch == '}') {
                if (p >= end)
                    break;
                ch = (uint8_t)(*p++ ^ 0x20);
            }
            data[n++] = ch;
        }
        if (n != len) {
            send_pkt(s, "E01");
            return;
        }
    }
    if (monitor_write_linear(s->m, addr, data, n) != n)
        send_pkt(s, "E14");
    else
        send_pkt(s, "OK");
}

static void do_xfer(struct stub *s, const char *p, const char *end)
{
    static const char prefix[] = "qXfer:features:read:target.xml:";
    uint32_t off, len;
    if ((size_t)(end - p) < sizeof(prefix) - 1 || memcmp(p, prefix, sizeof(prefix) - 1)) {
        send_pkt(s, "E00");
        return;
    }
    p += sizeof(prefix) - 1;
    if (parse_hex(&p, end, &off) || p >= end || *p++ != ',' || parse_hex(&p, end, &len)) {
        send_pkt(s, "E01");
        return;
    }
    if (off > target_xml_len) {
        send_pkt(s, "E01");
        return;
    }
    if (len > PKT_MAX / 2)
        len = PKT_MAX / 2;
    size_t n = target_xml_len - off < len ? target_xml_len - off : len;
    static char buf[PKT_MAX];
    buf[0] = off + n < target_xml_len ? 'm' : 'l';
    memcpy(buf + 1, target_xml + off, n);
    send_pkt_bin(s, buf, n + 1);
}

static int starts(const char *p, size_t len, const char *word)
{
    size_t n = strlen(word);
    return len >= n && !memcmp(p, word, n);
}

static void handle_packet(struct stub *s, const char *p, size_t len)
{
    const char *end = p + len;
    struct cpu *c = s->c;
    if (!len) {
        send_pkt(s, "");
        return;
    }
    switch (p[0]) {
    case '?':
        send_stop(s);
        return;
    case 'g': {
        static char hex[1024];
        size_t n = 0;
        for (int k = 0; k < NREGS; k++) {
            uint8_t b[10];
            int sz = reg_get(c, k, b);
            for (int j = 0; j < sz; j++) {
                hex[n++] = hexd[b[j] >> 4];
                hex[n++] = hexd[b[j] & 15];
            }
        }
        hex[n] = 0;
        send_pkt(s, hex);
        return;
    }
    case 'G': {
        const char *q = p + 1;
        int bad = 0;
        for (int k = 0; k < NREGS && q < end; k++) {
            uint8_t b[10], cur[10];
            int sz = reg_get(c, k, cur);
            if (end - q < 2 * sz || decode_hex(q, (size_t)sz * 2, b)) {
                bad = 1;
                break;
            }
            if (memcmp(b, cur, (size_t)sz) && reg_set(s, k, b))
                bad = 1;
            q += 2 * sz;
        }
        send_pkt(s, bad ? "E01" : "OK");
        return;
    }
    case 'p': case 'P': {
        const char *q = p + 1;
        uint32_t n;
        uint8_t b[10];
        if (parse_hex(&q, end, &n) || n >= (uint32_t)NREGS) {
            send_pkt(s, "E01");
            return;
        }
        int sz = reg_get(c, (int)n, b);
        if (p[0] == 'p') {
            char hex[24];
            for (int j = 0; j < sz; j++) {
                hex[2 * j] = hexd[b[j] >> 4];
                hex[2 * j + 1] = hexd[b[j] & 15];
            }
            hex[2 * sz] = 0;
            send_pkt(s, hex);
            return;
        }
        if (q >= end || *q++ != '=' || end - q != 2 * sz || decode_hex(q, (size_t)sz * 2, b) ||
            reg_set(s, (int)n, b))
            send_pkt(s, "E01");
        else
            send_pkt(s, "OK");
        return;
    }
    case 'm': case 'M': case 'X':
        do_mem(s, p[0], p + 1, end);
        return;
    case 'c': case 's':
        do_continue(s, p[0] == 's', p + 1, end);
        return;
    case 'C': case 'S': { /* with a signal: the signal is ignored */
        const char *q = memchr(p, ';', len);
        do_continue(s, p[0] == 'S', q ? q + 1 : end, end);
        return;
    }
    case 'Z': case 'z':
        do_point(s, p, end);
        return;
    case 'H': case 'T':
        send_pkt(s, "OK");
        return;
    case 'k':
        s->quit = 1;
        s->status = 0;
        return;
    case 'D':
        send_pkt(s, "OK");
        clear_points(s);
        resume(s);
        drop_client(s);
        return;
    default:
        break;
    }
    if (starts(p, len, "qSupported")) {
        char buf[160];
        snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;"
                 "vContSupported+", PKT_MAX);
        send_pkt(s, buf);
    } else if (starts(p, len, "qXfer:")) {
        do_xfer(s, p, end);
    } else if (starts(p, len, "QStartNoAckMode")) {
        send_pkt(s, "OK");
        s->noack = 1;
    } else if (starts(p, len, "qC") && len == 2) {
        send_pkt(s, "QC1");
    } else if (starts(p, len, "qAttached")) {
        send_pkt(s, "1");
    } else if (starts(p, len, "qfThreadInfo")) {
        send_pkt(s, "m1");
    } else if (starts(p, len, "qsThreadInfo")) {
        send_pkt(s, "l");
    } else if (starts(p, len, "qRcmd,")) {
        do_rcmd(s, p + 6, len - 6);
    } else if (starts(p, len, "vCont?")) {
        send_pkt(s, "vCont;c;C;s;S");
    } else if (starts(p, len, "vCont;")) {
        char a = len > 6 ? p[6] : 0;
        if (a == 'c' || a == 'C' || a == 's' || a == 'S')
            do_continue(s, a == 's' || a == 'S', end, end);
        else
            send_pkt(s, "E01");
    } else if (starts(p, len, "vKill")) {
        send_pkt(s, "OK");
        s->quit = 1;
        s->status = 0;
    } else {
        send_pkt(s, ""); /* not supported */
    }
}

static void interrupt(struct stub *s)
{
    if (s->stopped)
        return;
    s->stopped = 1;
    s->stop_sig = 2;
    s->stop_kind = 0;
    if (s->gdb_waiting)
        send_stop(s);
}

/* Feed received bytes through the packet reader. */
static void feed(struct stub *s, const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n && s->cfd >= 0 && !s->quit; k++) {
        uint8_t ch = b[k];
        switch (s->rstate) {
        case 0:
            if (ch == '$') {
                s->rstate = 1;
                s->plen = 0;
                s->overflow = 0;
                s->sum = 0;
            } else if (ch == 0x03) {
                interrupt(s);
            } else if (ch == '-' && !s->noack && s->last_len && s->resends < 3) {
                s->resends++;
                send_raw(s, s->last, s->last_len);
            }
            break; /* '+' and noise are ignored */
        case 1:
            if (ch == '#') {
                s->rstate = 2;
            } else if (ch == '$') {
                s->plen = 0; /* a new packet start: drop the unfinished one */
                s->overflow = 0;
                s->sum = 0;
            } else {
                s->sum += ch;
                if (s->plen < PKT_MAX)
                    s->pkt[s->plen++] = (char)ch;
                else
                    s->overflow = 1;
            }
            break;
        case 2:
            s->ck = hexval(ch) < 0 ? 0 : (uint8_t)((unsigned)hexval(ch) << 4);
            s->rstate = hexval(ch) < 0 ? 0 : 3;
            if (s->rstate == 0 && !s->noack)
                send_raw(s, "-", 1);
            break;
        default:
            s->rstate = 0;
            if (hexval(ch) < 0 || (uint8_t)(s->ck | hexval(ch)) != s->sum) {
                if (!s->noack)
                    send_raw(s, "-", 1);
                break;
            }
            if (!s->noack)
                send_raw(s, "+", 1);
            if (s->overflow) {
                send_pkt(s, "E01");
                break;
            }
            s->pkt[s->plen] = 0;
            handle_packet(s, s->pkt, s->plen);
            break;
        }
    }
}

static void drop_client(struct stub *s)
{
    if (s->cfd < 0)
        return;
    close(s->cfd);
    s->cfd = -1;
    s->gdb_waiting = 0;
    clear_points(s);
    if (s->stopped && !s->quit) {
        fprintf(stderr, "tarsier: gdb detached; the machine runs on\n");
        resume(s);
    }
}

static void accept_client(struct stub *s)
{
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return;
    if (s->cfd >= 0) { /* one client at a time */
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct timeval tv = { 5, 0 }; /* a client that stops reading is dropped, not waited for */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    s->cfd = fd;
    s->noack = 0;
    s->rstate = 0;
    s->last_len = 0;
    /* gdb attaches to a stopped machine */
    if (!s->stopped) {
        s->stopped = 1;
        s->stop_sig = 5;
        s->stop_kind = 0;
    }
}

/* ---- listening ---- */

static int parse_spec(const char *spec, char *host, size_t hlen, char *port, size_t plen)
{
    if (strncmp(spec, "tcp:", 4))
        return -1;
    spec += 4;
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= hlen || strlen(colon + 1) >= plen || !colon[1])
        return -1;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = 0;
    if (!host[0])
        snprintf(host, hlen, "127.0.0.1");
    snprintf(port, plen, "%s", colon + 1);
    char *end;
    long v = strtol(port, &end, 10);
    return *end || v < 0 || v > 65535 ? -1 : 0;
}

int debug_check_spec(const char *spec, char *err, unsigned errlen)
{
    char host[256], port[16];
    if (parse_spec(spec, host, sizeof(host), port, sizeof(port))) {
        snprintf(err, errlen, "-gdb: expected tcp:HOST:PORT (e.g. tcp::1234), got '%s'", spec);
        return -1;
    }
    return 0;
}

int debug_listen(const char *spec, const char *what)
{
    char host[256], port[16];
    if (parse_spec(spec, host, sizeof(host), port, sizeof(port)))
        return -1;
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e) {
        fprintf(stderr, "tarsier: %s: %s: %s\n", what, host, gai_strerror(e));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) || listen(fd, 1)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "tarsier: %s: cannot listen on %s:%s: %s\n", what, host, port, strerror(errno));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char hbuf[64] = "?", pbuf[16] = "?";
    if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
        getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof(hbuf), pbuf, sizeof(pbuf),
                    NI_NUMERICHOST | NI_NUMERICSERV);
    fprintf(stderr, "tarsier: %s listening on %s:%s\n", !strcmp(what, "-gdb") ? "gdb stub" : "monitor", hbuf, pbuf);
    return fd;
}

/* ---- the monitor's connection ---- */

/* The CPU halted with IF=0 (nothing can wake it) and, without -exit-on-halt,
 * someone is there to look at it: a monitor or a gdb client.  The run loop
 * then stops the machine instead of ending the run. */
static int halted_for_good(struct stub *s)
{
    struct cpu *c = s->c;
    return c->halted && !(c->eflags & F_IF) && !c->nmi_pending && !c->shutdown && !s->m->exit_on_halt &&
           s->m->status != MS_EXIT_PORT && !s->m->dbg.exit_requested && (s->mc.kind || s->cfd >= 0);
}


static void mon_say(struct stub *s, const char *fmt, uint32_t v)
{
    char buf[160];
    snprintf(buf, sizeof(buf), fmt, v);
    monchan_out(&s->mc, buf);
}

static int monitor_line(void *opaque, const char *line)
{
    struct stub *s = opaque;
    enum monitor_action a = monitor_exec(s->m, line, monchan_out, &s->mc);
    switch (a) {
    case MON_STOP:
        interrupt(s);
        mon_say(s, "stopped at linear %08x\n", linear_pc(s->c));
        break;
    case MON_CONT:
        resume(s);
        break;
    case MON_STEP: {
        int st = step_one(s);
        if (st != MACHINE_RUNNING && !halted_for_good(s))
            finish(s, st);
        mon_say(s, "stopped at linear %08x\n", linear_pc(s->c));
        break;
    }
    case MON_QUIT:
        s->quit = 1;
        s->status = 0;
        break;
    default:
        break;
    }
    return s->quit;
}

/* ---- the run loop ---- */

int debug_run(struct machine *m, const struct debug_options *opt)
{
    struct stub *s = calloc(1, sizeof(*s));
    if (!s)
        return 1;
    s->m = m;
    s->c = &m->cpu;
    s->cfd = -1;
    s->lfd = -1;
    s->stopped = opt->start_stopped;
    s->stop_sig = 5;
    build_target_xml();
    update_hooks(s);
    if (monchan_open(&s->mc, opt->monitor)) {
        free(s);
        return 2;
    }
    if (opt->gdb) {
        s->lfd = debug_listen(opt->gdb, "-gdb");
        if (s->lfd < 0) {
            monchan_close(&s->mc);
            free(s);
            return 2;
        }
    }
    monchan_prompt(&s->mc);
    while (!s->quit) {
        struct pollfd pf[4];
        int n = 0, il = -1, ic = -1;
        if (s->lfd >= 0) {
            pf[n] = (struct pollfd){ s->lfd, POLLIN, 0 };
            il = n++;
        }
        if (s->cfd >= 0) {
            pf[n] = (struct pollfd){ s->cfd, POLLIN, 0 };
            ic = n++;
        }
        int im = n;
        int nm = monchan_pollfds(&s->mc, pf + n);
        n += nm;
        int r = poll(pf, (nfds_t)n, s->stopped ? -1 : 0);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0) {
            if (ic >= 0 && pf[ic].revents) {
                uint8_t buf[4096];
                ssize_t got = recv(s->cfd, buf, sizeof(buf), 0);
                if (got <= 0)
                    drop_client(s);
                else
                    feed(s, buf, (size_t)got);
            }
            if (il >= 0 && (pf[il].revents & POLLIN))
                accept_client(s);
            if (!s->quit)
                monchan_service(&s->mc, pf + im, nm, monitor_line, s);
        }
        if (s->quit || s->stopped)
            continue;
        int st = machine_run_until(m, machine_now(m) + DEBUG_SLICE_NS);
        if (s->c->dbg_stop) {
            s->c->dbg_stop = 0;
            s->stopped = 1;
            if (s->gdb_waiting)
                send_stop(s);
            else
                mon_say(s, "\nstopped at linear %08x\n", linear_pc(s->c));
        } else if (st != MACHINE_RUNNING) {
            if (!halted_for_good(s)) {
                finish(s, st);
                continue;
            }
            s->stopped = 1;
            s->stop_sig = 5;
            s->stop_kind = 0;
            if (s->gdb_waiting)
                send_stop(s);
            mon_say(s, "\nthe CPU halted with interrupts disabled at linear %08x; the machine is stopped "
                       "(the monitor still answers)\n", linear_pc(s->c));
        }
    }
    int status = s->status;
    if (s->cfd >= 0)
        close(s->cfd);
    if (s->lfd >= 0)
        close(s->lfd);
    monchan_close(&s->mc);
    s->c->dbg_insn = 0;
    s->c->dr_data &= 1;
    s->c->dbg_insn_hook = NULL;
    s->c->dbg_data_hook = NULL;
    free(s);
    return status;
}
