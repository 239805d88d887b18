/*
 * unit_fpu_exc.h - what the two files of the x87 exception suite share
 * (unit_fpu_exc.c: the tarsier harness, goldens and fault tests;
 * unit_fpu_exc_host.c: random cases against the host's x87).
 */
#ifndef TARSIER_UNIT_FPU_EXC_H
#define TARSIER_UNIT_FPU_EXC_H

#include <check.h>
#include <stdint.h>

#include "machine/machine.h"

/* 32-bit FNSAVE image (108 bytes); st[i] is ST(i). */
struct fimg {
    uint16_t cw, r0, sw, r1, tw, r2;
    uint32_t fip;
    uint16_t fcs, fop;
    uint32_t fdp;
    uint16_t fds, r3;
    uint8_t st[8][10];
} __attribute__((packed));

/* One instruction and the state it starts from.  A memory operand is
 * addressed by ModR/M rm=7: [bx] in tarsier's real mode, [rdi] on the host. */
struct fcase {
    uint8_t insn[4];
    int len;
    const char *name;
    struct fimg in;
    uint8_t mem[16];
    uint32_t eflags;
};

/* What one side left: the FNSAVE image (tags recomputed), the operand's 16
 * bytes and EFLAGS; f.fop = FFFFh when tarsier took an exception. */
struct fout {
    struct fimg f;
    uint8_t mem[16];
    uint32_t eflags;
};

void put80(uint8_t *p, uint16_t se, uint64_t sig);
struct machine *tmachine(void);
void tarsier_run(struct machine *m, const struct fcase *fc, struct fout *o);

#if defined(__x86_64__)
#define FPU_EXC_HOST 1
void host_run(const struct fcase *fc, struct fout *o);
int fcase_compare(const struct fcase *fc, const struct fout *h, const struct fout *t);
void fcase_report(const struct fcase *fc, const struct fout *h, const struct fout *t, int d);
long run_cases(uint64_t seed, long n, int unmask_pct, int max);
void fpu_exc_add_host_tests(TCase *t);
#else
#define FPU_EXC_HOST 0
#endif

#endif
