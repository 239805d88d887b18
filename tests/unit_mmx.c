/*
 * unit_mmx.c - Check tests of MMX (cpu/sem_mmx.c) on the pentium2 model:
 * every MMX instruction form run in tarsier on random operands and compared
 * with the host CPU executing the same instruction (inline asm, x86 hosts
 * only; elsewhere golden vectors generated on an x86-64 host, some checked by
 * hand), with random x87 state around each case to check the aliasing rules.
 * Also the shared helpers; the x87-state and fault tests are in
 * unit_mmx_state.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/insn.h"
#include "cpu/sem.h"
#include "machine/machine.h"
#include "tests/unit_mmx.h"

#define CASES 10000

/* opcode (0F xx), mnemonic, MMX_* operation */
#define MMX_OP_LIST(X) \
    X(0x60, punpcklbw, MMX_PUNPCKLBW) X(0x61, punpcklwd, MMX_PUNPCKLWD) X(0x62, punpckldq, MMX_PUNPCKLDQ) \
    X(0x63, packsswb, MMX_PACKSSWB) X(0x64, pcmpgtb, MMX_PCMPGTB) X(0x65, pcmpgtw, MMX_PCMPGTW) \
    X(0x66, pcmpgtd, MMX_PCMPGTD) X(0x67, packuswb, MMX_PACKUSWB) X(0x68, punpckhbw, MMX_PUNPCKHBW) \
    X(0x69, punpckhwd, MMX_PUNPCKHWD) X(0x6A, punpckhdq, MMX_PUNPCKHDQ) X(0x6B, packssdw, MMX_PACKSSDW) \
    X(0x74, pcmpeqb, MMX_PCMPEQB) X(0x75, pcmpeqw, MMX_PCMPEQW) X(0x76, pcmpeqd, MMX_PCMPEQD) \
    X(0xD1, psrlw, MMX_PSRLW) X(0xD2, psrld, MMX_PSRLD) X(0xD3, psrlq, MMX_PSRLQ) X(0xD5, pmullw, MMX_PMULLW) \
    X(0xD8, psubusb, MMX_PSUBUSB) X(0xD9, psubusw, MMX_PSUBUSW) X(0xDB, pand, MMX_PAND) \
    X(0xDC, paddusb, MMX_PADDUSB) X(0xDD, paddusw, MMX_PADDUSW) X(0xDF, pandn, MMX_PANDN) \
    X(0xE1, psraw, MMX_PSRAW) X(0xE2, psrad, MMX_PSRAD) X(0xE5, pmulhw, MMX_PMULHW) X(0xE8, psubsb, MMX_PSUBSB) \
    X(0xE9, psubsw, MMX_PSUBSW) X(0xEB, por, MMX_POR) X(0xEC, paddsb, MMX_PADDSB) X(0xED, paddsw, MMX_PADDSW) \
    X(0xEF, pxor, MMX_PXOR) X(0xF1, psllw, MMX_PSLLW) X(0xF2, pslld, MMX_PSLLD) X(0xF3, psllq, MMX_PSLLQ) \
    X(0xF5, pmaddwd, MMX_PMADDWD) X(0xF8, psubb, MMX_PSUBB) X(0xF9, psubw, MMX_PSUBW) X(0xFA, psubd, MMX_PSUBD) \
    X(0xFC, paddb, MMX_PADDB) X(0xFD, paddw, MMX_PADDW) X(0xFE, paddd, MMX_PADDD)

/* ---- host reference (x86 only) ---- */

typedef uint64_t (*host_fn)(uint64_t a, uint64_t b);

#if HOST_MMX
/* MMreg op MMreg and MMreg op m64 (m32 for PUNPCKLxx). */
#define HOST_REG(opc, nm, k)                                                                            \
    static uint64_t host_##nm(uint64_t a, uint64_t b)                                                    \
    {                                                                                                    \
        uint64_t r;                                                                                      \
        __asm__ volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\t" #nm " %%mm1, %%mm0\n\tmovq %%mm0, %0\n\temms" \
                         : "=m"(r) : "m"(a), "m"(b) : "mm0", "mm1");                                   \
        return r;                                                                                        \
    }                                                                                                    \
    static uint64_t host_##nm##_m(uint64_t a, uint64_t b)                                                \
    {                                                                                                    \
        uint64_t r;                                                                                      \
        __asm__ volatile("movq %1, %%mm0\n\t" #nm " %2, %%mm0\n\tmovq %%mm0, %0\n\temms"               \
                         : "=m"(r) : "m"(a), "m"(b) : "mm0");                                          \
        return r;                                                                                        \
    }
MMX_OP_LIST(HOST_REG)
#define HOST_ROW(opc, nm, k) { opc, #nm, k, host_##nm, host_##nm##_m },
#else
#define HOST_ROW(opc, nm, k) { opc, #nm, k, NULL, NULL },
#endif

static const struct mmx_form {
    uint8_t opc;
    const char *name;
    int op;
    host_fn host_reg, host_mem;
} forms[] = { MMX_OP_LIST(HOST_ROW) };
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static const struct mmx_form *form_of(int op)
{
    for (unsigned k = 0; k < NFORMS; k++)
        if (forms[k].op == op)
            return &forms[k];
    return NULL;
}

#if HOST_MMX
/* The shifts by an immediate on the host, for a set of immediates (each a
 * separate encoding); returns 0 and leaves *r alone for other counts. */
#define HOST_IMM1(nm, n)                                                                                \
    case n:                                                                                             \
        __asm__ volatile("movq %1, %%mm0\n\t" #nm " $" #n ", %%mm0\n\tmovq %%mm0, %0\n\temms"            \
                         : "=m"(*r) : "m"(a) : "mm0");                                                  \
        return 1;
#define HOST_IMM(nm)                                                                                    \
    static int host_imm_##nm(uint64_t a, unsigned imm, uint64_t *r)                                     \
    {                                                                                                   \
        switch (imm) {                                                                                  \
            HOST_IMM1(nm, 0) HOST_IMM1(nm, 1) HOST_IMM1(nm, 7) HOST_IMM1(nm, 8) HOST_IMM1(nm, 15)        \
            HOST_IMM1(nm, 16) HOST_IMM1(nm, 31) HOST_IMM1(nm, 32) HOST_IMM1(nm, 63) HOST_IMM1(nm, 64)    \
            HOST_IMM1(nm, 255)                                                                          \
        }                                                                                               \
        return 0;                                                                                       \
    }
HOST_IMM(psrlw) HOST_IMM(psraw) HOST_IMM(psllw) HOST_IMM(psrld) HOST_IMM(psrad) HOST_IMM(pslld)
HOST_IMM(psrlq) HOST_IMM(psllq)
#define IMMFN(nm) host_imm_##nm
#else
#define IMMFN(nm) NULL
#endif

/* 0F 71/72/73 /n ib */
static const struct {
    uint8_t opc, ext;
    int op;
    int (*host)(uint64_t a, unsigned imm, uint64_t *r);
} imm_forms[] = {
    { 0x71, 2, MMX_PSRLW, IMMFN(psrlw) }, { 0x71, 4, MMX_PSRAW, IMMFN(psraw) }, { 0x71, 6, MMX_PSLLW, IMMFN(psllw) },
    { 0x72, 2, MMX_PSRLD, IMMFN(psrld) }, { 0x72, 4, MMX_PSRAD, IMMFN(psrad) }, { 0x72, 6, MMX_PSLLD, IMMFN(pslld) },
    { 0x73, 2, MMX_PSRLQ, IMMFN(psrlq) }, { 0x73, 6, MMX_PSLLQ, IMMFN(psllq) },
};

/* Golden vectors: generated on an x86-64 host, paddsw/psraw/packsswb/pmaddwd
 * checked by hand.  Shift counts are 17 and 3. */
static const struct {
    uint8_t opc;
    uint64_t a, b, r;
} goldens[] = {
    { 0x60, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFF00FF0100FF8080ull }, /* punpcklbw */
    { 0x60, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x768954AB32CD10EFull }, /* punpcklbw */
    { 0x61, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFF00010080FF80ull }, /* punpcklwd */
    { 0x61, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x765489AB3210CDEFull }, /* punpcklwd */
    { 0x62, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFF00800001FF80ull }, /* punpckldq */
    { 0x62, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x7654321089ABCDEFull }, /* punpckldq */
    { 0x63, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x7F80FF7F807F0180ull }, /* packsswb */
    { 0x63, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x80807F7F7F7F8080ull }, /* packsswb */
    { 0x64, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x00FFFF00FFFF0000ull }, /* pcmpgtb */
    { 0x64, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFF00000000ull }, /* pcmpgtb */
    { 0x65, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0000FFFFFFFF0000ull }, /* pcmpgtw */
    { 0x65, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFF00000000ull }, /* pcmpgtw */
    { 0x66, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x00000000FFFFFFFFull }, /* pcmpgtd */
    { 0x66, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFF00000000ull }, /* pcmpgtd */
    { 0x67, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFF00008000FF0100ull }, /* packuswb */
    { 0x67, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000FFFFFFFF0000ull }, /* packuswb */
    { 0x68, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x7F80FF00807F01FFull }, /* punpckhbw */
    { 0x68, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFE01DC23BA459867ull }, /* punpckhbw */
    { 0x69, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x7FFF800080017FFFull }, /* punpckhwd */
    { 0x69, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFEDC0123BA984567ull }, /* punpckhwd */
    { 0x6A, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x7FFF800180007FFFull }, /* punpckhdq */
    { 0x6A, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFEDCBA9801234567ull }, /* punpckhdq */
    { 0x6B, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x7FFF800080007FFFull }, /* packssdw */
    { 0x6B, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x80007FFF7FFF8000ull }, /* packssdw */
    { 0x74, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x00000000000000FFull }, /* pcmpeqb */
    { 0x74, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000000000000000ull }, /* pcmpeqb */
    { 0x75, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0000000000000000ull }, /* pcmpeqw */
    { 0x75, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000000000000000ull }, /* pcmpeqw */
    { 0x76, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0000000000000000ull }, /* pcmpeqd */
    { 0x76, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000000000000000ull }, /* pcmpeqd */
    { 0xD1, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0x0000000000000000ull }, /* psrlw */
    { 0xD1, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x002408AC113519BDull }, /* psrlw */
    { 0xD2, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0x0000400000000000ull }, /* psrld */
    { 0xD2, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x002468AC113579BDull }, /* psrld */
    { 0xD3, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0x000040003FFF8000ull }, /* psrlq */
    { 0xD3, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x002468ACF13579BDull }, /* psrlq */
    { 0xD5, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x8000FFFFFFFFC000ull }, /* pmullw */
    { 0xD5, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xB4140B28FE1C8CF0ull }, /* pmullw */
    { 0xD8, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x010000FE0000FF00ull }, /* psubusb */
    { 0xD8, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000000013579BDFull }, /* psubusb */
    { 0xD9, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x000100000000FF00ull }, /* psubusw */
    { 0xD9, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000000013579BDFull }, /* psubusw */
    { 0xDB, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0000000100010080ull }, /* pand */
    { 0xDB, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x0000000000000000ull }, /* pand */
    { 0xDC, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFFFFFFFFFFFFFFull }, /* paddusb */
    { 0xDC, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddusb */
    { 0xDD, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFFFFFFFFFFFFFFull }, /* paddusw */
    { 0xDD, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddusw */
    { 0xDF, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x7FFF8000FFFE0000ull }, /* pandn */
    { 0xDF, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFEDCBA9876543210ull }, /* pandn */
    { 0xE1, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0xFFFF00000000FFFFull }, /* psraw */
    { 0xE1, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x002408ACF135F9BDull }, /* psraw */
    { 0xE2, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0xFFFFC00000000000ull }, /* psrad */
    { 0xE2, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x002468ACF13579BDull }, /* psrad */
    { 0xE5, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xC000C000FFFFFFFFull }, /* pmulhw */
    { 0xE5, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFEED2FC94DF635ull }, /* pmulhw */
    { 0xE8, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x80017FFE0102FF00ull }, /* psubsb */
    { 0xE8, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x03477F7F80809BDFull }, /* psubsb */
    { 0xE9, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x80007FFF0002FF00ull }, /* psubsw */
    { 0xE9, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x02477FFF80009BDFull }, /* psubsw */
    { 0xEB, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFFFFFFFFFFFF80ull }, /* por */
    { 0xEB, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* por */
    { 0xEC, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFFFF00FF00FF80ull }, /* paddsb */
    { 0xEC, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddsb */
    { 0xED, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFF000000000000ull }, /* paddsw */
    { 0xED, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddsw */
    { 0xEF, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFFFFFEFFFEFF00ull }, /* pxor */
    { 0xEF, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* pxor */
    { 0xF1, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0x0000000000000000ull }, /* psllw */
    { 0xF1, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x09182B384D586F78ull }, /* psllw */
    { 0xF2, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0xFFFE0000FF000000ull }, /* pslld */
    { 0xF2, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x091A2B384D5E6F78ull }, /* pslld */
    { 0xF3, 0x80007FFF0001FF80ull, 0x0000000000000011ull, 0xFFFE0003FF000000ull }, /* psllq */
    { 0xF3, 0x0123456789ABCDEFull, 0x0000000000000003ull, 0x091A2B3C4D5E6F78ull }, /* psllq */
    { 0xF5, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x80017FFFFFFFBFFFull }, /* pmaddwd */
    { 0xF5, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xED2DBF3CBF838B0Cull }, /* pmaddwd */
    { 0xF8, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0101FFFE0102FF00ull }, /* psubb */
    { 0xF8, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x03478BCF13579BDFull }, /* psubb */
    { 0xF9, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0001FFFE0002FF00ull }, /* psubw */
    { 0xF9, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x02478ACF13579BDFull }, /* psubw */
    { 0xFA, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0000FFFE0002FF00ull }, /* psubd */
    { 0xFA, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0x02468ACF13579BDFull }, /* psubd */
    { 0xFC, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFFFF00FF00FF00ull }, /* paddb */
    { 0xFC, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddb */
    { 0xFD, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0xFFFF000000000000ull }, /* paddw */
    { 0xFD, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddw */
    { 0xFE, 0x80007FFF0001FF80ull, 0x7FFF8001FFFF0080ull, 0x0000000000010000ull }, /* paddd */
    { 0xFE, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 0xFFFFFFFFFFFFFFFFull }, /* paddd */
};

/* ---- machine helpers ---- */

struct machine *mmx_machine(const char *model)
{
    struct machine *m = testlib_cpu_machine(model);
    testlib_fault_stubs(m, HANDLERS);
    testlib_real_mode(&m->cpu);
    return m;
}

/* Run the code from 0000:CODE until HLT. */
void run_code(struct machine *m, const uint8_t *code, size_t n)
{
    testlib_put_code(m, CODE, code, n);
    testlib_run_at(m, CODE);
}

/* ---- random operands ---- */

uint64_t rng(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x * 0x2545F4914F6CDD1Dull;
}

/* Bytes from the saturation and comparison edges. */
static uint64_t edgy(uint64_t *x)
{
    static const uint8_t e[8] = { 0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x40 };
    uint64_t v = 0, r = rng(x);
    for (int k = 0; k < 8; k++)
        v |= (uint64_t)e[(r >> (3 * k)) & 7] << (8 * k);
    return v;
}

static uint64_t operand(uint64_t *x) { return rng(x) & 1 ? rng(x) : edgy(x); }

/* A shift count: in range, around the lane width, huge, or with only high bits set. */
static uint64_t shift_count(uint64_t *x)
{
    switch (rng(x) & 3) {
    case 0: return rng(x) % 70;
    case 1: return rng(x) & 0xFF;
    case 2: return rng(x);
    default: return (1ull << (8 + rng(x) % 56)) | (rng(x) & 15);
    }
}

static int is_shift(int op)
{
    return op == MMX_PSRLW || op == MMX_PSRLD || op == MMX_PSRLQ || op == MMX_PSRAW || op == MMX_PSRAD ||
           op == MMX_PSLLW || op == MMX_PSLLD || op == MMX_PSLLQ;
}

static void operands(uint64_t *x, int op, uint64_t *a, uint64_t *b)
{
    *a = operand(x);
    if (is_shift(op))
        *b = shift_count(x);
    else if ((rng(x) & 3) == 0)
        *b = *a ^ (rng(x) & 0xFF00FF0000FF00FFull & -(uint64_t)(rng(x) & 1)); /* equal lanes */
    else
        *b = operand(x);
}

/* ---- x87 aliasing checks ---- */

void random_fpu(struct cpu *c, uint64_t *x, struct fstate *s)
{
    for (int k = 0; k < 8; k++)
        c->fpu.st[k] = fx_make((uint16_t)rng(x), rng(x));
    c->fpu.sw = (uint16_t)((rng(x) & 7) << 11 | (rng(x) & 0x4700));
    c->fpu.tw = (uint16_t)rng(x);
    c->fpu.cw = 0x037F;
    c->fpu.fip = (uint32_t)rng(x);
    c->fpu.fdp = (uint32_t)rng(x);
    c->fpu.fop = (uint16_t)(rng(x) & 0x7FF);
    memcpy(s->st, c->fpu.st, sizeof(s->st));
    s->sw = c->fpu.sw;
    s->cw = c->fpu.cw;
    s->fip = c->fpu.fip;
    s->fdp = c->fpu.fdp;
    s->fop = c->fpu.fop;
}

/* After an MMX instruction other than EMMS: TOP = 0, every tag valid, the
 * other status bits, the control word and the pointers unchanged; register
 * wr (or none, -1) holds FFFF:val, the others are unchanged. */
int alias_ok(const struct cpu *c, const struct fstate *s, int wr, uint64_t val)
{
    const struct fpu *f = &c->fpu;
    if (f->sw != (s->sw & ~FSW_TOP) || f->tw != 0 || f->cw != s->cw || f->fip != s->fip || f->fdp != s->fdp ||
        f->fop != s->fop)
        return 0;
    for (int k = 0; k < 8; k++) {
        if (k == wr) {
            if (f->st[k].se != 0xFFFF || f->st[k].sig != val)
                return 0;
        } else if (f->st[k].se != s->st[k].se || f->st[k].sig != s->st[k].sig) {
            return 0;
        }
    }
    return 1;
}

/* ModR/M register pairs (reg, rm) used in turn, including reg == rm. */
static const uint8_t pairs[8][2] = { { 0, 1 }, { 2, 5 }, { 7, 3 }, { 4, 4 }, { 1, 0 }, { 6, 7 }, { 3, 2 }, { 5, 6 } };

struct diff {
    int n;
    char first[200];
};

static void note(struct diff *d, const char *what, uint64_t a, uint64_t b, uint64_t got, uint64_t want)
{
    if (d->n++)
        return;
    snprintf(d->first, sizeof(d->first), "%s a=%016llx b=%016llx: tarsier %016llx, expected %016llx", what,
             (unsigned long long)a, (unsigned long long)b, (unsigned long long)got, (unsigned long long)want);
}

/* ---- the two-operand forms against the host ---- */

START_TEST(test_ops_vs_host)
{
    if (!HOST_MMX)
        return;
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    uint64_t x = 0x243F6A8885A308D3ull;
    for (unsigned f = 0; f < NFORMS; f++) {
        const struct mmx_form *fm = &forms[f];
        /* CODE + 16v: op mm(reg), mm(rm); CODE + 0x100 + 16v: op mm(reg), [DATA] */
        for (int v = 0; v < 8; v++) {
            const uint8_t r[] = { 0x0F, fm->opc, (uint8_t)(0xC0 | pairs[v][0] << 3 | pairs[v][1]), 0xF4 };
            const uint8_t mem[] = { 0x0F, fm->opc, (uint8_t)(pairs[v][0] << 3 | 6), DATA & 0xFF, DATA >> 8, 0xF4 };
            memcpy(m->mem.ram + CODE + 16 * v, r, sizeof(r));
            memcpy(m->mem.ram + CODE + 0x100 + 16 * v, mem, sizeof(mem));
        }
        block_cache_flush_all(c);
        struct diff d = { 0, "" };
        for (int n = 0; n < 2 * CASES; n++) {
            int v = n & 7, memform = (n >> 3) & 1, dst = pairs[v][0], src = pairs[v][1];
            uint64_t a, b, want;
            struct fstate s;
            operands(&x, fm->op, &a, &b);
            random_fpu(c, &x, &s);
            if (!memform && dst == src)
                b = a;
            s.st[dst].sig = c->fpu.st[dst].sig = a;
            if (memform) {
                testlib_put_ram64(m, DATA, b);
                want = fm->host_mem(a, b);
            } else {
                s.st[src].sig = c->fpu.st[src].sig = b;
                want = fm->host_reg(a, b);
            }
            testlib_run_at(m, CODE + (memform ? 0x100u : 0u) + 16u * (unsigned)v);
            if (exc_vector(c) != 0xFF || !alias_ok(c, &s, dst, want))
                note(&d, fm->name, a, b, c->fpu.st[dst].sig, want);
        }
        ck_assert_msg(d.n == 0, "%s: %d differences in %d cases; first: %s", fm->name, d.n, 2 * CASES, d.first);
    }
    machine_destroy(m);
}
END_TEST

START_TEST(test_shift_imm_vs_host)
{
    if (!HOST_MMX)
        return;
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    uint64_t x = 0x13198A2E03707344ull;
    for (unsigned f = 0; f < sizeof(imm_forms) / sizeof(imm_forms[0]); f++) {
        const struct mmx_form *rf = form_of(imm_forms[f].op);
        int rm = (int)(f + 3) & 7;
        /* CODE + 8 * imm: op mm(rm), imm; hlt */
        for (unsigned imm = 0; imm < 256; imm++) {
            const uint8_t code[] = { 0x0F, imm_forms[f].opc, (uint8_t)(0xC0 | imm_forms[f].ext << 3 | rm),
                                     (uint8_t)imm, 0xF4 };
            memcpy(m->mem.ram + CODE + 8 * imm, code, sizeof(code));
        }
        block_cache_flush_all(c);
        struct diff d = { 0, "" };
        int host_imm_cases = 0;
        for (int n = 0; n < CASES; n++) {
            unsigned imm = (unsigned)(n & 1 ? rng(&x) % 70 : rng(&x) & 0xFF);
            uint64_t a = operand(&x), want;
            struct fstate s;
            random_fpu(c, &x, &s);
            s.st[rm].sig = c->fpu.st[rm].sig = a;
            /* the immediate encoding on the host where it has one, else the
             * same count from a register (SDM: the count is the same operand) */
            if (imm_forms[f].host(a, imm, &want))
                host_imm_cases++;
            else
                want = rf->host_reg(a, imm);
            testlib_run_at(m, CODE + 8 * imm);
            if (exc_vector(c) != 0xFF || !alias_ok(c, &s, rm, want))
                note(&d, rf->name, a, imm, c->fpu.st[rm].sig, want);
        }
        ck_assert_msg(d.n == 0, "%s imm: %d differences; first: %s", rf->name, d.n, d.first);
        ck_assert(host_imm_cases > 100);
    }
    machine_destroy(m);
}
END_TEST

#if HOST_MMX
static uint64_t host_movd_load(uint32_t v)
{
    uint64_t r, ones = ~0ull;
    __asm__ volatile("movq %2, %%mm3\n\tmovd %1, %%mm3\n\tmovq %%mm3, %0\n\temms"
                     : "=m"(r) : "r"(v), "m"(ones) : "mm3");
    return r;
}

static uint32_t host_movd_store(uint64_t v)
{
    uint32_t r;
    __asm__ volatile("movq %1, %%mm4\n\tmovd %%mm4, %0\n\temms" : "=r"(r) : "m"(v) : "mm4");
    return r;
}

static uint64_t host_movq(uint64_t v)
{
    uint64_t r;
    __asm__ volatile("movq %1, %%mm6\n\tmovq %%mm6, %%mm2\n\tmovq %%mm2, %0\n\temms" : "=m"(r) : "m"(v) : "mm6", "mm2");
    return r;
}
#endif

/* MOVD and MOVQ in every direction, register and memory forms. */
START_TEST(test_moves_vs_host)
{
#if HOST_MMX
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    uint64_t x = 0xA4093822299F31D0ull;
    enum { MOVD_MR, MOVD_MM32, MOVD_RM, MOVD_M32M, MOVQ_6F, MOVQ_7F, MOVQ_MM64, MOVQ_M64M, NKINDS };
    static const char *const names[NKINDS] = { "movd mm,r32", "movd mm,m32", "movd r32,mm", "movd m32,mm",
                                               "movq mm,mm (6F)", "movq mm,mm (7F)", "movq mm,m64", "movq m64,mm" };
    static const uint8_t opc[NKINDS] = { 0x6E, 0x6E, 0x7E, 0x7E, 0x6F, 0x7F, 0x6F, 0x7F };
    static const uint8_t mem[NKINDS] = { 0, 1, 0, 1, 0, 0, 1, 1 };
    for (int k = 0; k < NKINDS; k++) {
        for (int v = 0; v < 8; v++) {
            uint8_t code[6] = { 0x0F, opc[k], (uint8_t)(0xC0 | pairs[v][0] << 3 | pairs[v][1]), 0xF4 };
            if (mem[k]) {
                code[2] = (uint8_t)(pairs[v][0] << 3 | 6);
                code[3] = DATA & 0xFF;
                code[4] = DATA >> 8;
                code[5] = 0xF4;
            }
            memcpy(m->mem.ram + CODE + 16 * v, code, sizeof(code));
        }
        block_cache_flush_all(c);
        struct diff d = { 0, "" };
        for (int n = 0; n < CASES; n++) {
            int v = n & 7, reg = pairs[v][0], rm = pairs[v][1];
            uint64_t a = operand(&x), fill = rng(&x), got = 0, want = 0;
            struct fstate s;
            random_fpu(c, &x, &s);
            for (int r = 0; r < 8; r++)
                c->r[r] = (uint32_t)rng(&x);
            testlib_put_ram64(m, DATA, fill);
            int wr = -1;
            switch (k) {
            case MOVD_MR: c->r[rm] = (uint32_t)a; break;
            case MOVD_MM32: testlib_put_ram64(m, DATA, a); break;
            case MOVD_RM: case MOVD_M32M: case MOVQ_6F: case MOVQ_7F: case MOVQ_M64M:
                s.st[k == MOVQ_6F ? rm : reg].sig = c->fpu.st[k == MOVQ_6F ? rm : reg].sig = a;
                break;
            default: testlib_put_ram64(m, DATA, a); break;
            }
            testlib_run_at(m, CODE + 16u * (unsigned)v);
            switch (k) {
            case MOVD_MR: /* run_at sets ESP to 8000h */
                want = host_movd_load(rm == R_ESP ? 0x8000 : (uint32_t)a);
                wr = reg, got = c->fpu.st[reg].sig;
                break;
            case MOVD_MM32: want = host_movd_load((uint32_t)a), wr = reg, got = c->fpu.st[reg].sig; break;
            case MOVD_RM: want = host_movd_store(a), got = c->r[rm]; break;
            case MOVD_M32M:
                want = (fill & ~0xFFFFFFFFull) | host_movd_store(a), got = testlib_ram64(m, DATA);
                break;
            case MOVQ_6F: want = host_movq(a), wr = reg, got = c->fpu.st[reg].sig; break;
            case MOVQ_7F: want = host_movq(a), wr = rm, got = c->fpu.st[rm].sig; break;
            case MOVQ_MM64: want = host_movq(a), wr = reg, got = c->fpu.st[reg].sig; break;
            default: want = host_movq(a), got = testlib_ram64(m, DATA); break;
            }
            if (exc_vector(c) != 0xFF || got != want || !alias_ok(c, &s, wr, want))
                note(&d, names[k], a, fill, got, want);
        }
        ck_assert_msg(d.n == 0, "%s: %d differences; first: %s", names[k], d.n, d.first);
    }
    machine_destroy(m);
#endif
}
END_TEST

/* The golden vectors on every host (and, on x86, the host agrees with them). */
START_TEST(test_goldens)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    for (unsigned g = 0; g < sizeof(goldens) / sizeof(goldens[0]); g++) {
        /* op mm1, mm6; hlt */
        const uint8_t code[] = { 0x0F, goldens[g].opc, 0xCE, 0xF4 };
        c->fpu.st[1].sig = goldens[g].a;
        c->fpu.st[6].sig = goldens[g].b;
        run_code(m, code, sizeof(code));
        ck_assert_msg(c->fpu.st[1].sig == goldens[g].r, "golden %u (0F %02X): %016llx", g, goldens[g].opc,
                      (unsigned long long)c->fpu.st[1].sig);
        unsigned f = 0;
        while (forms[f].opc != goldens[g].opc)
            f++;
        ck_assert_uint_eq(mmx_alu(forms[f].op, goldens[g].a, goldens[g].b), goldens[g].r);
#if HOST_MMX
        ck_assert_uint_eq(forms[f].host_reg(goldens[g].a, goldens[g].b), goldens[g].r);
#endif
    }
    ck_assert_uint_eq(sizeof(goldens) / sizeof(goldens[0]), 2 * NFORMS);
    machine_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mmx");
    testlib_tcase(s, "host", 300,
                  (const TTest *const[]){ test_goldens, test_ops_vs_host, test_shift_imm_vs_host, test_moves_vs_host,
                                          NULL });
    mmx_add_state_tests(s);
    return testlib_run_suite(s);
}
