/*
 * gdbstub_int.h - the gdb stub's state and the functions its three files
 * share (internal to frontend/gdbstub*.c):
 *   gdbstub.c          breakpoint/watchpoint hooks, run control, clients,
 *                      listening, the run loop and the monitor's channel
 *   gdbstub_regs.c     the register file as gdb numbers it, target.xml
 *   gdbstub_packets.c  packet framing, parsing and the packet handlers
 */
#ifndef TARSIER_GDBSTUB_INT_H
#define TARSIER_GDBSTUB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/monchan.h"

struct cpu;
struct machine;

#define GDBSTUB_PKT_MAX 4096        /* PacketSize we announce */
#define GDBSTUB_MAX_BP 64
#define GDBSTUB_MAX_WP 32
#define GDBSTUB_NREGS 56            /* registers in target.xml (gdbstub_regs.c) */
#define GDBSTUB_REG_PC 8            /* eip's number */

struct gdbstub_bp { uint32_t addr; uint8_t hw; };
struct gdbstub_wp { uint32_t addr, len; uint8_t type; }; /* type: 2 write, 3 read, 4 access */

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
    char pkt[GDBSTUB_PKT_MAX + 1];
    size_t plen;
    int overflow;
    uint8_t sum, ck;
    char last[GDBSTUB_PKT_MAX * 2 + 8];
    size_t last_len;
    int resends;
    /* breakpoints and watchpoints */
    struct gdbstub_bp bp[GDBSTUB_MAX_BP];
    int nbp;
    struct gdbstub_wp wp[GDBSTUB_MAX_WP];
    int nwp;
    uint64_t resume_icount;
    uint32_t resume_lin;
    /* stepping: step_into_irq 0 runs an interrupt that arrives during a step
     * to its return (the handler stays invisible), 1 stops in the handler */
    int step_into_irq;
    int ret_active, ret_hit;   /* running a handler back to ret_lin/ret_esp */
    uint32_t ret_lin, ret_esp;
    /* the last stop */
    int stop_sig;         /* 5 TRAP, 2 INT */
    int stop_kind;        /* 0 none/step, 1 swbreak, 2 hwbreak, 3 watch, 4 rwatch, 5 awatch */
    uint32_t stop_addr;
    /* the target description, built once by gdbstub_build_target_xml */
    char target_xml[8192];
    size_t target_xml_len;
    /* the monitor's connection (stdio or TCP) */
    struct monchan mc;
};

/* gdbstub.c */
uint32_t gdbstub_linear_pc(const struct cpu *c);
void gdbstub_update_hooks(struct stub *s);
void gdbstub_resume(struct stub *s);
int gdbstub_step_one(struct stub *s);               /* returns the machine status */
/* The `stepmode [into|over]` command (monitor and qRcmd): returns 1 and puts
 * the reply in out when line is one, else 0. */
int gdbstub_stepmode_cmd(struct stub *s, const char *line, char *out, size_t n);
void gdbstub_finish(struct stub *s, int status);    /* end the run, tell gdb (W) */
void gdbstub_clear_points(struct stub *s);
void gdbstub_interrupt(struct stub *s);             /* stop with SIGINT (Ctrl-C) */
void gdbstub_drop_client(struct stub *s);

/* gdbstub_regs.c */
void gdbstub_put32(uint8_t *p, uint32_t v);
int gdbstub_reg_get(struct cpu *c, int n, uint8_t *out);          /* bytes written (4 or 10) */
int gdbstub_reg_set(struct stub *s, int n, const uint8_t *in);    /* 0 or -1 */
void gdbstub_build_target_xml(struct stub *s);

/* gdbstub_packets.c */
void gdbstub_send_bin(struct stub *s, const char *data, size_t len);
void gdbstub_send_pkt(struct stub *s, const char *text);
void gdbstub_send_stop(struct stub *s);
void gdbstub_feed(struct stub *s, const uint8_t *b, size_t n);   /* bytes received from gdb */

#endif
