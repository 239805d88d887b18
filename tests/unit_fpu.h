/*
 * unit_fpu.h - what the three files of the x87 test suite share (unit_fpu.c:
 * conversions, operand classes, the host differential and the runner;
 * unit_fpu_golden.c: golden results of + - * / sqrt under every control;
 * unit_fpu_insn.c: instructions run in a real-mode machine).
 */
#ifndef TARSIER_UNIT_FPU_H
#define TARSIER_UNIT_FPU_H

#include <check.h>

/* unit_fpu_golden.c: the goldens and 1/3 by hand */
void fpu_add_golden_tests(TCase *t);
/* unit_fpu_insn.c: the "insn" test case */
void fpu_add_insn_tests(Suite *s);

#endif
