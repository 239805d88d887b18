/*
 * testlib.h - what the Check unit tests (tests/unit_*.c) share: building a
 * machine (a bare CPU in real mode or a board from a configuration), the
 * guest's view of ports and memory, running code until HLT, exception
 * handler stubs and a paged 16-bit protected mode, moving virtual time, and
 * the test runner's main.
 */
#ifndef TARSIER_TESTLIB_H
#define TARSIER_TESTLIB_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

/* ---- machines ---- */

/* machine_create that fails the test (outside a test: aborts) on an error. */
struct machine *testlib_create(const struct machine_config *cfg);
/* A CPU of the model with 2 MiB of RAM and the board's defaults otherwise. */
struct machine *testlib_cpu_machine(const char *model);
/* A board configuration: 16 MiB of RAM, no ROM; the caller adds the rest. */
void testlib_board_config(struct machine_config *cfg);
/* testlib_create(testlib_board_config()). */
struct machine *testlib_board(void);

/* ---- ports, as the guest's IN and OUT ---- */

static inline void outb(struct machine *m, uint16_t port, uint8_t v) { portbus_out(&m->io, port, v, 1); }
static inline void outw(struct machine *m, uint16_t port, uint16_t v) { portbus_out(&m->io, port, v, 2); }
static inline void outl(struct machine *m, uint16_t port, uint32_t v) { portbus_out(&m->io, port, v, 4); }
static inline uint8_t inb(struct machine *m, uint16_t port) { return (uint8_t)portbus_in(&m->io, port, 1); }
static inline uint16_t inw(struct machine *m, uint16_t port) { return (uint16_t)portbus_in(&m->io, port, 2); }
static inline uint32_t inl(struct machine *m, uint16_t port) { return portbus_in(&m->io, port, 4); }

/* ---- virtual time ---- */

/* Move virtual time to t ns (never back), as executed instructions would. */
void testlib_advance_to(struct machine *m, uint64_t t);
/* Let ns of virtual time pass (rounded up to whole instructions). */
void testlib_advance(struct machine *m, uint64_t ns);
static inline uint64_t testlib_now(const struct machine *m) { return m->clock.now; }

/* ---- guest RAM (little-endian) ---- */

uint16_t testlib_ram16(const struct machine *m, uint32_t a);
uint64_t testlib_ram64(const struct machine *m, uint32_t a);
void testlib_put_ram64(struct machine *m, uint32_t a, uint64_t v);

/* ---- running code ---- */

/* Code into RAM at addr, with the decoded-block cache flushed. */
void testlib_put_code(struct machine *m, uint32_t addr, const uint8_t *code, size_t n);
/* CS, SS, DS and ES = 0 in real mode. */
void testlib_real_mode(struct cpu *c);
/* Run from EIP = eip with ESP = 8000h until HLT, for about `budget`
 * instructions; returns whether the CPU halted. */
bool testlib_run_for(struct machine *m, uint32_t eip, uint64_t budget);
/* The same with a budget of ten million instructions, asserting the HLT. */
void testlib_run_at(struct machine *m, uint32_t eip);
/* Real mode, code at 0000:0100, run until HLT. */
void testlib_run_real(struct machine *m, const uint8_t *code, size_t n);

/* Real-mode IVT entry v -> 0000:off. */
void testlib_set_vector(struct machine *m, int v, uint16_t off);
/* Vectors 0-31 -> `pop ax; hlt` at base + 4v (AX = the faulting IP, or
 * the error code where there is one). */
void testlib_fault_stubs(struct machine *m, uint32_t base);
/* The vector whose stub at base halted, or 0xFF when the CPU halted elsewhere. */
int testlib_stub_vector(const struct cpu *c, uint32_t base);
/* 16-bit protected mode with paging: GDT at 20000h (code 08h, data 10h),
 * IDT at 21000h with 286 interrupt gates to the stubs at base (written
 * too), page tables at 22000h mapping the first 4 MiB one to one except
 * the not-present page F000h. */
void testlib_paged_pm16(struct machine *m, uint32_t base);

/* ST(i) of the x87 stack. */
static inline struct fx80 testlib_st(const struct cpu *c, int i)
{
    return c->fpu.st[((c->fpu.sw >> 11) + i) & 7];
}

/* ---- the runner ---- */

/* A test case in s of the NULL-terminated tests; timeout 0: Check's default. */
TCase *testlib_tcase(Suite *s, const char *name, double timeout, const TTest *const *tests);
/* Run every test of s; EXIT_SUCCESS when all passed. */
int testlib_run_suite(Suite *s);
/* main for a suite of one test case. */
int testlib_main(const char *suite, const char *tcase, double timeout, const TTest *const *tests);

#endif
