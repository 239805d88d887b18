/*
 * decoder_xcheck.c - cross-check of the tarsier instruction decoder against
 * capstone on random byte sequences, for the Pentium Pro model (CPU_PPRO).
 *
 * For every sequence both decoders are asked for the first instruction:
 * tarsier through decode_buf(), capstone through cs_disasm_iter() with detail
 * off.  They agree when both accept with the same length or both reject.
 * Every disagreement is put into exactly one class by a precise rule checked
 * in code (see classify()); a class is "explained" when the rule establishes
 * that tarsier's verdict is the Pentium Pro's and capstone's differs for a
 * known reason (it decodes a later ISA extension, it rejects an encoding the
 * P6 accepts, ...).  Any other difference is unexplained and makes the
 * program exit with status 1.  docs/decoder-xcheck.md describes the classes.
 * The scan and the classification are in decoder_xcheck_classify.c
 * (decoder_xcheck.h); this file generates, decodes, counts and reports.
 *
 * Usage:
 *   decoder_xcheck COUNT SEED MODE [--verbose]
 *       COUNT sequences per mode, MODE is 16, 32 or both.
 *   decoder_xcheck --probe MODE HEXBYTES...
 *       decode the given byte strings with both decoders and classify them.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "cpu/sem.h"
#include "tests/decoder_xcheck.h"

#define MAX_EXAMPLES 20

/* ---------------------------------------------------------------- random */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
    return (unsigned)(rng_next() % n);
}

/* One random sequence: 0-4 prefixes (1 in 64 sequences gets a run of 5-15
 * to exercise the length limit), the 0F escape 30% of the time, then
 * random bytes for the opcode, ModR/M, SIB, displacement, immediate and
 * whatever follows. */
static void generate(uint8_t *b)
{
    for (unsigned k = 0; k < BUFLEN; k += 8) {
        uint64_t v = rng_next();
        for (unsigned j = 0; j < 8 && k + j < BUFLEN; j++)
            b[k + j] = (uint8_t)(v >> (8 * j));
    }
    unsigned p = 0;
    unsigned np = rnd(5);
    if (rnd(64) == 0)
        np = 5 + rnd(11);
    while (p < np)
        b[p++] = prefix_set[rnd(NPREFIX_SET)];
    if (rnd(100) < 30)
        b[p++] = 0x0F;
}

/* --------------------------------------------------------------- samples */

static csh csp_handle[2];   /* detail off: the decoder under comparison */
static csh csd_handle[2];  /* detail on: instruction groups, for classification only */

static void run_tarsier(struct sample *s)
{
    struct insn in;
    s->t_rc = decode_buf(&in, s->code32, CPU_PPRO, s->b, BUFLEN);
    s->t_len = in.len;
}

static void run_capstone(struct sample *s, cs_insn *ci)
{
    const uint8_t *code = s->b;
    size_t size = BUFLEN;
    uint64_t addr = 0;
    s->cs_ok = cs_disasm_iter(csp_handle[s->code32], &code, &size, &addr, ci);
    s->ngroups = 0;
    s->cs_text[0] = 0;
    if (s->cs_ok) {
        s->cs_len = ci->size;
        s->cs_id = ci->id;
        snprintf(s->cs_text, sizeof(s->cs_text), "%.40s%s%.50s", ci->mnemonic, ci->op_str[0] ? " " : "",
                 ci->op_str);
    }
}

/* Capstone's instruction groups, from the detail handle (only called on a
 * disagreement). */
void capstone_groups(struct sample *s, cs_insn *di)
{
    const uint8_t *code = s->b;
    size_t size = BUFLEN;
    uint64_t addr = 0;
    s->ngroups = 0;
    if (!cs_disasm_iter(csd_handle[s->code32], &code, &size, &addr, di) || !di->detail) {
        di->mnemonic[0] = 0;
        return;
    }
    for (unsigned k = 0; k < di->detail->groups_count && k < 16; k++)
        s->groups[s->ngroups++] = di->detail->groups[k];
}

/* ------------------------------------------------------------ reporting */

struct example {
    struct sample s;
};

static uint64_t class_count[C_COUNT];
static struct example examples[C_COUNT][MAX_EXAMPLES];
static unsigned nexamples[C_COUNT];

static void print_sample(const struct sample *s)
{
    char hex[3 * 16 + 1];
    unsigned n = 16;
    for (unsigned k = 0; k < n; k++)
        snprintf(hex + 3 * k, 4, "%02x ", s->b[k]);
    hex[3 * n - 1] = 0;
    printf("    [%d] %s | tarsier: ", s->code32 ? 32 : 16, hex);
    if (s->t_rc > 0)
        printf("len %d", s->t_rc);
    else if (s->t_rc == DEC_UD)
        printf("#UD (%u bytes)", s->t_len);
    else if (s->t_rc == DEC_TOOLONG)
        printf("too long");
    else
        printf("rc %d", s->t_rc);
    printf(" | capstone: ");
    if (s->cs_ok)
        printf("len %u \"%s\"\n", s->cs_len, s->cs_text);
    else
        printf("invalid\n");
}

struct totals {
    uint64_t n, agree_valid, agree_invalid, explained, unexplained;
};

static void check_one(struct sample *s, cs_insn *ci, cs_insn *di, struct totals *t)
{
    run_tarsier(s);
    run_capstone(s, ci);
    t->n++;
    if (s->t_rc > 0 && s->cs_ok && (unsigned)s->t_rc == s->cs_len) {
        t->agree_valid++;
        return;
    }
    if (s->t_rc <= 0 && !s->cs_ok) {
        t->agree_invalid++;
        return;
    }
    enum cls c = classify(s, di);
    class_count[c]++;
    if (class_info[c].explained)
        t->explained++;
    else
        t->unexplained++;
    if (nexamples[c] < MAX_EXAMPLES)
        examples[c][nexamples[c]++].s = *s;
}

static int open_capstone(void)
{
    for (int m = 0; m < 2; m++) {
        cs_mode mode = m ? CS_MODE_32 : CS_MODE_16;
        if (cs_open(CS_ARCH_X86, mode, &csp_handle[m]) != CS_ERR_OK ||
            cs_open(CS_ARCH_X86, mode, &csd_handle[m]) != CS_ERR_OK) {
            fprintf(stderr, "decoder-xcheck: cs_open failed\n");
            return -1;
        }
        cs_option(csp_handle[m], CS_OPT_DETAIL, CS_OPT_OFF);
        cs_option(csd_handle[m], CS_OPT_DETAIL, CS_OPT_ON);
    }
    return 0;
}

static void close_capstone(void)
{
    for (int m = 0; m < 2; m++) {
        cs_close(&csp_handle[m]);
        cs_close(&csd_handle[m]);
    }
}

static int parse_hex(const char *str, uint8_t *b)
{
    unsigned n = 0;
    memset(b, 0, BUFLEN);
    while (*str) {
        if (*str == ' ' || *str == ':') {
            str++;
            continue;
        }
        unsigned v;
        if (n >= BUFLEN || sscanf(str, "%2x", &v) != 1 || !str[1])
            return -1;
        b[n++] = (uint8_t)v;
        str += 2;
    }
    return (int)n;
}

static int probe(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    int code32 = atoi(argv[2]) == 32;
    cs_insn *ci = cs_malloc(csp_handle[code32]);
    cs_insn *di = cs_malloc(csd_handle[code32]);
    for (int a = 3; a < argc; a++) {
        struct sample s;
        memset(&s, 0, sizeof(s));
        s.code32 = code32;
        if (parse_hex(argv[a], s.b) < 0) {
            fprintf(stderr, "decoder-xcheck: bad hex string %s\n", argv[a]);
            return 2;
        }
        run_tarsier(&s);
        run_capstone(&s, ci);
        print_sample(&s);
        if ((s.t_rc > 0 && s.cs_ok && (unsigned)s.t_rc == s.cs_len) || (s.t_rc <= 0 && !s.cs_ok))
            printf("        agree\n");
        else
            printf("        class: %s\n", class_info[classify(&s, di)].name);
    }
    cs_free(ci, 1);
    cs_free(di, 1);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: decoder_xcheck COUNT SEED 16|32|both [--verbose]\n"
                    "       decoder_xcheck --probe 16|32 HEXBYTES...\n");
}

int main(int argc, char **argv)
{
    if (open_capstone())
        return 2;
    if (argc >= 2 && !strcmp(argv[1], "--probe")) {
        int rc = probe(argc, argv);
        if (rc == 2)
            usage();
        close_capstone();
        return rc;
    }
    if (argc < 4 || argc > 5) {
        usage();
        return 2;
    }
    char *end;
    uint64_t count = strtoull(argv[1], &end, 0);
    if (*end || count == 0) {
        usage();
        return 2;
    }
    uint64_t seed = strtoull(argv[2], &end, 0);
    if (*end) {
        usage();
        return 2;
    }
    int do16 = 0, do32 = 0, verbose = 0;
    if (!strcmp(argv[3], "16"))
        do16 = 1;
    else if (!strcmp(argv[3], "32"))
        do32 = 1;
    else if (!strcmp(argv[3], "both"))
        do16 = do32 = 1;
    else {
        usage();
        return 2;
    }
    if (argc == 5) {
        if (strcmp(argv[4], "--verbose")) {
            usage();
            return 2;
        }
        verbose = 1;
    }

    struct totals t[2];
    memset(t, 0, sizeof(t));
    for (int m = 0; m < 2; m++) {
        if (!(m ? do32 : do16))
            continue;
        /* Each mode has its own stream, so "32" alone reproduces the 32-bit
         * half of "both". */
        rng_state = seed ^ (m ? 0x32323232A5A5A5A5ull : 0x16161616C3C3C3C3ull);
        cs_insn *ci = cs_malloc(csp_handle[m]);
        cs_insn *di = cs_malloc(csd_handle[m]);
        struct sample s;
        memset(&s, 0, sizeof(s));
        s.code32 = m;
        for (uint64_t k = 0; k < count; k++) {
            generate(s.b);
            check_one(&s, ci, di, &t[m]);
        }
        cs_free(ci, 1);
        cs_free(di, 1);
    }

    int cs_major, cs_minor;
    cs_version(&cs_major, &cs_minor);
    printf("decoder-xcheck: tarsier (CPU_PPRO) vs capstone %d.%d, seed %" PRIu64 ", %" PRIu64
           " sequences per mode\n\n",
           cs_major, cs_minor, seed, count);
    printf("%-6s %12s %12s %12s %12s %12s\n", "mode", "sequences", "both valid", "both invalid",
           "explained", "unexplained");
    for (int m = 0; m < 2; m++)
        if (t[m].n)
            printf("%-6s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n",
                   m ? "32-bit" : "16-bit", t[m].n, t[m].agree_valid, t[m].agree_invalid,
                   t[m].explained, t[m].unexplained);
    printf("\n%-78s %10s %s\n", "difference class", "count", "explained");
    for (int c = 0; c < C_COUNT; c++)
        printf("%-78s %10" PRIu64 " %s\n", class_info[c].name, class_count[c],
               class_info[c].explained ? "yes" : "NO");

    for (int c = 0; c < C_COUNT; c++) {
        if (!nexamples[c] || (class_info[c].explained && !verbose))
            continue;
        printf("\nexamples: %s (%u of %" PRIu64 ")\n", class_info[c].name, nexamples[c], class_count[c]);
        for (unsigned k = 0; k < nexamples[c]; k++)
            print_sample(&examples[c][k].s);
    }

    uint64_t passed = 0, failed = 0;
    for (int m = 0; m < 2; m++) {
        passed += t[m].agree_valid + t[m].agree_invalid + t[m].explained;
        failed += t[m].unexplained;
    }
    printf("\ndecoder-xcheck: %" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
    close_capstone();
    return failed ? 1 : 0;
}
