/*
 * unit_mmx.h - what the two files of the MMX test suite share (unit_mmx.c:
 * the host oracle and the helpers; unit_mmx_state.c: the x87 aliasing,
 * FXSAVE and fault tests).
 */
#ifndef TARSIER_UNIT_MMX_H
#define TARSIER_UNIT_MMX_H

#include <check.h>
#include <stdint.h>

#include "cpu/fpu.h"
#include "machine/machine.h"
#include "tests/testlib.h"

#if defined(__x86_64__) || defined(__i386__)
#define HOST_MMX 1
#else
#define HOST_MMX 0
#endif

#define HANDLERS 0x0300u /* vector v: pop ax; hlt at HANDLERS + 4 * v */
#define DATA 0x0800u
#define CODE 0x1000u

/* The x87 state around one case, to check the alias rules against. */
struct fstate {
    struct fx80 st[8];
    uint16_t sw, cw;
    uint32_t fip, fdp;
    uint16_t fop;
};

/* A machine of the model in real mode with the testlib fault stubs at HANDLERS. */
struct machine *mmx_machine(const char *model);
void run_code(struct machine *m, const uint8_t *code, size_t n);
/* The vector whose handler halted, or 0xFF when the code ran to its own HLT
 * (AX then holds nothing; after a fault AX = the faulting IP). */
static inline int exc_vector(const struct cpu *c) { return testlib_stub_vector(c, HANDLERS); }
uint64_t rng(uint64_t *x);
void random_fpu(struct cpu *c, uint64_t *x, struct fstate *s);
int alias_ok(const struct cpu *c, const struct fstate *s, int wr, uint64_t val);

/* unit_mmx_state.c */
void mmx_add_state_tests(Suite *s);

#endif
