/*
 * gdbstub_packets.c - the GDB remote serial protocol itself (GDB manual,
 * appendix E "Remote Serial Protocol"): framing ($data#ck, acks until
 * QStartNoAckMode, '}' escapes, Ctrl-C as 0x03), parsing, and the packets
 * the stub answers: ? g G p P m M X c s C S vCont Z0-4 z0-4 k vKill D
 * qSupported qXfer:features:read qRcmd and the thread queries of a
 * single-threaded target.  Malformed, truncated or oversized packets get E01
 * (or '-' for a bad checksum) and are otherwise ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "frontend/gdbstub_int.h"
#include "frontend/monitor.h"
#include "machine/machine.h"

static const char hexd[] = "0123456789abcdef";

void gdbstub_drop_client(struct stub *s);

static void send_raw(struct stub *s, const char *p, size_t len)
{
    while (s->cfd >= 0 && len) {
        ssize_t w = send(s->cfd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            gdbstub_drop_client(s);
            return;
        }
        p += w;
        len -= (size_t)w;
    }
}

/* Send a packet; binary data is escaped ($ # } * get } and XOR 0x20). */
void gdbstub_send_bin(struct stub *s, const char *data, size_t len)
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

void gdbstub_send_pkt(struct stub *s, const char *text) { gdbstub_send_bin(s, text, strlen(text)); }

void gdbstub_send_stop(struct stub *s)
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
    gdbstub_send_pkt(s, buf);
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

/* ---- monitor commands (qRcmd) ---- */

/* The monitor's output goes to gdb in O packets (console output, hex) as it
 * is produced, RCMD_CHUNK bytes at a time: nothing is cut off however long
 * it gets. */
#define RCMD_CHUNK 512

struct rcmd_out {
    struct stub *s;
    char buf[RCMD_CHUNK];
    size_t len;
};

static void rcmd_flush(struct rcmd_out *o)
{
    char pk[1 + 2 * RCMD_CHUNK + 1];
    size_t j = 0;
    if (!o->len)
        return;
    pk[j++] = 'O';
    for (size_t k = 0; k < o->len; k++) {
        pk[j++] = hexd[(uint8_t)o->buf[k] >> 4];
        pk[j++] = hexd[(uint8_t)o->buf[k] & 15];
    }
    pk[j] = 0;
    gdbstub_send_pkt(o->s, pk);
    o->len = 0;
}

static void rcmd_add(void *opaque, const char *text)
{
    struct rcmd_out *o = opaque;
    for (; *text; text++) {
        if (o->len == sizeof(o->buf))
            rcmd_flush(o);
        o->buf[o->len++] = *text;
    }
}

static void do_rcmd(struct stub *s, const char *hex, size_t len)
{
    char cmd[512];
    if (len % 2 || len / 2 >= sizeof(cmd) || decode_hex(hex, len, (uint8_t *)cmd)) {
        gdbstub_send_pkt(s, "E01");
        return;
    }
    cmd[len / 2] = 0;
    struct rcmd_out o = { s, { 0 }, 0 };
    char reply[160];
    if (gdbstub_stepmode_cmd(s, cmd, reply, sizeof(reply))) {
        rcmd_add(&o, reply);
        rcmd_flush(&o);
        gdbstub_send_pkt(s, "OK");
        return;
    }
    enum monitor_action a = monitor_exec(s->m, cmd, rcmd_add, &o);
    if (a == MON_STOP)
        rcmd_add(&o, "the machine is already stopped\n");
    else if (a == MON_CONT || a == MON_STEP)
        rcmd_add(&o, "from gdb, use its continue / stepi commands\n");
    rcmd_flush(&o);
    gdbstub_send_pkt(s, "OK");
    if (a == MON_QUIT) {
        s->quit = 1;
        s->status = 0;
    }
}

/* ---- packet handlers ---- */

static void do_point(struct stub *s, const char *p, const char *end)
{
    int insert = *p++ == 'Z';
    uint32_t type, addr, kind;
    if (parse_hex(&p, end, &type) || p >= end || *p++ != ',' || parse_hex(&p, end, &addr) || p >= end ||
        *p++ != ',' || parse_hex(&p, end, &kind) || type > 4) {
        gdbstub_send_pkt(s, "E01");
        return;
    }
    if (type <= 1) {
        int k;
        for (k = 0; k < s->nbp; k++)
            if (s->bp[k].addr == addr && s->bp[k].hw == type)
                break;
        if (insert && k == s->nbp) {
            if (s->nbp == GDBSTUB_MAX_BP) {
                gdbstub_send_pkt(s, "E0e");
                return;
            }
            s->bp[s->nbp].addr = addr;
            s->bp[s->nbp++].hw = (uint8_t)type;
        } else if (!insert && k < s->nbp) {
            s->bp[k] = s->bp[--s->nbp];
        }
    } else {
        if (kind == 0 || kind > 0x10000) {
            gdbstub_send_pkt(s, "E01");
            return;
        }
        int k;
        for (k = 0; k < s->nwp; k++)
            if (s->wp[k].addr == addr && s->wp[k].len == kind && s->wp[k].type == type)
                break;
        if (insert && k == s->nwp) {
            if (s->nwp == GDBSTUB_MAX_WP) {
                gdbstub_send_pkt(s, "E0e");
                return;
            }
            s->wp[s->nwp].addr = addr;
            s->wp[s->nwp].len = kind;
            s->wp[s->nwp++].type = (uint8_t)type;
        } else if (!insert && k < s->nwp) {
            s->wp[k] = s->wp[--s->nwp];
        }
    }
    gdbstub_update_hooks(s);
    gdbstub_send_pkt(s, "OK");
}

static void do_continue(struct stub *s, int step, const char *addr, const char *end)
{
    uint32_t a;
    if (addr < end && *addr != ';') {
        if (parse_hex(&addr, end, &a)) {
            gdbstub_send_pkt(s, "E01");
            return;
        }
        uint8_t b[4];
        gdbstub_put32(b, a);
        gdbstub_reg_set(s, GDBSTUB_REG_PC, b);
    }
    s->gdb_waiting = 1;
    if (step) {
        int st = gdbstub_step_one(s);
        if (st != MACHINE_RUNNING)
            gdbstub_finish(s, st);
        else
            gdbstub_send_stop(s);
    } else {
        gdbstub_resume(s);
    }
}

static void do_mem(struct stub *s, char op, const char *p, const char *end)
{
    uint32_t addr, len;
    if (parse_hex(&p, end, &addr) || p >= end || *p++ != ',' || parse_hex(&p, end, &len)) {
        gdbstub_send_pkt(s, "E01");
        return;
    }
    if (op == 'm') {
        uint8_t buf[GDBSTUB_PKT_MAX / 2];
        char hex[GDBSTUB_PKT_MAX + 1];
        if (len > sizeof(buf))
            len = sizeof(buf);
        size_t got = monitor_read_linear(s->m, addr, buf, len);
        if (!got && len) {
            gdbstub_send_pkt(s, "E14");
            return;
        }
        for (size_t k = 0; k < got; k++) {
            hex[2 * k] = hexd[buf[k] >> 4];
            hex[2 * k + 1] = hexd[buf[k] & 15];
        }
        hex[2 * got] = 0;
        gdbstub_send_pkt(s, hex);
        return;
    }
    if (p >= end || *p++ != ':') {
        gdbstub_send_pkt(s, "E01");
        return;
    }
    uint8_t data[GDBSTUB_PKT_MAX];
    size_t n = 0;
    if (op == 'M') {
        if ((size_t)(end - p) != (size_t)len * 2 || len > sizeof(data) || decode_hex(p, (size_t)len * 2, data)) {
            gdbstub_send_pkt(s, "E01");
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
            gdbstub_send_pkt(s, "E01");
            return;
        }
    }
    if (monitor_write_linear(s->m, addr, data, n) != n)
        gdbstub_send_pkt(s, "E14");
    else
        gdbstub_send_pkt(s, "OK");
}

static void do_xfer(struct stub *s, const char *p, const char *end)
{
    static const char prefix[] = "qXfer:features:read:target.xml:";
    uint32_t off, len;
    if ((size_t)(end - p) < sizeof(prefix) - 1 || memcmp(p, prefix, sizeof(prefix) - 1)) {
        gdbstub_send_pkt(s, "E00");
        return;
    }
    p += sizeof(prefix) - 1;
    if (parse_hex(&p, end, &off) || p >= end || *p++ != ',' || parse_hex(&p, end, &len)) {
        gdbstub_send_pkt(s, "E01");
        return;
    }
    if (off > s->target_xml_len) {
        gdbstub_send_pkt(s, "E01");
        return;
    }
    if (len > GDBSTUB_PKT_MAX / 2)
        len = GDBSTUB_PKT_MAX / 2;
    size_t n = s->target_xml_len - off < len ? s->target_xml_len - off : len;
    char buf[GDBSTUB_PKT_MAX];
    buf[0] = off + n < s->target_xml_len ? 'm' : 'l';
    memcpy(buf + 1, s->target_xml + off, n);
    gdbstub_send_bin(s, buf, n + 1);
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
        gdbstub_send_pkt(s, "");
        return;
    }
    switch (p[0]) {
    case '?':
        gdbstub_send_stop(s);
        return;
    case 'g': {
        char hex[GDBSTUB_NREGS * 20 + 1];
        size_t n = 0;
        for (int k = 0; k < GDBSTUB_NREGS; k++) {
            uint8_t b[10];
            int sz = gdbstub_reg_get(c, k, b);
            for (int j = 0; j < sz; j++) {
                hex[n++] = hexd[b[j] >> 4];
                hex[n++] = hexd[b[j] & 15];
            }
        }
        hex[n] = 0;
        gdbstub_send_pkt(s, hex);
        return;
    }
    case 'G': {
        const char *q = p + 1;
        int bad = 0;
        for (int k = 0; k < GDBSTUB_NREGS && q < end; k++) {
            uint8_t b[10], cur[10];
            int sz = gdbstub_reg_get(c, k, cur);
            if (end - q < 2 * sz || decode_hex(q, (size_t)sz * 2, b)) {
                bad = 1;
                break;
            }
            if (memcmp(b, cur, (size_t)sz) && gdbstub_reg_set(s, k, b))
                bad = 1;
            q += 2 * sz;
        }
        gdbstub_send_pkt(s, bad ? "E01" : "OK");
        return;
    }
    case 'p': case 'P': {
        const char *q = p + 1;
        uint32_t n;
        uint8_t b[10];
        if (parse_hex(&q, end, &n) || n >= (uint32_t)GDBSTUB_NREGS) {
            gdbstub_send_pkt(s, "E01");
            return;
        }
        int sz = gdbstub_reg_get(c, (int)n, b);
        if (p[0] == 'p') {
            char hex[24];
            for (int j = 0; j < sz; j++) {
                hex[2 * j] = hexd[b[j] >> 4];
                hex[2 * j + 1] = hexd[b[j] & 15];
            }
            hex[2 * sz] = 0;
            gdbstub_send_pkt(s, hex);
            return;
        }
        if (q >= end || *q++ != '=' || end - q != 2 * sz || decode_hex(q, (size_t)sz * 2, b) ||
            gdbstub_reg_set(s, (int)n, b))
            gdbstub_send_pkt(s, "E01");
        else
            gdbstub_send_pkt(s, "OK");
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
        gdbstub_send_pkt(s, "OK");
        return;
    case 'k':
        s->quit = 1;
        s->status = 0;
        return;
    case 'D':
        gdbstub_send_pkt(s, "OK");
        gdbstub_clear_points(s);
        gdbstub_resume(s);
        gdbstub_drop_client(s);
        return;
    default:
        break;
    }
    if (starts(p, len, "qSupported")) {
        char buf[160];
        snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;"
                 "vContSupported+", GDBSTUB_PKT_MAX);
        gdbstub_send_pkt(s, buf);
    } else if (starts(p, len, "qXfer:")) {
        do_xfer(s, p, end);
    } else if (starts(p, len, "QStartNoAckMode")) {
        gdbstub_send_pkt(s, "OK");
        s->noack = 1;
    } else if (starts(p, len, "qC") && len == 2) {
        gdbstub_send_pkt(s, "QC1");
    } else if (starts(p, len, "qAttached")) {
        gdbstub_send_pkt(s, "1");
    } else if (starts(p, len, "qfThreadInfo")) {
        gdbstub_send_pkt(s, "m1");
    } else if (starts(p, len, "qsThreadInfo")) {
        gdbstub_send_pkt(s, "l");
    } else if (starts(p, len, "qRcmd,")) {
        do_rcmd(s, p + 6, len - 6);
    } else if (starts(p, len, "vCont?")) {
        gdbstub_send_pkt(s, "vCont;c;C;s;S");
    } else if (starts(p, len, "vCont;")) {
        char a = len > 6 ? p[6] : 0;
        if (a == 'c' || a == 'C' || a == 's' || a == 'S')
            do_continue(s, a == 's' || a == 'S', end, end);
        else
            gdbstub_send_pkt(s, "E01");
    } else if (starts(p, len, "vKill")) {
        gdbstub_send_pkt(s, "OK");
        s->quit = 1;
        s->status = 0;
    } else {
        gdbstub_send_pkt(s, ""); /* not supported */
    }
}

/* Feed received bytes through the packet reader. */
void gdbstub_feed(struct stub *s, const uint8_t *b, size_t n)
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
                gdbstub_interrupt(s);
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
                if (s->plen < GDBSTUB_PKT_MAX)
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
                gdbstub_send_pkt(s, "E01");
                break;
            }
            s->pkt[s->plen] = 0;
            handle_packet(s, s->pkt, s->plen);
            break;
        }
    }
}
