/*
 * dt.h - shared definitions of the differential tester (see docs/difftest.md).
 *
 * A test case ("sequence") is a short run of random user-level instructions
 * with a random initial register, EFLAGS and memory state.  The generator
 * writes every instruction twice: once in its 32-bit protected-mode encoding
 * (run by tarsier and by Unicorn) and once in an encoding with the same
 * architectural effect on the low 32 bits of the registers when executed by
 * the host processor in 64-bit mode (run by the native helper).
 *
 * Guest/host address layout (identical linear addresses on every side):
 *   DT_CODE_BASE  code (tarsier/Unicorn bytes or native bytes)
 *   DT_DATA_BASE  data buffer compared after every sequence
 *   DT_CTL_BASE   native helper control block (not seen by tarsier)
 *   DT_SCRATCH    native helper scratch stack (r15 points at its top)
 */
#ifndef TARSIER_DIFFTEST_DT_H
#define TARSIER_DIFFTEST_DT_H

#include <stdint.h>

#define DT_CODE_BASE 0x01000000u
#define DT_CODE_SIZE 0x10000u
#define DT_DATA_BASE 0x02000000u
#define DT_DATA_SIZE 0x2000u
#define DT_CTL_BASE 0x03000000u
#define DT_CTL_SIZE 0x1000u
#define DT_SCRATCH_BASE 0x03100000u
#define DT_SCRATCH_SIZE 0x10000u

/* Offsets of the regions inside the shared memory file. */
#define DT_SHM_CODE 0u
#define DT_SHM_DATA DT_CODE_SIZE
#define DT_SHM_CTL (DT_CODE_SIZE + DT_DATA_SIZE)
#define DT_SHM_SIZE (DT_SHM_CTL + DT_CTL_SIZE)

/* Native control block at DT_CTL_BASE; offsets are used by native_x64.S. */
struct dt_ctl {
    uint32_t in_regs[8];    /* 0x00 EAX..EDI (ModR/M order) */
    uint64_t in_eflags;     /* 0x20 */
    uint32_t out_regs[8];   /* 0x28 */
    uint64_t out_eflags;    /* 0x48 */
    uint64_t host_rsp;      /* 0x50 */
    uint64_t capture_addr;  /* 0x58 address of dt_capture (for the final jump) */
    int32_t fault_vec;      /* 0x60 -1: none */
    uint32_t fault_off;     /* 0x64 faulting RIP - DT_CODE_BASE */
    uint32_t fault_sig;     /* 0x68 */
};

/* x87/MMX state in the control block: the initial FNSAVE image (108 bytes,
 * 32-bit protected-mode format) and the final FXSAVE image (512 bytes). */
#define DT_CTL_FPU_IN 0x100u
#define DT_CTL_FX_OUT 0x200u
#define DT_FPU_IMAGE 108

/* Limits of one sequence. */
#define DT_MAX_INSNS 96
#define DT_MAX_CODE 4096
#define DT_MAX_SKIP 8

#define DT_FLAGS6 0x8D5u    /* CF PF AF ZF SF OF */

struct dt_seq {
    uint8_t tcode[DT_MAX_CODE];    /* 32-bit encoding, ends with HLT */
    uint8_t ncode[DT_MAX_CODE];    /* 64-bit native encoding, ends with jmp dt_capture */
    uint32_t tlen, nlen;
    int n;                          /* instructions */
    uint32_t toff[DT_MAX_INSNS + 1];/* start offset of each instruction; [n] = end */
    uint32_t noff[DT_MAX_INSNS + 1];
    uint32_t fmask[DT_MAX_INSNS + 1]; /* EFLAGS bits with defined values before insn k ([n]: at end) */
    uint16_t kind[DT_MAX_INSNS];    /* generator class of each instruction (for reports) */
    uint8_t nocut[DT_MAX_INSNS + 1];/* 1: a branch jumps over this point (no truncation here) */
    uint8_t native_ok;              /* every instruction has a native encoding */
    uint8_t has_fpu;                /* holds x87 or MMX instructions (not run in Unicorn) */
    uint16_t cmask[DT_MAX_INSNS + 1]; /* x87 status-word bits with defined values before insn k */
    uint8_t fpu[DT_FPU_IMAGE];      /* initial x87/MMX state as a 32-bit FNSAVE image */
    int nskip;                      /* data-buffer ranges whose contents may differ (FNSTENV pointers) */
    uint32_t skip_addr[DT_MAX_SKIP];
    uint8_t skip_len[DT_MAX_SKIP];
    uint32_t regs[8];
    uint32_t eflags;
    uint64_t mem_seed;
};

/* x87/MMX state as compared (from an FXSAVE image or tarsier's struct fpu). */
struct dt_fpust {
    uint16_t cw, sw;
    uint8_t tags;         /* bit p: physical register p not empty (FXSAVE abridged tag) */
    uint8_t st[8][10];    /* ST(0)..ST(7), 80-bit memory format */
};

/* What one side observed. */
struct dt_result {
    struct dt_fpust fpu;
    int fault_vec;        /* -1: ran to the end */
    int fault_insn;       /* index of the faulting instruction, or -1 */
    uint32_t regs[8];
    uint32_t eflags;
    uint8_t mem[DT_DATA_SIZE];
    uint32_t stack_junk;  /* tarsier: address of the 12-byte exception frame, 0 none */
};

struct dt_rng {
    uint64_t s;
};
static inline uint64_t dt_rand64(struct dt_rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline uint32_t dt_rand(struct dt_rng *r, uint32_t n) /* 0..n-1 */
{
    return (uint32_t)((dt_rand64(r) >> 32) * n >> 32);
}

/* Generator options. */
struct dt_genopt {
    int min_insns, max_insns;
    int allow_nonnative;   /* BCD, PUSHA/POPA ... (Unicorn oracle only) */
    int only_nonnative;    /* only sequences that need the Unicorn oracle */
    uint32_t exclude;      /* generator classes not to use (bit = dt_class_index) */
    int fpu_unmasked_pct;  /* share of sequences that may unmask x87 exceptions */
};

void dt_generate(struct dt_seq *s, struct dt_rng *r, const struct dt_genopt *o, uint64_t capture_addr);
void dt_fill_data(uint8_t *mem, uint64_t seed);
const char *dt_kind_name(int kind);
int dt_class_index(const char *name);
const char *dt_class_names(void);

#endif
