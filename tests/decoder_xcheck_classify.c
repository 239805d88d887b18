/*
 * decoder_xcheck_classify.c - the classification of decoder_xcheck: an
 * independent scan of the bytes (prefixes, opcode, ModR/M length), the
 * capstone groups and instruction ids of the ISA extensions after the
 * Pentium Pro, and classify(), which puts every disagreement between tarsier
 * and capstone into exactly one class by a precise rule.  See
 * decoder_xcheck.c and docs/decoder-xcheck.md.
 */
#include <capstone/capstone.h>
#include <string.h>

#include "cpu/insn.h"
#include "cpu/sem.h"
#include "tests/decoder_xcheck.h"

/* ------------------------------------------------- independent byte scan */

static int is_prefix(uint8_t b)
{
    for (unsigned k = 0; k < NPREFIX_SET; k++)
        if (prefix_set[k] == b)
            return 1;
    return 0;
}

/* A scan of the sequence by the rules of SDM Vol. 2 ch. 2, written
 * independently of cpu/decode.c, used by the classification rules. */
struct scan {
    unsigned npfx;    /* prefix bytes before the opcode */
    int lock;
    int o16;          /* an operand-size prefix is present */
    int rep;          /* an F2 or F3 prefix is present */
    int a32;          /* effective address size */
    int map;          /* MAP_1 or MAP_0F */
    uint8_t opc;
    unsigned at;      /* offset of the byte after the opcode (ModR/M) */
};

static void scan_bytes(const uint8_t *b, int code32, struct scan *s)
{
    unsigned p = 0;
    memset(s, 0, sizeof(*s));
    s->a32 = code32;
    while (p < BUFLEN - 8 && is_prefix(b[p])) {
        if (b[p] == 0xF0)
            s->lock = 1;
        if (b[p] == 0x67)
            s->a32 = !code32;
        if (b[p] == 0x66)
            s->o16 = 1;
        if (b[p] == 0xF2 || b[p] == 0xF3)
            s->rep = 1;
        p++;
    }
    s->npfx = p;
    if (b[p] == 0x0F) {
        s->map = MAP_0F;
        s->opc = b[p + 1];
        s->at = p + 2;
    } else {
        s->map = MAP_1;
        s->opc = b[p];
        s->at = p + 1;
    }
}

/* Bytes taken by a ModR/M byte at b[at] with its SIB and displacement. */
static unsigned modrm_len(const uint8_t *b, unsigned at, int a32)
{
    uint8_t m = b[at];
    unsigned mod = m >> 6, rm = m & 7;
    if (mod == 3)
        return 1;
    if (!a32) {
        if (mod == 0)
            return rm == 6 ? 3 : 1;
        return mod == 1 ? 2 : 3;
    }
    unsigned n = 1;
    if (rm == 4) {
        n++;
        if (mod == 0 && (b[at + 1] & 7) == 5)
            n += 4;
    } else if (mod == 0 && rm == 5) {
        n += 4;
    }
    if (mod == 1)
        n += 1;
    else if (mod == 2)
        n += 4;
    return n;
}

/* The table row tarsier selects for the scanned opcode (group rows resolved
 * with ModR/M.reg). */
static const struct op_row *table_row(const uint8_t *b, const struct scan *s)
{
    const struct op_row *row = &op_table[s->map][s->opc];
    if (row->attrs & A_GROUP)
        row = &op_groups[row->sub][(b[s->at] >> 3) & 7];
    return row;
}

/* ------------------------------------------------ capstone groups and ids */

static int has_group(const struct sample *s, unsigned g)
{
    for (unsigned k = 0; k < s->ngroups; k++)
        if (s->groups[k] == g)
            return 1;
    return 0;
}

static int has_any_group(const struct sample *s, const unsigned *list, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        if (has_group(s, list[k]))
            return 1;
    return 0;
}

static int id_in(unsigned id, const unsigned *list, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        if (list[k] == id)
            return 1;
    return 0;
}

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ISA groups of capstone that mark VEX-, EVEX- and XOP-encoded extensions. */
static const unsigned vex_groups[] = {
    X86_GRP_AVX, X86_GRP_AVX2, X86_GRP_AVX512, X86_GRP_FMA, X86_GRP_FMA4, X86_GRP_XOP,
    X86_GRP_F16C, X86_GRP_BMI, X86_GRP_BMI2, X86_GRP_TBM, X86_GRP_CDI, X86_GRP_ERI,
    X86_GRP_DQI, X86_GRP_BWI, X86_GRP_PFI, X86_GRP_VLX,
};
/* SSE family groups (all after the Pentium Pro: SSE is Pentium III). */
static const unsigned sse_groups[] = {
    X86_GRP_SSE1, X86_GRP_SSE2, X86_GRP_SSE3, X86_GRP_SSSE3, X86_GRP_SSE41, X86_GRP_SSE42,
    X86_GRP_SSE4A, X86_GRP_AES, X86_GRP_PCLMUL, X86_GRP_SHA,
};
/* Other extension groups, all after the P6. */
static const unsigned later_groups[] = {
    X86_GRP_ADX, X86_GRP_RTM, X86_GRP_HLE, X86_GRP_FSGSBASE, X86_GRP_SGX, X86_GRP_SMAP,
};
/* Instructions capstone reports with no ISA group that the Pentium Pro does
 * not have, each with the processor that introduced it. */
static const unsigned later_ids[] = {
    X86_INS_SYSCALL, X86_INS_SYSRET,                       /* AMD K6 */
    X86_INS_FXSAVE, X86_INS_FXRSTOR,                       /* Pentium II (FXSR) */
    X86_INS_PREFETCH, X86_INS_PREFETCHW,                   /* AMD K6-2, 0F 0D */
    X86_INS_POPCNT, X86_INS_LZCNT,                         /* Nehalem / Barcelona */
    X86_INS_MOVBE, X86_INS_CRC32,                          /* Atom / Nehalem */
    X86_INS_RDTSCP, X86_INS_RDRAND, X86_INS_RDSEED,        /* K8, Ivy Bridge, Broadwell */
    X86_INS_XGETBV, X86_INS_XSETBV, X86_INS_XSAVE, X86_INS_XRSTOR, X86_INS_XSAVEOPT,
    X86_INS_XSAVEC, X86_INS_XSAVES, X86_INS_XRSTORS,       /* Penryn and later (XSAVE) */
    X86_INS_GETSEC,                                        /* SMX */
    X86_INS_CLFLUSHOPT, X86_INS_CLWB, X86_INS_PCOMMIT, X86_INS_INVPCID,
    X86_INS_MONTMUL, X86_INS_XSTORE, X86_INS_XCRYPTCBC, X86_INS_XCRYPTCFB,
    X86_INS_XCRYPTCTR, X86_INS_XCRYPTECB, X86_INS_XCRYPTOFB, X86_INS_XSHA1,
    X86_INS_XSHA256,                                       /* VIA PadLock */
    X86_INS_XBEGIN, X86_INS_XABORT, X86_INS_XEND, X86_INS_XTEST, /* TSX */
    X86_INS_CLAC, X86_INS_STAC, X86_INS_ENCLS, X86_INS_ENCLU,
    X86_INS_SWAPGS, X86_INS_INVLPGA, X86_INS_SKINIT, X86_INS_VMRUN,
};
static const unsigned ud_ids[] = { X86_INS_UD2, X86_INS_UD2B, X86_INS_UD0 };

/* --------------------------------------------------------------- classes */

const struct class_desc class_info[C_COUNT] = {
    [C_VEX] = { "VEX/EVEX/XOP instruction capstone decodes; P6: LES/LDS/BOUND/POP reg form #UD", 1 },
    [C_MMX] = { "capstone decodes MMX (group mmx); the Pentium Pro has no MMX: #UD", 1 },
    [C_SSE] = { "capstone decodes SSE..SSE4.2/SSE4a/AES/SHA (group); P6: #UD", 1 },
    [C_3DNOW] = { "capstone decodes 3DNow! (group 3dnow); P6: #UD", 1 },
    [C_VM] = { "capstone decodes VMX/SVM (group vm); P6: #UD", 1 },
    [C_LATER] = { "capstone decodes a post-P6 instruction (listed group or id); P6: #UD", 1 },
    [C_UDOP] = { "UD2/UD1/UD0: capstone names them, the CPU raises #UD", 1 },
    [C_LOCK] = { "LOCK on a non-lockable or register form: capstone decodes, CPU #UD", 1 },
    [C_X87] = { "x87 escape encoding capstone rejects; P6 executes it (ModR/M length)", 1 },
    [C_HINTNOP] = { "0F 18-1F hint-NOP register form capstone rejects; P6 NOP", 1 },
    [C_OVERLONG] = { "capstone accepts more than 15 bytes; CPU #GP (too long)", 1 },
    [C_RSM] = { "RSM (0F AA): capstone decodes; #UD outside SMM, which tarsier lacks", 1 },
    [C_CS_CALL66] = { "capstone bug: 66 F2/F3 E8 in 32-bit mode read as CALL rel32", 1 },
    [C_CS_MOFFS66] = { "capstone bug: 66 F2/F3 A0-A3 (MOV moffs) in 32-bit mode rejected", 1 },
    [C_MOVCS] = { "MOV CS, r/m (8E /1): capstone decodes, CPU #UD", 1 },
    [C_BIOSTRAP] = { "0F 04 ib: tarsier's firmware trap; #UD outside the BIOS ROM (checked at run time)", 1 },
    [C_BUG_SREG] = { "DECODER BUG: MOV Sreg with Sreg 6/7 decodes; CPU #UD", 0 },
    [C_BUG_LEA] = { "DECODER BUG: LEA with a register operand decodes; CPU #UD", 0 },
    [C_BUG_LOCKCMP] = { "DECODER BUG: LOCK CMP r/m, reg (38/39) decodes; CPU #UD", 0 },
    [C_U_TUD] = { "unexplained: tarsier #UD, capstone decodes", 0 },
    [C_U_TOK] = { "unexplained: tarsier decodes, capstone rejects", 0 },
    [C_U_LEN] = { "unexplained: both decode, lengths differ", 0 },
    [C_U_TLONG] = { "unexplained: tarsier too long, capstone decodes <= 15 bytes", 0 },
};

/* Decode with every LOCK prefix replaced by DS: (3E), which changes neither
 * the length nor, except for LOCK, the verdict. */
static int decode_without_lock(const struct sample *s, const struct scan *sc, unsigned *len)
{
    uint8_t nb[BUFLEN];
    struct insn in;
    memcpy(nb, s->b, BUFLEN);
    for (unsigned k = 0; k < sc->npfx; k++)
        if (nb[k] == 0xF0)
            nb[k] = 0x3E;
    int rc = decode_buf(&in, s->code32, CPU_PPRO, nb, BUFLEN);
    *len = in.len;
    return rc;
}

/* The length the Pentium Pro gives an instruction whose form is prefixes,
 * opcode, ModR/M (+SIB, displacement) and no immediate. */
static unsigned modrm_insn_len(const struct sample *s, const struct scan *sc)
{
    return sc->at + modrm_len(s->b, sc->at, sc->a32);
}

/* Capstone 4 bug: in 32-bit code, 66 E8 with an F2 or F3 prefix is read as
 * CALL rel32; the P6 reads rel16 (the 66 selects the 16-bit operand size
 * whatever else is present, SDM Vol. 2 CALL).  t_len is tarsier's length. */
static int cs_call66_bug(const struct sample *s, const struct scan *sc, unsigned t_len)
{
    if (!s->code32 || sc->map != MAP_1 || sc->opc != 0xE8 || !sc->o16 || !sc->rep ||
        t_len != sc->at + 2)
        return 0;
    /* capstone's rel32 reading, or its rejection when that passes 15 bytes */
    return s->cs_ok ? s->cs_len == sc->at + 4 : sc->at + 4 > 15;
}

/* Capstone 4 bug: in 32-bit code, MOV AL/eAX <-> moffs (A0-A3) with both a
 * 66 and an F2/F3 prefix is rejected; the P6 decodes it with a moffs of the
 * address size (the REP prefixes are ignored, 66 only changes the operand
 * size). */
static int cs_moffs_bug(const struct sample *s, const struct scan *sc, unsigned t_len)
{
    return s->code32 && !s->cs_ok && sc->map == MAP_1 && sc->opc >= 0xA0 && sc->opc <= 0xA3 &&
           sc->o16 && sc->rep && t_len == sc->at + (sc->a32 ? 4u : 2u);
}

static int is_vex_insn(const struct sample *s, const cs_insn *di)
{
    return has_any_group(s, vex_groups, COUNT_OF(vex_groups)) || di->mnemonic[0] == 'v';
}

enum cls classify(struct sample *s, cs_insn *di)
{
    struct scan sc;
    scan_bytes(s->b, s->code32, &sc);
    capstone_groups(s, di);
    const struct op_row *row = table_row(s->b, &sc);
    uint8_t modrm = s->b[sc.at];
    unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7;

    if (s->t_rc == DEC_UD && s->cs_ok) {
        unsigned nl_len;
        int nl_rc = decode_without_lock(s, &sc, &nl_len);
        /* LOCK: the same bytes decode without the LOCK, to capstone's length,
         * and the row is not lockable or the operand is a register. */
        if (sc.lock && nl_rc > 0 && (nl_len == s->cs_len || cs_call66_bug(s, &sc, nl_len)) &&
            (!(row->attrs & A_LOCK) || mod == 3))
            return C_LOCK;
        if (nl_rc != DEC_UD)
            return C_U_TUD;
        /* From here on the opcode itself (not a LOCK) is invalid on the P6. */
        if (sc.map == MAP_1 && sc.opc == 0x8E && reg == 1 && s->cs_id == X86_INS_MOV)
            return C_MOVCS; /* SDM Vol. 2 MOV: #UD if an attempt is made to load CS */
        /* The remaining explained classes need the P6 table itself to say
         * the opcode or form is invalid: an unassigned row or group slot,
         * an always-#UD row, or the register form of a memory-only row. */
        if (!(!row->mnem || (row->attrs & A_UD) || ((row->attrs & A_MEM) && mod == 3)))
            return C_U_TUD;
        if (id_in(s->cs_id, ud_ids, COUNT_OF(ud_ids)) && (row->attrs & A_UD))
            return C_UDOP;
        if (sc.map == MAP_1 && is_vex_insn(s, di)) {
            int vex = (sc.opc == 0xC4 || sc.opc == 0xC5 || sc.opc == 0x62) && mod == 3 &&
                      (row->attrs & A_MEM);
            int xop = sc.opc == 0x8F && (modrm & 0x1F) >= 8 && (row->attrs & A_UD);
            if (vex || xop)
                return C_VEX;
        }
        if (sc.map == MAP_0F && sc.opc == 0xAA && s->cs_id == X86_INS_RSM && !row->mnem)
            return C_RSM;
        if (has_group(s, X86_GRP_MMX))
            return C_MMX;
        if (has_any_group(s, sse_groups, COUNT_OF(sse_groups)))
            return C_SSE;
        if (has_group(s, X86_GRP_3DNOW))
            return C_3DNOW;
        if (has_group(s, X86_GRP_VM))
            return C_VM;
        if (has_any_group(s, later_groups, COUNT_OF(later_groups)) ||
            id_in(s->cs_id, later_ids, COUNT_OF(later_ids)))
            return C_LATER;
        return C_U_TUD;
    }
    if (s->t_rc == DEC_TOOLONG && s->cs_ok) {
        if (s->cs_len > 15)
            return C_OVERLONG;
        /* UD1 (0F B9 /r) whose ModR/M is the 16th byte: capstone's ud2b
         * stops at the opcode. */
        if (sc.map == MAP_0F && sc.opc == 0xB9 && s->cs_id == X86_INS_UD2B && s->cs_len == sc.at &&
            modrm_insn_len(s, &sc) > 15)
            return C_UDOP;
        return C_U_TLONG;
    }
    if (s->t_rc > 0 && !s->cs_ok) {
        unsigned ref = modrm_insn_len(s, &sc);
        if (sc.map == MAP_1 && sc.opc >= 0xD8 && sc.opc <= 0xDF && (row->attrs & A_FPU) &&
            (unsigned)s->t_rc == ref)
            return C_X87;
        if (sc.map == MAP_0F && mod == 3 && (unsigned)s->t_rc == ref &&
            ((sc.opc >= 0x19 && sc.opc <= 0x1F) || (sc.opc == 0x18 && reg >= 4)))
            return C_HINTNOP;
        if (sc.map == MAP_1 && (sc.opc == 0x8C || sc.opc == 0x8E) && reg >= 6)
            return C_BUG_SREG;
        if (sc.map == MAP_0F && sc.opc == 0x04 && (unsigned)s->t_rc == sc.at + 1 && row->sem == sem_biostrap)
            return C_BIOSTRAP;
        if (cs_moffs_bug(s, &sc, (unsigned)s->t_rc))
            return C_CS_MOFFS66;
        if (cs_call66_bug(s, &sc, (unsigned)s->t_rc))
            return C_CS_CALL66;
        if (sc.map == MAP_1 && sc.opc == 0x8D && mod == 3)
            return C_BUG_LEA;
        if (sc.map == MAP_1 && (sc.opc == 0x38 || sc.opc == 0x39) && sc.lock && mod != 3)
            return C_BUG_LOCKCMP;
        return C_U_TOK;
    }
    if (s->t_rc > 0 && s->cs_ok) {
        /* CALL rel16 after 66 in 32-bit code: the P6 reads a 16-bit
         * displacement whatever F2/F3 accompany the 66 (SDM Vol. 2, CALL and
         * 2.1.1); capstone 4 takes rel32 when F2 or F3 is also present. */
        if (cs_call66_bug(s, &sc, (unsigned)s->t_rc))
            return C_CS_CALL66;
    }
    return C_U_LEN;
}
