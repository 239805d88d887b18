/*
 * difftest.h - what the files of the differential tester's driver share
 * (difftest.c: options, sequence runs, minimising, main; runners.c: running a
 * sequence in tarsier, in the native helper and in Unicorn; compare.c:
 * comparing two results and the reports).  The generator's interface is
 * dt.h.  See docs/difftest.md.
 */
#ifndef TARSIER_DIFFTEST_DIFFTEST_H
#define TARSIER_DIFFTEST_DIFFTEST_H

#include <capstone/capstone.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/difftest/dt.h"

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

/* ---- runners.c ---- */

extern int have_mmx; /* the tarsier model runs MMX (pentium2) */
extern uint64_t capture_addr; /* the native helper's dt_capture */

int tarsier_init(void);
void tarsier_run(const struct dt_seq *s, const uint8_t *data, struct dt_result *res, uint64_t *icount);
int native_start(const char *path);
void native_go(const struct dt_seq *s, const uint8_t *data);
void native_wait(const struct dt_seq *s, struct dt_result *res);
#ifdef DT_HAVE_UNICORN
extern uint64_t uc_crashes; /* Unicorn runs that died of SIGFPE */
int unicorn_init(void);
/* Returns -1 when Unicorn crashed (no result). */
int unicorn_run(const struct dt_seq *s, const uint8_t *data, struct dt_result *res);
#endif

/* ---- compare.c ---- */

extern const char *const regname[8];
extern uint64_t explained_undef, explained_cc;
extern csh cs_handle;

struct diff {
    char text[4096];
    int len;
};

int compare(const struct dt_seq *s, const struct dt_result *a, const struct dt_result *b, const char *an,
            const char *bn, struct diff *d, int with_fpu);
void print_seq(FILE *f, const struct dt_seq *s, int upto, int mark);

/* Differences per culprit mnemonic (with the operand kinds), for the summary. */
struct mn_count {
    char name[48];
    uint64_t n;
};
extern struct mn_count mn_tab[64];
void count_mnemonic(const struct dt_seq *s, int k);

#endif
