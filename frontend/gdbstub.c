/*
 * gdbstub.c - the GDB remote serial protocol stub (GDB manual, appendix E
 * "Remote Serial Protocol") and the run loop that serves it and the stdio
 * monitor between slices of guest time.
 *
 * One client at a time over TCP; after it detaches or disconnects the stub
 * accepts the next.  Breakpoints never patch guest memory: the CPU checks
 * each decoded block against their linear addresses and runs only a block
 * holding one through its slow path, which asks insn_hook() about each PC.
 * Watchpoints ride on the data-breakpoint check of the memory access path
 * (bit 1 of cpu->dr_data, kept apart from the guest's DR0-7); the TLB keeps
 * watched pages off the fast path, so other pages run at full speed.
 * With neither, the guest runs at full speed in slices of DEBUG_SLICE_NS and
 * the stub only polls its sockets between slices.
 *
 * The PC reported as eip: in real and virtual-8086 mode the linear address
 * CS.base + IP (so `break *0x7c00` and `x/i $pc` mean what they say); in
 * protected mode EIP itself.  Breakpoint addresses are always linear, memory
 * addresses (m, M, X) are linear and go through the current page tables.
 * See docs/debugging.md.  The register file is in gdbstub_regs.c, the
 * protocol (framing and packet handlers) in gdbstub_packets.c.
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
#include "frontend/net.h"
#include "frontend/gdbstub_int.h"
#include "frontend/monchan.h"
#include "frontend/monitor.h"
#include "machine/machine.h"

#define DEBUG_SLICE_NS 1000000ull    /* 1 ms of virtual time between socket polls */
#define STEP_OVER_NS 2000000000ull   /* how long a stepped-over interrupt may take to return */

/* ---- breakpoint hooks (called from the CPU's execution loop) ---- */

uint32_t gdbstub_linear_pc(const struct cpu *c) { return c->seg[SEG_CS].base + c->eip; }

static int insn_hook(void *opaque, struct cpu *c)
{
    struct stub *s = opaque;
    uint32_t lin = gdbstub_linear_pc(c);
    if (c->icount == s->resume_icount && lin == s->resume_lin)
        return 0; /* resuming from this very address: step off it first */
    if (s->ret_active && lin == s->ret_lin && c->r[R_ESP] == s->ret_esp) {
        s->ret_hit = 1; /* back from the interrupt a step ran into */
        return 1;
    }
    for (int k = 0; k < s->nbp; k++)
        if (s->bp[k].addr == lin) {
            s->stop_sig = 5;
            s->stop_kind = s->bp[k].hw ? 2 : 1;
            return 1;
        }
    return 0;
}

/* The last byte a watchpoint covers (a range running past 4 GiB ends there). */
static uint32_t wp_last(const struct gdbstub_wp *w)
{
    uint32_t last = w->addr + w->len - 1;
    return last < w->addr ? 0xFFFFFFFFu : last;
}

static void data_hook(void *opaque, struct cpu *c, uint32_t lin, int size, int write)
{
    struct stub *s = opaque;
    if (c->dbg_stop)
        return;
    uint32_t last = lin + (uint32_t)size - 1;
    for (int k = 0; k < s->nwp; k++) {
        struct gdbstub_wp *w = &s->wp[k];
        if ((w->type == 2 && !write) || (w->type == 3 && write))
            continue;
        if (lin <= wp_last(w) && last >= w->addr) {
            s->stop_sig = 5;
            s->stop_kind = w->type + 1;
            s->stop_addr = w->addr;
            c->dbg_stop = 1;   /* the instruction completes, then the loop returns */
            c->stop_block = 1;
            return;
        }
    }
}

void gdbstub_update_hooks(struct stub *s)
{
    struct cpu *c = s->c;
    c->dbg_opaque = s;
    c->dbg_insn_hook = insn_hook;
    c->dbg_data_hook = data_hook;
    uint32_t bp[GDBSTUB_MAX_BP + 1];
    struct cpu_watch w[GDBSTUB_MAX_WP];
    int n = 0;
    for (int k = 0; k < s->nbp; k++)
        bp[n++] = s->bp[k].addr;
    if (s->ret_active)
        bp[n++] = s->ret_lin; /* where a stepped-over interrupt returns */
    for (int k = 0; k < s->nwp; k++)
        w[k] = (struct cpu_watch){ s->wp[k].addr, wp_last(&s->wp[k]) };
    cpu_set_dbg_breakpoints(c, bp, n);
    cpu_set_dbg_watch(c, w, s->nwp);
}


/* ---- commands ---- */

void gdbstub_resume(struct stub *s)
{
    s->resume_icount = s->c->icount;
    s->resume_lin = gdbstub_linear_pc(s->c);
    s->stopped = 0;
    s->stop_kind = 0;
}

/* Run exactly one instruction, or deliver an interrupt and stop at its
 * handler's first instruction. */
static int step_raw(struct stub *s)
{
    struct machine *m = s->m;
    gdbstub_resume(s);
    s->stop_sig = 5;
    s->c->dbg_irq_stop = 1;
    int st = machine_run_until(m, machine_now(m) + m->clock.ns_per_insn);
    s->c->dbg_irq_stop = 0;
    s->c->dbg_stop = 0;
    s->stopped = 1;
    return st;
}

/* Run an interrupt handler the step entered until the CPU is back at lin
 * with the stack pointer it had (its IRET), for at most STEP_OVER_NS of
 * virtual time; breakpoints and watchpoints inside still stop it. */
static int run_to_return(struct stub *s, uint32_t lin, uint32_t esp)
{
    struct machine *m = s->m;
    s->ret_active = 1;
    s->ret_hit = 0;
    s->ret_lin = lin;
    s->ret_esp = esp;
    gdbstub_update_hooks(s);
    uint64_t end = machine_now(m) + STEP_OVER_NS;
    int st = MACHINE_RUNNING;
    while (st == MACHINE_RUNNING && !s->c->dbg_stop && machine_now(m) < end) {
        uint64_t t = machine_now(m) + DEBUG_SLICE_NS;
        st = machine_run_until(m, t < end ? t : end);
    }
    s->c->dbg_stop = 0;
    s->ret_active = 0;
    gdbstub_update_hooks(s);
    return st;
}

/* One step as configured.  An external interrupt (or NMI) taken at the step
 * boundary ends a raw step at the handler's entry: with step_into_irq that is
 * where the step stops; otherwise the handler runs to its return and the step
 * then executes the instruction it interrupted (a CPU in HLT stops at the
 * instruction after the HLT once the waking interrupt has returned). */
int gdbstub_step_one(struct stub *s)
{
    struct cpu *c = s->c;
    uint32_t lin0 = gdbstub_linear_pc(c), esp0 = c->r[R_ESP];
    int halted0 = c->halted;
    uint64_t irq0 = c->stats.hw_interrupts;
    int st = step_raw(s);
    for (int round = 0; !s->step_into_irq && round < 16 && st == MACHINE_RUNNING &&
                        c->stats.hw_interrupts != irq0 && s->stop_kind == 0; round++) {
        st = run_to_return(s, lin0, esp0);
        if (st != MACHINE_RUNNING || !s->ret_hit)
            break; /* a breakpoint or watchpoint in the handler, or it did not return in time */
        if (halted0)
            break;
        irq0 = c->stats.hw_interrupts;
        st = step_raw(s);
    }
    return st;
}

int gdbstub_stepmode_cmd(struct stub *s, const char *line, char *out, size_t n)
{
    char w[16], arg[16], extra[2];
    int k = sscanf(line, "%15s %15s %1s", w, arg, extra);
    if (k < 1 || strcmp(w, "stepmode"))
        return 0;
    if (k == 2 && !strcmp(arg, "into"))
        s->step_into_irq = 1;
    else if (k == 2 && !strcmp(arg, "over"))
        s->step_into_irq = 0;
    else if (k != 1) {
        snprintf(out, n, "error: usage: stepmode [into|over]\n");
        return 1;
    }
    snprintf(out, n, "stepmode %s: %s\n", s->step_into_irq ? "into" : "over",
             s->step_into_irq ? "a step that meets an interrupt stops at the handler's first instruction"
                              : "interrupts arriving during a step run to their return unseen");
    return 1;
}

void gdbstub_finish(struct stub *s, int status)
{
    s->quit = 1;
    s->status = status;
    if (s->cfd >= 0) {
        char buf[8];
        snprintf(buf, sizeof(buf), "W%02x", status & 0xFF);
        gdbstub_send_pkt(s, buf);
    }
}

void gdbstub_clear_points(struct stub *s)
{
    s->nbp = 0;
    s->nwp = 0;
    gdbstub_update_hooks(s);
}

void gdbstub_interrupt(struct stub *s)
{
    if (s->stopped)
        return;
    s->stopped = 1;
    s->stop_sig = 2;
    s->stop_kind = 0;
    if (s->gdb_waiting)
        gdbstub_send_stop(s);
}

void gdbstub_drop_client(struct stub *s)
{
    if (s->cfd < 0)
        return;
    close(s->cfd);
    s->cfd = -1;
    s->gdb_waiting = 0;
    gdbstub_clear_points(s);
    if (s->stopped && !s->quit) {
        fprintf(stderr, "tarsier: gdb detached; the machine runs on\n");
        gdbstub_resume(s);
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
    return net_parse_hostport(spec + 4, host, hlen, port, plen);
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
    char host[256], port[16], err[512], where[96];
    if (parse_spec(spec, host, sizeof(host), port, sizeof(port)))
        return -1;
    int fd = net_listen_tcp(host, port, 1, err, sizeof(err));
    if (fd < 0) {
        fprintf(stderr, "tarsier: %s: %s\n", what, err);
        return -1;
    }
    net_local_name(fd, where, sizeof(where));
    fprintf(stderr, "tarsier: %s listening on %s\n", !strcmp(what, "-gdb") ? "gdb stub" : "monitor", where);
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
           s->m->status != MS_EXIT_PORT && !s->m->dbg.exit_requested &&
           (s->mc.kind == 2 || s->mc.fd >= 0 || s->cfd >= 0 || s->lfd >= 0);
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
    char reply[160];
    if (gdbstub_stepmode_cmd(s, line, reply, sizeof(reply))) {
        monchan_out(&s->mc, reply);
        return 0;
    }
    enum monitor_action a = monitor_exec(s->m, line, monchan_out, &s->mc);
    switch (a) {
    case MON_STOP:
        gdbstub_interrupt(s);
        mon_say(s, "stopped at linear %08x\n", gdbstub_linear_pc(s->c));
        break;
    case MON_CONT:
        gdbstub_resume(s);
        break;
    case MON_STEP: {
        int st = gdbstub_step_one(s);
        if (st != MACHINE_RUNNING && !halted_for_good(s))
            gdbstub_finish(s, st);
        mon_say(s, "stopped at linear %08x\n", gdbstub_linear_pc(s->c));
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
    gdbstub_build_target_xml(s);
    gdbstub_update_hooks(s);
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
        /* stopped, wait for input; a bounded wait so that a SIGINT/SIGTERM
         * arriving just before the poll still ends the run promptly */
        int r = poll(pf, (nfds_t)n, s->stopped ? 200 : 0);
        if (r < 0 && errno != EINTR)
            break;
        if (s->stopped && m->stop_signal && *m->stop_signal) {
            m->status = MS_SIGNAL; /* as machine_run_until would when running */
            gdbstub_finish(s, 128 + *m->stop_signal);
            continue;
        }
        if (r > 0) {
            if (ic >= 0 && pf[ic].revents) {
                uint8_t buf[4096];
                ssize_t got = recv(s->cfd, buf, sizeof(buf), 0);
                if (got <= 0)
                    gdbstub_drop_client(s);
                else
                    gdbstub_feed(s, buf, (size_t)got);
            }
            if (il >= 0 && (pf[il].revents & POLLIN))
                accept_client(s);
            if (!s->quit)
                monchan_service(&s->mc, pf + im, nm, monitor_line, s);
            if (s->stopped && !s->quit && s->mc.kind == 1 && s->mc.fd < 0 && s->lfd < 0) {
                /* the monitor's input ended while it held the machine and no
                 * gdb can connect: nothing could ever resume it, so it runs on */
                fprintf(stderr, "tarsier: the monitor's input ended; the machine runs on\n");
                gdbstub_resume(s);
            }
        }
        if (s->quit || s->stopped)
            continue;
        int st = machine_run_until(m, machine_now(m) + DEBUG_SLICE_NS);
        if (s->c->dbg_stop) {
            s->c->dbg_stop = 0;
            s->stopped = 1;
            if (s->gdb_waiting)
                gdbstub_send_stop(s);
            else
                mon_say(s, "\nstopped at linear %08x\n", gdbstub_linear_pc(s->c));
        } else if (st != MACHINE_RUNNING) {
            if (!halted_for_good(s)) {
                gdbstub_finish(s, st);
                continue;
            }
            s->stopped = 1;
            s->stop_sig = 5;
            s->stop_kind = 0;
            if (s->gdb_waiting)
                gdbstub_send_stop(s);
            mon_say(s, "\nthe CPU halted with interrupts disabled at linear %08x; the machine is stopped "
                       "(the monitor still answers)\n", gdbstub_linear_pc(s->c));
        }
    }
    int status = s->status;
    if (s->cfd >= 0)
        close(s->cfd);
    if (s->lfd >= 0)
        close(s->lfd);
    monchan_close(&s->mc);
    cpu_set_dbg_breakpoints(s->c, NULL, 0);
    cpu_set_dbg_watch(s->c, NULL, 0);
    s->c->dbg_insn_hook = NULL;
    s->c->dbg_data_hook = NULL;
    free(s);
    return status;
}

