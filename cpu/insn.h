/*
 * insn.h - the decoded instruction and the decoder interface.
 *
 * The decoder (decode.c) turns bytes into a compact struct insn using the one
 * instruction table (optable.h).  The interpreter calls insn->sem; the JIT will
 * emit calls to the same semantic functions.
 */
#ifndef TARSIER_INSN_H
#define TARSIER_INSN_H

#include <stdint.h>

#include "cpu/cpu.h"

struct insn;
typedef void (*sem_fn)(struct cpu *c, const struct insn *i);

/* Operand forms: how the semantic function finds its operands. */
enum form {
    FM_NONE,
    FM_EG,    /* dst r/m, src reg */
    FM_GE,    /* dst reg, src r/m */
    FM_AI,    /* dst accumulator, src immediate */
    FM_EI,    /* dst r/m, src immediate */
    FM_E,     /* r/m only */
    FM_Z,     /* register in the low 3 bits of the opcode */
    FM_ZI,    /* register in opcode bits, immediate */
    FM_I,     /* immediate only */
    FM_J,     /* relative branch target in imm */
    FM_GEI,   /* dst reg, src r/m, immediate (IMUL, SHLD/SHRD use EG + imm) */
    FM_EGI,   /* dst r/m, src reg, immediate count */
    FM_EGC,   /* dst r/m, src reg, count in CL */
    FM_E1,    /* r/m, count 1 */
    FM_EC,    /* r/m, count CL */
    FM_M,     /* memory-only r/m */
    FM_O,     /* moffs in imm */
    FM_AP,    /* far pointer ptr16:16/32 in imm (offset) and imm2 (selector) */
};

/* Immediate encodings that follow the opcode (and ModR/M, SIB, displacement). */
enum immkind { IM_NONE, IM_B, IM_BS, IM_W, IM_Z, IM_O, IM_AP, IM_WB };

/* Operand size classes. */
enum szclass { SZ_NONE, SZ_B, SZ_V, SZ_W, SZ_D };

/* Row attributes. */
#define A_MODRM 0x0001u   /* a ModR/M byte follows */
#define A_LOCK 0x0002u    /* LOCK allowed (with a memory destination) */
#define A_MEM 0x0004u     /* ModR/M must be memory, mod == 3 is #UD */
#define A_REG 0x0008u     /* ModR/M must be register (MOV CR/DR) */
#define A_BRANCH 0x0010u  /* ends a decoded block */
#define A_PMONLY 0x0020u  /* #UD in real and v86 mode */
#define A_PREFIX 0x0040u
#define A_GROUP 0x0080u   /* the row is one of eight selected by ModR/M.reg */
#define A_STR 0x0100u     /* string instruction: REP prefixes apply */
#define A_UD 0x0200u      /* always #UD (UD2, unassigned rows kept for the verdict) */
#define A_SIZE_W 0x0400u  /* operand forced to 16 bits */
#define A_NOSEG 0x0800u   /* LEA: no segment */
#define A_FPU 0x1000u     /* x87 escape */
#define A_STOP 0x2000u    /* ends the block after execution (mode/flag changes) */
#define A_ALIAS86 0x4000u /* decoded by the 8086 and 286 only; #UD from the 386 on */

struct op_row {
    const char *mnem;
    sem_fn sem;
    uint16_t attrs;
    uint8_t form;
    uint8_t imm;
    uint8_t size;
    uint8_t min_gen;   /* enum cpu_gen */
    uint8_t sub;       /* operation selector for shared semantic functions */
};

/* Maps: one-byte opcodes, 0F two-byte opcodes. */
#define MAP_1 0
#define MAP_0F 1

#define REG_NONE 0xFF

struct insn {
    sem_fn sem;
    const struct op_row *row;
    uint32_t disp;
    uint32_t imm;
    uint16_t imm2;
    uint8_t len;
    uint8_t map;
    uint8_t opc;
    uint8_t osz;       /* operand size in bytes: 1, 2 or 4 */
    uint8_t o32;       /* 32-bit operand-size attribute */
    uint8_t a32;       /* 32-bit address-size attribute */
    uint8_t seg;       /* segment of the memory operand (default or override) */
    uint8_t seg_ovr;   /* override segment or SEG_NONE */
    uint8_t rep;       /* 0, 0xF3 or 0xF2 */
    uint8_t lock;
    uint8_t modrm;
    uint8_t mod, reg, rm;
    uint8_t base, index, scale; /* resolved memory operand, REG_NONE when absent */
    uint8_t sub;
    uint8_t nprefix;
};

static inline int insn_is_mem(const struct insn *i) { return i->mod != 3; }

/* Decode one instruction.  fetch(opaque, n) returns byte n of the instruction
 * (n counts from the first prefix) or a negative value when it is not
 * available (page fault on fetch or end of buffer).
 * Returns the length (> 0); DEC_UD for an invalid instruction (i->len holds the
 * bytes consumed); DEC_FETCH for a fetch failure at byte i->len;
 * DEC_TOOLONG past the length limit. */
#define DEC_UD (-1)
#define DEC_FETCH (-2)
#define DEC_TOOLONG (-3)
typedef int (*fetch_fn)(void *opaque, unsigned n);
int decode_insn(struct insn *i, int code32, enum cpu_gen gen, fetch_fn fetch, void *opaque);
/* Convenience: decode from a buffer. */
int decode_buf(struct insn *i, int code32, enum cpu_gen gen, const uint8_t *buf, unsigned len);

extern const struct op_row op_table[2][256];
extern const struct op_row op_groups[][8];
extern const struct op_row op_ud_row;

#endif
