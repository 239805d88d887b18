/*
 * decoder_xcheck.h - what the two files of decoder_xcheck share
 * (decoder_xcheck.c: random sequences, running both decoders, reports and
 * main; decoder_xcheck_classify.c: the independent byte scan and the
 * difference classes).  See docs/decoder-xcheck.md.
 */
#ifndef TARSIER_TESTS_DECODER_XCHECK_H
#define TARSIER_TESTS_DECODER_XCHECK_H

#include <capstone/capstone.h>
#include <stdint.h>

#define BUFLEN 32          /* bytes handed to both decoders (> 15: no fetch failures) */

/* The prefixes of the 386+ (segment overrides, operand and address size,
 * LOCK, REPNE, REP). */
static const uint8_t prefix_set[] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3 };
#define NPREFIX_SET (sizeof(prefix_set) / sizeof(prefix_set[0]))

struct sample {
    uint8_t b[BUFLEN];
    int code32;
    int t_rc;           /* decode_buf() result */
    unsigned t_len;     /* insn.len */
    int cs_ok;
    unsigned cs_len;
    unsigned cs_id;
    char cs_text[96];
    uint8_t groups[16];
    unsigned ngroups;
};

/* Capstone's instruction groups of s into s->groups, from the detail handle
 * (decoder_xcheck.c; only called on a disagreement). */
void capstone_groups(struct sample *s, cs_insn *di);

/* ---- classes (decoder_xcheck_classify.c) ---- */

enum cls {
    C_VEX,
    C_MMX,
    C_SSE,
    C_3DNOW,
    C_VM,
    C_LATER,
    C_UDOP,
    C_LOCK,
    C_X87,
    C_HINTNOP,
    C_OVERLONG,
    C_RSM,
    C_CS_CALL66,
    C_CS_MOFFS66,
    C_MOVCS,
    C_BIOSTRAP,
    /* unexplained */
    C_BUG_SREG,
    C_BUG_LEA,
    C_BUG_LOCKCMP,
    C_U_TUD,
    C_U_TOK,
    C_U_LEN,
    C_U_TLONG,
    C_COUNT
};

struct class_desc {
    const char *name;
    int explained;
};
extern const struct class_desc class_info[C_COUNT];

/* The class of a disagreement between the two decoders on s. */
enum cls classify(struct sample *s, cs_insn *di);

#endif
