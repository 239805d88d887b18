/*
 * singlestep.h - what the files of the SingleStepTests runner share
 * (singlestep.c: the runner and main; singlestep_meta.c: input errors,
 * metadata.json and the revocation list; singlestep_moo.c: the MOO reader).
 * See docs/singlestep.md.
 */
#ifndef TARSIER_TESTS_SINGLESTEP_H
#define TARSIER_TESTS_SINGLESTEP_H

#include <stddef.h>
#include <stdint.h>

/* ---- input errors (singlestep_meta.c) ---- */

/* Records the message of a bad input file; returns -1. */
int fail_input(const char *fmt, ...);
/* The last message fail_input recorded. */
const char *input_error(void);

/* ---- tiny JSON, metadata, revocations (singlestep_meta.c) ---- */

/* Only what metadata.json needs: objects, arrays, strings, numbers, true,
 * false, null.  Values are kept as a tree; string escapes other than \" and
 * \\ are copied through unchanged (the file has none). */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
    enum jtype type;
    double num;
    char *str;
    int n;                /* members (object) or elements (array) */
    char **keys;
    struct jval **vals;
};

void jfree(struct jval *v);
const struct jval *jget(const struct jval *obj, const char *key);
struct jval *load_json(const char *path);

struct opinfo {
    const char *status;   /* "normal", "alias", ... */
    uint16_t flags_mask;
};

/* Opcode key "F6" and optional reg (-1 none) -> status and flags mask. */
struct opinfo meta_lookup(const struct jval *meta, const char *op, int reg);

struct hashlist {
    uint8_t (*h)[20];
    int n;
};

int load_revocations(const char *path, struct hashlist *hl);
int revoked(const struct hashlist *hl, const uint8_t *h);

/* ---- MOO reader (singlestep_moo.c) ---- */

enum { RG_AX, RG_BX, RG_CX, RG_DX, RG_CS, RG_SS, RG_DS, RG_ES, RG_SP, RG_BP, RG_SI, RG_DI, RG_IP, RG_FLAGS,
       RG_COUNT };

struct ramentry {
    uint32_t addr;
    uint8_t val;
};

struct state {
    uint16_t mask;            /* registers present */
    uint16_t regs[RG_COUNT];
    const uint8_t *ram;       /* count entries of 5 bytes, in the file buffer */
    uint32_t nram;
};

struct test {
    uint32_t idx;
    const char *name;
    uint32_t name_len;
    const uint8_t *bytes;
    uint32_t nbytes;
    struct state init, fina;
    int has_excp;
    uint8_t excp_vec;
    uint32_t excp_flags_addr;
    const uint8_t *hash;      /* 20 bytes or NULL */
};

struct moo {
    uint8_t *buf;
    size_t len;
    size_t pos;               /* next top-level chunk */
    uint32_t count;           /* tests announced by the header */
    char cpu[5];
    const char *path;
};

static inline uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

int moo_open(struct moo *m, const char *path);
void moo_close(struct moo *m);
/* Next TEST chunk.  Returns 1 with *t filled, 0 at the end, -1 on corrupt data. */
int moo_next(struct moo *m, struct test *t);

#endif
