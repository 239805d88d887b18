/*
 * optable.c - the one instruction table: every one-byte and 0F opcode of the
 * integer ISA from the 8086 to the Pentium II (Pentium Pro plus MMX; the MMX
 * rows decode from the Pentium on and raise #UD at run time on models without
 * CPUID.MMX, see cpu/sem_mmx.c).  Each row gives the mnemonic,
 * the semantic function, the operand form, the immediate encoding, the operand
 * size class, the first generation that has it, attributes and a sub-operation
 * selector.  Decode maps, disassembly names and semantics all come from here.
 * Opcode map follows Intel SDM Vol. 2, Appendix A.
 */
#include "cpu/insn.h"
#include "cpu/sem.h"

#define R(mn, fn, fm, im, sz, gen, at, sb) \
    { .mnem = mn, .sem = fn, .attrs = (at), .form = fm, .imm = im, .size = sz, .min_gen = gen, .sub = sb }
#define UD R("(bad)", sem_ud, FM_NONE, IM_NONE, SZ_NONE, CPU_8086, A_UD, 0)
#define GRP(g, gen) R("(grp)", NULL, FM_NONE, IM_NONE, SZ_NONE, gen, A_GROUP | A_MODRM, g)
#define PFX R("(prefix)", NULL, FM_NONE, IM_NONE, SZ_NONE, CPU_8086, A_PREFIX, 0)

#define G86 CPU_8086
#define G286 CPU_286
#define G386 CPU_386
#define G486 CPU_486
#define G586 CPU_PENTIUM
#define G686 CPU_PPRO

#define ALU(base, mn, k, lk)                                                           \
    [base + 0] = R(mn, sem_alu, FM_EG, IM_NONE, SZ_B, G86, A_MODRM | (lk), k),   \
    [base + 1] = R(mn, sem_alu, FM_EG, IM_NONE, SZ_V, G86, A_MODRM | (lk), k),   \
    [base + 2] = R(mn, sem_alu, FM_GE, IM_NONE, SZ_B, G86, A_MODRM, k),          \
    [base + 3] = R(mn, sem_alu, FM_GE, IM_NONE, SZ_V, G86, A_MODRM, k),          \
    [base + 4] = R(mn, sem_alu, FM_AI, IM_B, SZ_B, G86, 0, k),                   \
    [base + 5] = R(mn, sem_alu, FM_AI, IM_Z, SZ_V, G86, 0, k)

#define JCC8(n, mn) [0x70 + n] = R(mn, sem_jcc, FM_J, IM_BS, SZ_NONE, G86, A_BRANCH, n)
#define JCCZ(n, mn) [0x80 + n] = R(mn, sem_jcc, FM_J, IM_Z, SZ_NONE, G386, A_BRANCH, n)
#define SETCC(n, mn) [0x90 + n] = R(mn, sem_setcc, FM_E, IM_NONE, SZ_B, G386, A_MODRM, n)
#define CMOV(n, mn) [0x40 + n] = R(mn, sem_cmov, FM_GE, IM_NONE, SZ_V, G686, A_MODRM, n)
#define MMX(opc, mn, k) [opc] = R(mn, sem_mmx_alu, FM_GE, IM_NONE, SZ_NONE, G586, A_MODRM, k)
#define MMXI(mn, k) R(mn, sem_mmx_shift_imm, FM_EI, IM_B, SZ_NONE, G586, A_MODRM | A_REG, k)
#define EIGHT(base, row) [base] = row, [base + 1] = row, [base + 2] = row, [base + 3] = row, \
    [base + 4] = row, [base + 5] = row, [base + 6] = row, [base + 7] = row

/* Group indices (op_groups rows). */
enum {
    GR_80, GR_81, GR_82, GR_83, GR_8F, GR_C0, GR_C1, GR_C6, GR_C7, GR_D0, GR_D1, GR_D2, GR_D3,
    GR_F6, GR_F7, GR_FE, GR_FF, GR_0F00, GR_0F01, GR_0FBA, GR_0FC7, GR_0F18, GR_0FAE, GR_0F71, GR_0F72,
    GR_0F73, GR_COUNT
};

const struct op_row op_ud_row = UD;

const struct op_row op_table[2][256] = {
    [MAP_1] = {
        ALU(0x00, "add", ALU_ADD, A_LOCK), ALU(0x08, "or", ALU_OR, A_LOCK), ALU(0x10, "adc", ALU_ADC, A_LOCK),
        ALU(0x18, "sbb", ALU_SBB, A_LOCK), ALU(0x20, "and", ALU_AND, A_LOCK), ALU(0x28, "sub", ALU_SUB, A_LOCK),
        ALU(0x30, "xor", ALU_XOR, A_LOCK), ALU(0x38, "cmp", ALU_CMP, 0),
        [0x06] = R("push es", sem_push_sreg, FM_NONE, IM_NONE, SZ_V, G86, 0, SEG_ES),
        [0x07] = R("pop es", sem_pop_sreg, FM_NONE, IM_NONE, SZ_V, G86, 0, SEG_ES),
        [0x0E] = R("push cs", sem_push_sreg, FM_NONE, IM_NONE, SZ_V, G86, 0, SEG_CS),
        [0x0F] = R("pop cs", sem_pop_sreg, FM_NONE, IM_NONE, SZ_V, G86, A_ALIAS86 | A_BRANCH, SEG_CS),
        [0x16] = R("push ss", sem_push_sreg, FM_NONE, IM_NONE, SZ_V, G86, 0, SEG_SS),
        [0x17] = R("pop ss", sem_pop_sreg, FM_NONE, IM_NONE, SZ_V, G86, A_STOP, SEG_SS),
        [0x1E] = R("push ds", sem_push_sreg, FM_NONE, IM_NONE, SZ_V, G86, 0, SEG_DS),
        [0x1F] = R("pop ds", sem_pop_sreg, FM_NONE, IM_NONE, SZ_V, G86, 0, SEG_DS),
        [0x26] = PFX, [0x2E] = PFX, [0x36] = PFX, [0x3E] = PFX,
        [0x27] = R("daa", sem_daa, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        [0x2F] = R("das", sem_das, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        [0x37] = R("aaa", sem_aaa, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        [0x3F] = R("aas", sem_aas, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        EIGHT(0x40, R("inc", sem_incdec, FM_Z, IM_NONE, SZ_V, G86, 0, 0)),
        EIGHT(0x48, R("dec", sem_incdec, FM_Z, IM_NONE, SZ_V, G86, 0, 1)),
        EIGHT(0x50, R("push", sem_push_reg, FM_Z, IM_NONE, SZ_V, G86, 0, 0)),
        EIGHT(0x58, R("pop", sem_pop_reg, FM_Z, IM_NONE, SZ_V, G86, 0, 0)),
        [0x60] = R("pusha", sem_pusha, FM_NONE, IM_NONE, SZ_V, G286, 0, 0),
        [0x61] = R("popa", sem_popa, FM_NONE, IM_NONE, SZ_V, G286, 0, 0),
        [0x62] = R("bound", sem_bound, FM_GE, IM_NONE, SZ_V, G286, A_MODRM | A_MEM, 0),
        [0x63] = R("arpl", sem_arpl, FM_EG, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, 0),
        [0x64] = PFX, [0x65] = PFX, [0x66] = PFX, [0x67] = PFX,
        [0x68] = R("push", sem_push_imm, FM_I, IM_Z, SZ_V, G286, 0, 0),
        [0x69] = R("imul", sem_imul3, FM_GEI, IM_Z, SZ_V, G286, A_MODRM, 0),
        [0x6A] = R("push", sem_push_imm, FM_I, IM_BS, SZ_V, G286, 0, 0),
        [0x6B] = R("imul", sem_imul3, FM_GEI, IM_BS, SZ_V, G286, A_MODRM, 0),
        [0x6C] = R("insb", sem_ins, FM_NONE, IM_NONE, SZ_B, G286, A_STR, 0),
        [0x6D] = R("ins", sem_ins, FM_NONE, IM_NONE, SZ_V, G286, A_STR, 0),
        [0x6E] = R("outsb", sem_outs, FM_NONE, IM_NONE, SZ_B, G286, A_STR, 0),
        [0x6F] = R("outs", sem_outs, FM_NONE, IM_NONE, SZ_V, G286, A_STR, 0),
        JCC8(0, "jo"), JCC8(1, "jno"), JCC8(2, "jb"), JCC8(3, "jae"), JCC8(4, "je"), JCC8(5, "jne"),
        JCC8(6, "jbe"), JCC8(7, "ja"), JCC8(8, "js"), JCC8(9, "jns"), JCC8(10, "jp"), JCC8(11, "jnp"),
        JCC8(12, "jl"), JCC8(13, "jge"), JCC8(14, "jle"), JCC8(15, "jg"),
        [0x80] = GRP(GR_80, G86), [0x81] = GRP(GR_81, G86), [0x82] = GRP(GR_82, G86), [0x83] = GRP(GR_83, G86),
        [0x84] = R("test", sem_test, FM_EG, IM_NONE, SZ_B, G86, A_MODRM, 0),
        [0x85] = R("test", sem_test, FM_EG, IM_NONE, SZ_V, G86, A_MODRM, 0),
        [0x86] = R("xchg", sem_xchg, FM_EG, IM_NONE, SZ_B, G86, A_MODRM | A_LOCK, 0),
        [0x87] = R("xchg", sem_xchg, FM_EG, IM_NONE, SZ_V, G86, A_MODRM | A_LOCK, 0),
        [0x88] = R("mov", sem_mov, FM_EG, IM_NONE, SZ_B, G86, A_MODRM, 0),
        [0x89] = R("mov", sem_mov, FM_EG, IM_NONE, SZ_V, G86, A_MODRM, 0),
        [0x8A] = R("mov", sem_mov, FM_GE, IM_NONE, SZ_B, G86, A_MODRM, 0),
        [0x8B] = R("mov", sem_mov, FM_GE, IM_NONE, SZ_V, G86, A_MODRM, 0),
        [0x8C] = R("mov", sem_mov_from_sreg, FM_EG, IM_NONE, SZ_V, G86, A_MODRM, 0),
        [0x8D] = R("lea", sem_lea, FM_GE, IM_NONE, SZ_V, G86, A_MODRM | A_MEM | A_NOSEG, 0),
        [0x8E] = R("mov", sem_mov_to_sreg, FM_GE, IM_NONE, SZ_W, G86, A_MODRM, 0),
        [0x8F] = GRP(GR_8F, G86),
        [0x90] = R("nop", sem_nop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, 0),
        [0x91] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x92] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x93] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x94] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x95] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x96] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x97] = R("xchg", sem_xchg, FM_Z, IM_NONE, SZ_V, G86, 0, 0),
        [0x98] = R("cbw", sem_cbw, FM_NONE, IM_NONE, SZ_V, G86, 0, 0),
        [0x99] = R("cwd", sem_cwd, FM_NONE, IM_NONE, SZ_V, G86, 0, 0),
        [0x9A] = R("lcall", sem_call_far_imm, FM_AP, IM_AP, SZ_V, G86, A_BRANCH, 0),
        [0x9B] = R("wait", sem_wait, FM_NONE, IM_NONE, SZ_NONE, G86, 0, 0),
        [0x9C] = R("pushf", sem_pushf, FM_NONE, IM_NONE, SZ_V, G86, 0, 0),
        [0x9D] = R("popf", sem_popf, FM_NONE, IM_NONE, SZ_V, G86, A_STOP, 0),
        [0x9E] = R("sahf", sem_sahf, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        [0x9F] = R("lahf", sem_lahf, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        [0xA0] = R("mov", sem_mov_moffs, FM_O, IM_O, SZ_B, G86, 0, 0),
        [0xA1] = R("mov", sem_mov_moffs, FM_O, IM_O, SZ_V, G86, 0, 0),
        [0xA2] = R("mov", sem_mov_moffs, FM_O, IM_O, SZ_B, G86, 0, 1),
        [0xA3] = R("mov", sem_mov_moffs, FM_O, IM_O, SZ_V, G86, 0, 1),
        [0xA4] = R("movsb", sem_movs, FM_NONE, IM_NONE, SZ_B, G86, A_STR, 0),
        [0xA5] = R("movs", sem_movs, FM_NONE, IM_NONE, SZ_V, G86, A_STR, 0),
        [0xA6] = R("cmpsb", sem_cmps, FM_NONE, IM_NONE, SZ_B, G86, A_STR, 0),
        [0xA7] = R("cmps", sem_cmps, FM_NONE, IM_NONE, SZ_V, G86, A_STR, 0),
        [0xA8] = R("test", sem_test, FM_AI, IM_B, SZ_B, G86, 0, 0),
        [0xA9] = R("test", sem_test, FM_AI, IM_Z, SZ_V, G86, 0, 0),
        [0xAA] = R("stosb", sem_stos, FM_NONE, IM_NONE, SZ_B, G86, A_STR, 0),
        [0xAB] = R("stos", sem_stos, FM_NONE, IM_NONE, SZ_V, G86, A_STR, 0),
        [0xAC] = R("lodsb", sem_lods, FM_NONE, IM_NONE, SZ_B, G86, A_STR, 0),
        [0xAD] = R("lods", sem_lods, FM_NONE, IM_NONE, SZ_V, G86, A_STR, 0),
        [0xAE] = R("scasb", sem_scas, FM_NONE, IM_NONE, SZ_B, G86, A_STR, 0),
        [0xAF] = R("scas", sem_scas, FM_NONE, IM_NONE, SZ_V, G86, A_STR, 0),
        EIGHT(0xB0, R("mov", sem_mov, FM_ZI, IM_B, SZ_B, G86, 0, 0)),
        EIGHT(0xB8, R("mov", sem_mov, FM_ZI, IM_Z, SZ_V, G86, 0, 0)),
        [0xC0] = GRP(GR_C0, G286), [0xC1] = GRP(GR_C1, G286),
        [0xC2] = R("ret", sem_ret_near, FM_I, IM_W, SZ_V, G86, A_BRANCH, 0),
        [0xC3] = R("ret", sem_ret_near, FM_NONE, IM_NONE, SZ_V, G86, A_BRANCH, 0),
        [0xC4] = R("les", sem_lxs, FM_GE, IM_NONE, SZ_V, G86, A_MODRM | A_MEM, SEG_ES),
        [0xC5] = R("lds", sem_lxs, FM_GE, IM_NONE, SZ_V, G86, A_MODRM | A_MEM, SEG_DS),
        [0xC6] = GRP(GR_C6, G86), [0xC7] = GRP(GR_C7, G86),
        [0xC8] = R("enter", sem_enter, FM_I, IM_WB, SZ_V, G286, 0, 0),
        [0xC9] = R("leave", sem_leave, FM_NONE, IM_NONE, SZ_V, G286, 0, 0),
        [0xCA] = R("lret", sem_ret_far, FM_I, IM_W, SZ_V, G86, A_BRANCH, 0),
        [0xCB] = R("lret", sem_ret_far, FM_NONE, IM_NONE, SZ_V, G86, A_BRANCH, 0),
        [0xCC] = R("int3", sem_int3, FM_NONE, IM_NONE, SZ_NONE, G86, A_BRANCH, 0),
        [0xCD] = R("int", sem_int, FM_I, IM_B, SZ_NONE, G86, A_BRANCH, 0),
        [0xCE] = R("into", sem_into, FM_NONE, IM_NONE, SZ_NONE, G86, A_BRANCH, 0),
        [0xCF] = R("iret", sem_iret, FM_NONE, IM_NONE, SZ_V, G86, A_BRANCH, 0),
        [0xD0] = GRP(GR_D0, G86), [0xD1] = GRP(GR_D1, G86), [0xD2] = GRP(GR_D2, G86), [0xD3] = GRP(GR_D3, G86),
        [0xD4] = R("aam", sem_aam, FM_I, IM_B, SZ_B, G86, 0, 0),
        [0xD5] = R("aad", sem_aad, FM_I, IM_B, SZ_B, G86, 0, 0),
        [0xD6] = R("salc", sem_salc, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        [0xD7] = R("xlat", sem_xlat, FM_NONE, IM_NONE, SZ_B, G86, 0, 0),
        EIGHT(0xD8, R("(x87)", sem_fpu, FM_E, IM_NONE, SZ_NONE, G86, A_MODRM | A_FPU, 0)),
        [0xE0] = R("loopne", sem_loop, FM_J, IM_BS, SZ_NONE, G86, A_BRANCH, 0),
        [0xE1] = R("loope", sem_loop, FM_J, IM_BS, SZ_NONE, G86, A_BRANCH, 1),
        [0xE2] = R("loop", sem_loop, FM_J, IM_BS, SZ_NONE, G86, A_BRANCH, 2),
        [0xE3] = R("jcxz", sem_loop, FM_J, IM_BS, SZ_NONE, G86, A_BRANCH, 3),
        [0xE4] = R("in", sem_in, FM_I, IM_B, SZ_B, G86, 0, 0),
        [0xE5] = R("in", sem_in, FM_I, IM_B, SZ_V, G86, 0, 0),
        [0xE6] = R("out", sem_out, FM_I, IM_B, SZ_B, G86, 0, 0),
        [0xE7] = R("out", sem_out, FM_I, IM_B, SZ_V, G86, 0, 0),
        [0xE8] = R("call", sem_call_rel, FM_J, IM_Z, SZ_V, G86, A_BRANCH, 0),
        [0xE9] = R("jmp", sem_jmp_rel, FM_J, IM_Z, SZ_V, G86, A_BRANCH, 0),
        [0xEA] = R("ljmp", sem_jmp_far_imm, FM_AP, IM_AP, SZ_V, G86, A_BRANCH, 0),
        [0xEB] = R("jmp", sem_jmp_rel, FM_J, IM_BS, SZ_V, G86, A_BRANCH, 0),
        [0xEC] = R("in", sem_in, FM_NONE, IM_NONE, SZ_B, G86, 0, 1),
        [0xED] = R("in", sem_in, FM_NONE, IM_NONE, SZ_V, G86, 0, 1),
        [0xEE] = R("out", sem_out, FM_NONE, IM_NONE, SZ_B, G86, 0, 1),
        [0xEF] = R("out", sem_out, FM_NONE, IM_NONE, SZ_V, G86, 0, 1),
        [0xF0] = PFX,
        [0xF1] = R("int1", sem_int1, FM_NONE, IM_NONE, SZ_NONE, G386, A_BRANCH, 0),
        [0xF2] = PFX, [0xF3] = PFX,
        [0xF4] = R("hlt", sem_hlt, FM_NONE, IM_NONE, SZ_NONE, G86, A_BRANCH, 0),
        [0xF5] = R("cmc", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, FO_CMC),
        [0xF6] = GRP(GR_F6, G86), [0xF7] = GRP(GR_F7, G86),
        [0xF8] = R("clc", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, FO_CLC),
        [0xF9] = R("stc", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, FO_STC),
        [0xFA] = R("cli", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, FO_CLI),
        [0xFB] = R("sti", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, A_STOP, FO_STI),
        [0xFC] = R("cld", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, FO_CLD),
        [0xFD] = R("std", sem_flagop, FM_NONE, IM_NONE, SZ_NONE, G86, 0, FO_STD),
        [0xFE] = GRP(GR_FE, G86), [0xFF] = GRP(GR_FF, G86),
    },
    [MAP_0F] = {
        [0x00] = GRP(GR_0F00, G286), [0x01] = GRP(GR_0F01, G286),
        [0x02] = R("lar", sem_lar, FM_GE, IM_NONE, SZ_V, G286, A_MODRM | A_PMONLY, 0),
        [0x03] = R("lsl", sem_lsl, FM_GE, IM_NONE, SZ_V, G286, A_MODRM | A_PMONLY, 0),
        [0x06] = R("clts", sem_clts, FM_NONE, IM_NONE, SZ_NONE, G286, 0, 0),
        [0x08] = R("invd", sem_invd, FM_NONE, IM_NONE, SZ_NONE, G486, 0, 0),
        [0x09] = R("wbinvd", sem_invd, FM_NONE, IM_NONE, SZ_NONE, G486, 0, 1),
        [0x04] = R("biostrap", sem_biostrap, FM_I, IM_B, SZ_NONE, G286, A_STOP, 0),
        [0x0B] = R("ud2", sem_ud, FM_NONE, IM_NONE, SZ_NONE, G286, A_UD, 0),
        [0x18] = GRP(GR_0F18, G686),
        [0x19] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x1A] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x1B] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x1C] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x1D] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x1E] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x1F] = R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
        [0x20] = R("mov", sem_mov_from_cr, FM_EG, IM_NONE, SZ_D, G386, A_MODRM | A_REG | A_STOP, 0),
        [0x21] = R("mov", sem_mov_from_dr, FM_EG, IM_NONE, SZ_D, G386, A_MODRM | A_REG, 0),
        [0x22] = R("mov", sem_mov_to_cr, FM_GE, IM_NONE, SZ_D, G386, A_MODRM | A_REG | A_STOP, 0),
        [0x23] = R("mov", sem_mov_to_dr, FM_GE, IM_NONE, SZ_D, G386, A_MODRM | A_REG | A_STOP, 0),
        [0x30] = R("wrmsr", sem_wrmsr, FM_NONE, IM_NONE, SZ_NONE, G586, A_STOP, 0),
        [0x31] = R("rdtsc", sem_rdtsc, FM_NONE, IM_NONE, SZ_NONE, G586, 0, 0),
        [0x32] = R("rdmsr", sem_rdmsr, FM_NONE, IM_NONE, SZ_NONE, G586, 0, 0),
        [0x33] = R("rdpmc", sem_rdpmc, FM_NONE, IM_NONE, SZ_NONE, G686, 0, 0),
        [0x34] = R("sysenter", sem_sysenter, FM_NONE, IM_NONE, SZ_NONE, G686, A_BRANCH, 0),
        [0x35] = R("sysexit", sem_sysexit, FM_NONE, IM_NONE, SZ_NONE, G686, A_BRANCH, 0),
        CMOV(0, "cmovo"), CMOV(1, "cmovno"), CMOV(2, "cmovb"), CMOV(3, "cmovae"), CMOV(4, "cmove"),
        CMOV(5, "cmovne"), CMOV(6, "cmovbe"), CMOV(7, "cmova"), CMOV(8, "cmovs"), CMOV(9, "cmovns"),
        CMOV(10, "cmovp"), CMOV(11, "cmovnp"), CMOV(12, "cmovl"), CMOV(13, "cmovge"), CMOV(14, "cmovle"),
        CMOV(15, "cmovg"),
        JCCZ(0, "jo"), JCCZ(1, "jno"), JCCZ(2, "jb"), JCCZ(3, "jae"), JCCZ(4, "je"), JCCZ(5, "jne"),
        JCCZ(6, "jbe"), JCCZ(7, "ja"), JCCZ(8, "js"), JCCZ(9, "jns"), JCCZ(10, "jp"), JCCZ(11, "jnp"),
        JCCZ(12, "jl"), JCCZ(13, "jge"), JCCZ(14, "jle"), JCCZ(15, "jg"),
        SETCC(0, "seto"), SETCC(1, "setno"), SETCC(2, "setb"), SETCC(3, "setae"), SETCC(4, "sete"),
        SETCC(5, "setne"), SETCC(6, "setbe"), SETCC(7, "seta"), SETCC(8, "sets"), SETCC(9, "setns"),
        SETCC(10, "setp"), SETCC(11, "setnp"), SETCC(12, "setl"), SETCC(13, "setge"), SETCC(14, "setle"),
        SETCC(15, "setg"),
        /* MMX (SDM Vol. 2 opcode map A-3; the 66/F2/F3 forms are SSE2 and ignored here) */
        MMX(0x60, "punpcklbw", MMX_PUNPCKLBW), MMX(0x61, "punpcklwd", MMX_PUNPCKLWD),
        MMX(0x62, "punpckldq", MMX_PUNPCKLDQ), MMX(0x63, "packsswb", MMX_PACKSSWB),
        MMX(0x64, "pcmpgtb", MMX_PCMPGTB), MMX(0x65, "pcmpgtw", MMX_PCMPGTW), MMX(0x66, "pcmpgtd", MMX_PCMPGTD),
        MMX(0x67, "packuswb", MMX_PACKUSWB), MMX(0x68, "punpckhbw", MMX_PUNPCKHBW),
        MMX(0x69, "punpckhwd", MMX_PUNPCKHWD), MMX(0x6A, "punpckhdq", MMX_PUNPCKHDQ),
        MMX(0x6B, "packssdw", MMX_PACKSSDW),
        [0x6E] = R("movd", sem_mmx_movd, FM_GE, IM_NONE, SZ_D, G586, A_MODRM, 0),
        [0x6F] = R("movq", sem_mmx_movq, FM_GE, IM_NONE, SZ_NONE, G586, A_MODRM, 0),
        [0x71] = GRP(GR_0F71, G586), [0x72] = GRP(GR_0F72, G586), [0x73] = GRP(GR_0F73, G586),
        MMX(0x74, "pcmpeqb", MMX_PCMPEQB), MMX(0x75, "pcmpeqw", MMX_PCMPEQW), MMX(0x76, "pcmpeqd", MMX_PCMPEQD),
        [0x77] = R("emms", sem_emms, FM_NONE, IM_NONE, SZ_NONE, G586, 0, 0),
        [0x7E] = R("movd", sem_mmx_movd, FM_EG, IM_NONE, SZ_D, G586, A_MODRM, 1),
        [0x7F] = R("movq", sem_mmx_movq, FM_EG, IM_NONE, SZ_NONE, G586, A_MODRM, 1),
        MMX(0xD1, "psrlw", MMX_PSRLW), MMX(0xD2, "psrld", MMX_PSRLD), MMX(0xD3, "psrlq", MMX_PSRLQ),
        MMX(0xD5, "pmullw", MMX_PMULLW), MMX(0xD8, "psubusb", MMX_PSUBUSB), MMX(0xD9, "psubusw", MMX_PSUBUSW),
        MMX(0xDB, "pand", MMX_PAND), MMX(0xDC, "paddusb", MMX_PADDUSB), MMX(0xDD, "paddusw", MMX_PADDUSW),
        MMX(0xDF, "pandn", MMX_PANDN), MMX(0xE1, "psraw", MMX_PSRAW), MMX(0xE2, "psrad", MMX_PSRAD),
        MMX(0xE5, "pmulhw", MMX_PMULHW), MMX(0xE8, "psubsb", MMX_PSUBSB), MMX(0xE9, "psubsw", MMX_PSUBSW),
        MMX(0xEB, "por", MMX_POR), MMX(0xEC, "paddsb", MMX_PADDSB), MMX(0xED, "paddsw", MMX_PADDSW),
        MMX(0xEF, "pxor", MMX_PXOR), MMX(0xF1, "psllw", MMX_PSLLW), MMX(0xF2, "pslld", MMX_PSLLD),
        MMX(0xF3, "psllq", MMX_PSLLQ), MMX(0xF5, "pmaddwd", MMX_PMADDWD), MMX(0xF8, "psubb", MMX_PSUBB),
        MMX(0xF9, "psubw", MMX_PSUBW), MMX(0xFA, "psubd", MMX_PSUBD), MMX(0xFC, "paddb", MMX_PADDB),
        MMX(0xFD, "paddw", MMX_PADDW), MMX(0xFE, "paddd", MMX_PADDD),
        [0xA0] = R("push fs", sem_push_sreg, FM_NONE, IM_NONE, SZ_V, G386, 0, SEG_FS),
        [0xA1] = R("pop fs", sem_pop_sreg, FM_NONE, IM_NONE, SZ_V, G386, 0, SEG_FS),
        [0xA2] = R("cpuid", sem_cpuid, FM_NONE, IM_NONE, SZ_NONE, G486, 0, 0),
        [0xA3] = R("bt", sem_bt, FM_EG, IM_NONE, SZ_V, G386, A_MODRM, BT_BT),
        [0xA4] = R("shld", sem_shd, FM_EGI, IM_B, SZ_V, G386, A_MODRM, 0),
        [0xA5] = R("shld", sem_shd, FM_EGC, IM_NONE, SZ_V, G386, A_MODRM, 0),
        [0xA8] = R("push gs", sem_push_sreg, FM_NONE, IM_NONE, SZ_V, G386, 0, SEG_GS),
        [0xA9] = R("pop gs", sem_pop_sreg, FM_NONE, IM_NONE, SZ_V, G386, 0, SEG_GS),
        [0xAB] = R("bts", sem_bt, FM_EG, IM_NONE, SZ_V, G386, A_MODRM | A_LOCK, BT_BTS),
        [0xAC] = R("shrd", sem_shd, FM_EGI, IM_B, SZ_V, G386, A_MODRM, 1),
        [0xAD] = R("shrd", sem_shd, FM_EGC, IM_NONE, SZ_V, G386, A_MODRM, 1),
        [0xAE] = GRP(GR_0FAE, G686),
        [0xAF] = R("imul", sem_imul2, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, 0),
        [0xB0] = R("cmpxchg", sem_cmpxchg, FM_EG, IM_NONE, SZ_B, G486, A_MODRM | A_LOCK, 0),
        [0xB1] = R("cmpxchg", sem_cmpxchg, FM_EG, IM_NONE, SZ_V, G486, A_MODRM | A_LOCK, 0),
        [0xB2] = R("lss", sem_lxs, FM_GE, IM_NONE, SZ_V, G386, A_MODRM | A_MEM | A_STOP, SEG_SS),
        [0xB3] = R("btr", sem_bt, FM_EG, IM_NONE, SZ_V, G386, A_MODRM | A_LOCK, BT_BTR),
        [0xB4] = R("lfs", sem_lxs, FM_GE, IM_NONE, SZ_V, G386, A_MODRM | A_MEM, SEG_FS),
        [0xB5] = R("lgs", sem_lxs, FM_GE, IM_NONE, SZ_V, G386, A_MODRM | A_MEM, SEG_GS),
        [0xB6] = R("movzx", sem_movx, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, MX_ZX8),
        [0xB7] = R("movzx", sem_movx, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, MX_ZX16),
        [0xB9] = R("ud1", sem_ud, FM_GE, IM_NONE, SZ_V, G286, A_MODRM | A_UD, 0),
        [0xBA] = GRP(GR_0FBA, G386),
        [0xBB] = R("btc", sem_bt, FM_EG, IM_NONE, SZ_V, G386, A_MODRM | A_LOCK, BT_BTC),
        [0xBC] = R("bsf", sem_bsf, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, 0),
        [0xBD] = R("bsr", sem_bsf, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, 1),
        [0xBE] = R("movsx", sem_movx, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, MX_SX8),
        [0xBF] = R("movsx", sem_movx, FM_GE, IM_NONE, SZ_V, G386, A_MODRM, MX_SX16),
        [0xC0] = R("xadd", sem_xadd, FM_EG, IM_NONE, SZ_B, G486, A_MODRM | A_LOCK, 0),
        [0xC1] = R("xadd", sem_xadd, FM_EG, IM_NONE, SZ_V, G486, A_MODRM | A_LOCK, 0),
        [0xC7] = GRP(GR_0FC7, G586),
        EIGHT(0xC8, R("bswap", sem_bswap, FM_Z, IM_NONE, SZ_V, G486, 0, 0)),
        [0xFF] = R("ud0", sem_ud, FM_NONE, IM_NONE, SZ_NONE, G286, A_UD, 0),
    },
};

#define GALU(mn, k, sz, im, at) R(mn, sem_alu, FM_EI, im, sz, G86, A_MODRM | (at), k)
#define GRP1(sz, im)                                                                               \
    { GALU("add", ALU_ADD, sz, im, A_LOCK), GALU("or", ALU_OR, sz, im, A_LOCK),                    \
      GALU("adc", ALU_ADC, sz, im, A_LOCK), GALU("sbb", ALU_SBB, sz, im, A_LOCK),                  \
      GALU("and", ALU_AND, sz, im, A_LOCK), GALU("sub", ALU_SUB, sz, im, A_LOCK),                  \
      GALU("xor", ALU_XOR, sz, im, A_LOCK), GALU("cmp", ALU_CMP, sz, im, 0) }
#define SH(mn, k, fm, im, sz, gen) R(mn, sem_shift, fm, im, sz, gen, A_MODRM, k)
#define GRP2(fm, im, sz, gen)                                                                       \
    { SH("rol", SH_ROL, fm, im, sz, gen), SH("ror", SH_ROR, fm, im, sz, gen),                       \
      SH("rcl", SH_RCL, fm, im, sz, gen), SH("rcr", SH_RCR, fm, im, sz, gen),                       \
      SH("shl", SH_SHL, fm, im, sz, gen), SH("shr", SH_SHR, fm, im, sz, gen),                       \
      R("sal", sem_shift, fm, im, sz, gen, A_MODRM, SH_SETMO),                          \
      SH("sar", SH_SAR, fm, im, sz, gen) }
#define GRP3(sz, im)                                                                                \
    { R("test", sem_test, FM_EI, im, sz, G86, A_MODRM, 0),                                          \
      R("test", sem_test, FM_EI, im, sz, G86, A_MODRM, 0),                              \
      R("not", sem_not, FM_E, IM_NONE, sz, G86, A_MODRM | A_LOCK, 0),                               \
      R("neg", sem_neg, FM_E, IM_NONE, sz, G86, A_MODRM | A_LOCK, 0),                               \
      R("mul", sem_muldiv, FM_E, IM_NONE, sz, G86, A_MODRM, MD_MUL),                                \
      R("imul", sem_muldiv, FM_E, IM_NONE, sz, G86, A_MODRM, MD_IMUL),                              \
      R("div", sem_muldiv, FM_E, IM_NONE, sz, G86, A_MODRM, MD_DIV),                                \
      R("idiv", sem_muldiv, FM_E, IM_NONE, sz, G86, A_MODRM, MD_IDIV) }

const struct op_row op_groups[GR_COUNT][8] = {
    [GR_80] = GRP1(SZ_B, IM_B),
    [GR_81] = GRP1(SZ_V, IM_Z),
    [GR_82] = GRP1(SZ_B, IM_B),
    [GR_83] = GRP1(SZ_V, IM_BS),
    [GR_8F] = { R("pop", sem_pop_e, FM_E, IM_NONE, SZ_V, G86, A_MODRM, 0), UD, UD, UD, UD, UD, UD, UD },
    [GR_C0] = GRP2(FM_EI, IM_B, SZ_B, G286),
    [GR_C1] = GRP2(FM_EI, IM_B, SZ_V, G286),
    [GR_C6] = { R("mov", sem_mov, FM_EI, IM_B, SZ_B, G86, A_MODRM, 0), UD, UD, UD, UD, UD, UD, UD },
    [GR_C7] = { R("mov", sem_mov, FM_EI, IM_Z, SZ_V, G86, A_MODRM, 0), UD, UD, UD, UD, UD, UD, UD },
    [GR_D0] = GRP2(FM_E1, IM_NONE, SZ_B, G86),
    [GR_D1] = GRP2(FM_E1, IM_NONE, SZ_V, G86),
    [GR_D2] = GRP2(FM_EC, IM_NONE, SZ_B, G86),
    [GR_D3] = GRP2(FM_EC, IM_NONE, SZ_V, G86),
    [GR_F6] = GRP3(SZ_B, IM_B),
    [GR_F7] = GRP3(SZ_V, IM_Z),
    [GR_FE] = { R("inc", sem_incdec, FM_E, IM_NONE, SZ_B, G86, A_MODRM | A_LOCK, 0),
                R("dec", sem_incdec, FM_E, IM_NONE, SZ_B, G86, A_MODRM | A_LOCK, 1),
                UD, UD, UD, UD, UD, UD },
    [GR_FF] = { R("inc", sem_incdec, FM_E, IM_NONE, SZ_V, G86, A_MODRM | A_LOCK, 0),
                R("dec", sem_incdec, FM_E, IM_NONE, SZ_V, G86, A_MODRM | A_LOCK, 1),
                R("call", sem_call_ind, FM_E, IM_NONE, SZ_V, G86, A_MODRM | A_BRANCH, 0),
                R("lcall", sem_call_far_ind, FM_M, IM_NONE, SZ_V, G86, A_MODRM | A_MEM | A_BRANCH, 0),
                R("jmp", sem_jmp_ind, FM_E, IM_NONE, SZ_V, G86, A_MODRM | A_BRANCH, 0),
                R("ljmp", sem_jmp_far_ind, FM_M, IM_NONE, SZ_V, G86, A_MODRM | A_MEM | A_BRANCH, 0),
                R("push", sem_push_e, FM_E, IM_NONE, SZ_V, G86, A_MODRM, 0),
                R("push", sem_push_e, FM_E, IM_NONE, SZ_V, G86, A_MODRM | A_ALIAS86, 0) },
    [GR_0F00] = { R("sldt", sem_sldt_str, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, SEG_LDTR),
                  R("str", sem_sldt_str, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, SEG_TR),
                  R("lldt", sem_lldt, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, 0),
                  R("ltr", sem_ltr, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, 0),
                  R("verr", sem_verrw, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, 0),
                  R("verw", sem_verrw, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_PMONLY, 1),
                  UD, UD },
    [GR_0F01] = { R("sgdt", sem_sxdt, FM_M, IM_NONE, SZ_NONE, G286, A_MODRM | A_MEM, 0),
                  R("sidt", sem_sxdt, FM_M, IM_NONE, SZ_NONE, G286, A_MODRM | A_MEM, 1),
                  R("lgdt", sem_lxdt, FM_M, IM_NONE, SZ_NONE, G286, A_MODRM | A_MEM, 0),
                  R("lidt", sem_lxdt, FM_M, IM_NONE, SZ_NONE, G286, A_MODRM | A_MEM, 1),
                  R("smsw", sem_smsw, FM_E, IM_NONE, SZ_V, G286, A_MODRM, 0),
                  UD,
                  R("lmsw", sem_lmsw, FM_E, IM_NONE, SZ_W, G286, A_MODRM | A_STOP, 0),
                  R("invlpg", sem_invlpg, FM_M, IM_NONE, SZ_NONE, G486, A_MODRM | A_MEM | A_STOP, 0) },
    [GR_0FBA] = { UD, UD, UD, UD,
                  R("bt", sem_bt, FM_EI, IM_B, SZ_V, G386, A_MODRM, BT_BT),
                  R("bts", sem_bt, FM_EI, IM_B, SZ_V, G386, A_MODRM | A_LOCK, BT_BTS),
                  R("btr", sem_bt, FM_EI, IM_B, SZ_V, G386, A_MODRM | A_LOCK, BT_BTR),
                  R("btc", sem_bt, FM_EI, IM_B, SZ_V, G386, A_MODRM | A_LOCK, BT_BTC) },
    [GR_0FC7] = { UD, R("cmpxchg8b", sem_cmpxchg8b, FM_M, IM_NONE, SZ_NONE, G586, A_MODRM | A_MEM | A_LOCK, 0),
                  UD, UD, UD, UD, UD, UD },
    /* 0F 18 /4-/7 are the P6 reserved-NOP space; /0-/3 (PREFETCHh) arrive with SSE. */
    [GR_0F18] = { UD, UD, UD, UD,
                  R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
                  R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
                  R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0),
                  R("nop", sem_nop, FM_E, IM_NONE, SZ_V, G686, A_MODRM, 0) },
    /* FXSAVE/FXRSTOR: #UD unless the model has CPUID.FXSR (checked in fpu_env.c) */
    [GR_0FAE] = { R("fxsave", fpu_fxsave, FM_M, IM_NONE, SZ_NONE, G686, A_MODRM | A_MEM, 0),
                  R("fxrstor", fpu_fxrstor, FM_M, IM_NONE, SZ_NONE, G686, A_MODRM | A_MEM | A_STOP, 0),
                  UD, UD, UD, UD, UD, UD },
    /* MMX shifts by an immediate: register operand only (A_REG: a memory form is #UD) */
    [GR_0F71] = { UD, UD, MMXI("psrlw", MMX_PSRLW), UD, MMXI("psraw", MMX_PSRAW), UD, MMXI("psllw", MMX_PSLLW), UD },
    [GR_0F72] = { UD, UD, MMXI("psrld", MMX_PSRLD), UD, MMXI("psrad", MMX_PSRAD), UD, MMXI("pslld", MMX_PSLLD), UD },
    [GR_0F73] = { UD, UD, MMXI("psrlq", MMX_PSRLQ), UD, UD, UD, MMXI("psllq", MMX_PSLLQ), UD },
};
