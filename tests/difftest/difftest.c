/*
 * difftest.c - differential tester: random instruction sequences run in
 * tarsier and on the host processor (native helper), optionally also in
 * Unicorn; registers, EFLAGS (undefined flags masked), memory and faults are
 * compared.  See docs/difftest.md.
 *
 * This file: the options, a run of one sequence on every side, minimising a
 * differing sequence and the summary.  The sides are run in runners.c, the
 * results compared and described in compare.c (difftest.h); the sequences
 * come from the generator (gen.c, dt.h).
 *
 * Usage: difftest [options]
 *   -s SEED     base seed (default 1)
 *   -n N        stop after N generated instructions (default 200000)
 *   -S SEQSEED  run the single sequence with this seed (reproducer), verbose
 *   -H PATH     native helper executable (default: dt_native next to difftest)
 *   -u          also run native-encodable sequences in Unicorn (third opinion)
 *   -U          Unicorn only (no native helper)
 *   -b PCT      percentage of sequences with BCD/PUSHA/POPA (Unicorn only; default 10
 *               when Unicorn is available)
 *   -m N        print at most N difference reports (default 10)
 *   -q          quiet: summary only
 *   -e LIST     comma-separated generator classes to leave out (e.g. -e xadd while a
 *               known bug would hide others); -e help lists them
 *   -k N        with -S: run only the first N instructions of the sequence
 *   -E PCT      percentage of sequences that may unmask x87 exceptions (default 0;
 *               docs/difftest.md class 13)
 *   -x HEX      run these bytes (one instruction each, 32-bit encoding) instead of random
 *               sequences; -X HEX gives the native bytes (default: the same), -r
 *               "eax=1,ecx=2,...,eflags=0x202" the initial registers (others 0, ESP
 *               0x02001800; also cw=, sw=, tw= and st0..st7=SE:SIG for the x87, which
 *               otherwise starts in the FNINIT state), -M SEED the data-buffer seed.
 *               With -u, Unicorn too.
 * Exit status: 0 no unexplained difference, 1 differences, 2 setup error.
 */
#include <capstone/capstone.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "tests/difftest/difftest.h"

static uint64_t fault_seen[128], uc_only_diffs;

/* ================================================================ driver */

struct opts {
    uint64_t seed;
    uint64_t ninsns;
    int single;
    uint64_t single_seed;
    const char *helper;
    int also_unicorn, unicorn_only;
    int bcd_pct;
    int max_reports;
    int quiet;
    const char *xhex, *nhex, *regs;
    uint64_t mseed;
    int cut;
};

static int parse_hex(const char *h, uint8_t *out, int max)
{
    int n = 0;
    while (*h && n < max) {
        if (*h == ' ' || *h == ':') {
            h++;
            continue;
        }
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            return -1;
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

/* A sequence from -x/-X/-r/-M: the whole byte string counts as one instruction. */
static int explicit_seq(const struct opts *o, struct dt_seq *s)
{
    memset(s, 0, sizeof(*s));
    int tl = parse_hex(o->xhex, s->tcode, DT_MAX_CODE - 16);
    int nl = parse_hex(o->nhex ? o->nhex : o->xhex, s->ncode, DT_MAX_CODE - 16);
    if (tl <= 0 || nl <= 0)
        return -1;
    s->n = 1;
    s->toff[1] = (uint32_t)tl;
    s->noff[1] = (uint32_t)nl;
    s->fmask[0] = s->fmask[1] = 0x00247FD7u;
    s->tlen = (uint32_t)tl;
    s->nlen = (uint32_t)nl;
    s->tcode[s->tlen++] = 0xF4;
    static const uint8_t tail[3] = { 0x41, 0xFF, 0xE0 };
    s->ncode[s->nlen++] = 0x49;
    s->ncode[s->nlen++] = 0xB8;
    for (int k = 0; k < 8; k++)
        s->ncode[s->nlen++] = (uint8_t)(capture_addr >> (8 * k));
    memcpy(s->ncode + s->nlen, tail, 3);
    s->nlen += 3;
    s->native_ok = 1;
    /* x87 in the FNINIT state */
    s->fpu[0] = 0x7F;
    s->fpu[1] = 0x03;
    s->fpu[8] = s->fpu[9] = 0xFF;
    s->cmask[0] = s->cmask[1] = 0xFFFF;
    s->regs[R_ESP] = DT_DATA_BASE + 0x1800;
    s->eflags = 0x202;
    s->mem_seed = o->mseed;
    const char *p = o->regs ? o->regs : "";
    while (*p) {
        char name[16];
        unsigned long v;
        int used = 0;
        unsigned se;
        unsigned long long sig;
        if (sscanf(p, "st%1[0-7]=%x:%llx%n", name, &se, &sig, &used) == 3) {
            /* st0..st7 = SE:SIGNIFICAND (hex) of the initial FNSAVE image */
            uint8_t *q = s->fpu + 28 + 10 * (name[0] - '0');
            for (int k = 0; k < 8; k++)
                q[k] = (uint8_t)(sig >> (8 * k));
            q[8] = (uint8_t)se;
            q[9] = (uint8_t)(se >> 8);
            p += used;
            if (*p == ',')
                p++;
            continue;
        }
        if (sscanf(p, "%15[a-z]=%li%n", name, (long *)&v, &used) != 2)
            return -1;
        int found = 0;
        static const char *const fpn[3] = { "cw", "sw", "tw" }; /* x87 control, status, tag word */
        for (int k = 0; k < 3; k++)
            if (!strcmp(name, fpn[k])) {
                s->fpu[4 * k] = (uint8_t)v;
                s->fpu[4 * k + 1] = (uint8_t)(v >> 8);
                found = 1;
            }
        for (int k = 0; k < 8; k++)
            if (!strcmp(name, regname[k])) {
                s->regs[k] = (uint32_t)v;
                found = 1;
            }
        if (!strcmp(name, "eflags")) {
            s->eflags = (uint32_t)v;
            found = 1;
        }
        if (!found)
            return -1;
        p += used;
        if (*p == ',')
            p++;
    }
    return 0;
}

static struct dt_genopt genopt = { 4, 40, 0, 0, 0, 0 };
static int have_native, have_unicorn;

/* Run sequence s on the reference(s) and tarsier; returns unexplained differences. */
static struct dt_result rt, rn, ru;

static void print_fpu(const char *who, const struct dt_result *r)
{
    printf("  %s: vec %d insn %d eflags=%08x x87 cw=%04x sw=%04x tags=%02x", who, r->fault_vec, r->fault_insn,
           r->eflags, r->fpu.cw, r->fpu.sw, r->fpu.tags);
    for (int i = 0; i < 8; i++)
        printf("%s st%d=%04x:%016llx", i % 3 == 0 ? "\n   " : "", i, rd16(r->fpu.st[i] + 8),
               (unsigned long long)rd64(r->fpu.st[i]));
    printf("\n");
}

static int run_one(const struct opts *o, const struct dt_seq *s, uint8_t *data, struct diff *d, uint64_t *ic)
{
    int nd = 0;
    dt_fill_data(data, s->mem_seed);
    int use_native = have_native && s->native_ok && !o->unicorn_only;
    if (use_native)
        native_go(s, data);
    tarsier_run(s, data, &rt, ic);
    fault_seen[rt.fault_vec >= 0 && rt.fault_vec < 127 ? rt.fault_vec : 127]++;
    if (use_native) {
        native_wait(s, &rn);
        nd += compare(s, &rn, &rt, "host", "tarsier", d, 1);
    }
#ifdef DT_HAVE_UNICORN
    /* Unicorn is no x87/MMX oracle: sequences with FP instructions are not run there */
    if (have_unicorn && !s->has_fpu && (!use_native || o->also_unicorn)) {
        if (unicorn_run(s, data, &ru) == 0) {
            if (use_native && nd == 0) {
                /* the host is the authority: Unicorn alone disagreeing is Unicorn's defect */
                struct diff tmp;
                tmp.len = 0;
                if (compare(s, &ru, &rt, "unicorn", "tarsier", &tmp, 0))
                    uc_only_diffs++;
            } else {
                nd += compare(s, &ru, &rt, "unicorn", "tarsier", d, 0);
            }
        }
    }
#else
    (void)ru;
#endif
    return nd;
}

/* t = the first n instructions of s (n must not be a nocut point). */
static void prefix_of(const struct dt_seq *s, int n, struct dt_seq *t)
{
    *t = *s;
    t->n = n;
    t->tlen = s->toff[n];
    t->nlen = s->noff[n];
    t->tcode[t->tlen++] = 0xF4;
    memcpy(t->ncode + t->nlen, s->ncode + s->noff[s->n], s->nlen - s->noff[s->n]);
    t->nlen += s->nlen - s->noff[s->n];
}

/* Shortest prefix of s that still differs: the culprit is its last instruction. */
static int minimize(const struct opts *o, const struct dt_seq *s, uint8_t *data, struct dt_seq *t)
{
    int lo = 0, hi = s->n; /* prefix hi differs; find the smallest */
    struct diff d;
    uint64_t ic = 0;
    while (lo + 1 < hi) {
        int mid = (lo + hi) / 2;
        while (mid < hi && s->nocut[mid])
            mid++;
        if (mid >= hi)
            break;
        prefix_of(s, mid, t);
        d.len = 0;
        if (run_one(o, t, data, &d, &ic))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static uint64_t seq_seed(uint64_t base, uint64_t idx)
{
    struct dt_rng r = { base * 0x100000001B3ull ^ (idx + 1) * 0x9E3779B97F4A7C15ull };
    return dt_rand64(&r);
}

static void usage(void)
{
    fprintf(stderr, "usage: difftest [-s SEED] [-n INSNS] [-S SEQSEED] [-H HELPER] [-u] [-U] [-b PCT] "
                    "[-m N] [-q]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct opts o = { 1, 200000, 0, 0, NULL, 0, 0, -1, 10, 0, NULL, NULL, NULL, 0, 0 };
    int opt;
    while ((opt = getopt(argc, argv, "s:n:S:H:uUb:m:qx:X:r:M:e:E:k:")) != -1) {
        switch (opt) {
        case 's': o.seed = strtoull(optarg, NULL, 0); break;
        case 'n': o.ninsns = strtoull(optarg, NULL, 0); break;
        case 'S': o.single = 1; o.single_seed = strtoull(optarg, NULL, 0); break;
        case 'H': o.helper = optarg; break;
        case 'u': o.also_unicorn = 1; break;
        case 'U': o.unicorn_only = 1; break;
        case 'b': o.bcd_pct = atoi(optarg); break;
        case 'm': o.max_reports = atoi(optarg); break;
        case 'q': o.quiet = 1; break;
        case 'e': {
            char buf[256];
            snprintf(buf, sizeof(buf), "%s", optarg);
            for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
                int k = dt_class_index(t);
                if (k < 0) {
                    fprintf(stderr, "difftest: classes: %s\n", dt_class_names());
                    return 2;
                }
                genopt.exclude |= 1u << k;
            }
            break;
        }
        case 'x': o.xhex = optarg; o.single = 1; break;
        case 'X': o.nhex = optarg; break;
        case 'r': o.regs = optarg; break;
        case 'M': o.mseed = strtoull(optarg, NULL, 0); break;
        case 'E': genopt.fpu_unmasked_pct = atoi(optarg); break;
        case 'k': o.cut = atoi(optarg); break;
        default: usage();
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs_handle) != CS_ERR_OK)
        return 2;
    if (tarsier_init())
        return 2;
    char helper_buf[PATH_MAX];
    if (!o.helper) {
        ssize_t n = readlink("/proc/self/exe", helper_buf, sizeof(helper_buf) - 16);
        if (n > 0) {
            helper_buf[n] = 0;
            char *sl = strrchr(helper_buf, '/');
            strcpy(sl ? sl + 1 : helper_buf, "dt_native");
            o.helper = helper_buf;
        }
    }
    if (!o.unicorn_only) {
#if defined(__x86_64__)
        if (o.helper && access(o.helper, X_OK) == 0 && native_start(o.helper) == 0)
            have_native = 1;
#endif
        if (!have_native)
            fprintf(stderr, "difftest: no native helper (x86-64 host needed)%s\n",
                    o.helper ? "" : ": helper not found");
    }
#ifdef DT_HAVE_UNICORN
    if (o.unicorn_only || o.also_unicorn || o.bcd_pct != 0)
        have_unicorn = unicorn_init() == 0;
#endif
    if (!have_mmx || o.unicorn_only) {
        /* no MMX model yet / Unicorn is no x87 oracle */
        genopt.exclude |= 1u << dt_class_index("mmx");
        if (!o.quiet && !o.unicorn_only)
            fprintf(stderr, "difftest: no pentium2 model: class mmx left out\n");
    }
    if (o.unicorn_only)
        genopt.exclude |= 1u << dt_class_index("x87");
    if (!have_native && !have_unicorn) {
        fprintf(stderr, "difftest: no reference available; skipping\n");
        return 77;
    }
    if (o.bcd_pct < 0)
        o.bcd_pct = 10;
    if (!have_unicorn)
        o.bcd_pct = 0;

    static struct dt_seq s, t;
    static uint8_t data[DT_DATA_SIZE];
    struct diff d;
    uint64_t gen_insns = 0, run_insns = 0, seqs = 0, faults = 0, x87_insns = 0, mmx_insns = 0;
    int bad = 0;
    uint64_t kind_bad[64] = { 0 };
    time_t t0 = time(NULL);
    for (uint64_t idx = 0; o.single ? idx < 1 : gen_insns < o.ninsns; idx++) {
        uint64_t ss = o.single ? o.single_seed : seq_seed(o.seed, idx);
        struct dt_rng r = { ss };
        struct dt_genopt g = genopt;
        uint32_t pick = dt_rand(&r, 100);
        g.only_nonnative = (int)pick < o.bcd_pct || (o.unicorn_only && (int)pick < 15);
        if (!have_native)
            g.allow_nonnative = 1;
        if (o.xhex) {
            if (explicit_seq(&o, &s)) {
                fprintf(stderr, "difftest: bad -x/-X/-r\n");
                return 2;
            }
            if (!have_native)
                s.native_ok = 0;
        } else {
            dt_generate(&s, &r, &g, capture_addr);
            if (o.cut > 0 && o.cut < s.n) {
                prefix_of(&s, o.cut, &t);
                s = t;
            }
        }
        d.len = 0;
        int nd = run_one(&o, &s, data, &d, &run_insns);
        gen_insns += (uint64_t)s.n;
        for (int k = 0; k < s.n; k++) {
            const char *kn = dt_kind_name(s.kind[k]);
            if (!strncmp(kn, "mmx", 3))
                mmx_insns++;
            else if (!strncmp(kn, "x87", 3) && strcmp(kn, "x87 prelude"))
                x87_insns++;
        }
        seqs++;
        if (o.single) {
            print_seq(stdout, &s, s.n, -1);
            print_fpu("tarsier", &rt);
            if (s.native_ok && have_native && !o.unicorn_only)
                print_fpu("host", &rn);
            if (nd)
                printf("%s", d.text);
            else
                printf("no difference\n");
        }
        if (nd == 0)
            continue;
        bad++;
        if (o.xhex)
            break;
        int culprit = minimize(&o, &s, data, &t) - 1;
        if (culprit >= 0 && culprit < s.n) {
            kind_bad[s.kind[culprit]]++;
            count_mnemonic(&s, culprit);
        }
        if (!o.quiet && bad <= o.max_reports) {
            printf("DIFFERENCE in sequence seed %#llx (rerun: difftest -S %#llx)%s\n", (unsigned long long)ss,
                   (unsigned long long)ss, s.native_ok ? "" : " [unicorn]");
            printf("%s", d.text);
            printf("  shortest differing prefix ends at insn %d (%s):\n", culprit,
                   culprit >= 0 ? dt_kind_name(s.kind[culprit]) : "?");
            print_seq(stdout, &s, culprit + 1, culprit);
            if (culprit >= 0) {
                d.len = 0;
                uint64_t ic = 0;
                prefix_of(&s, culprit + 1, &t);
                run_one(&o, &t, data, &d, &ic);
                printf("  differences of that prefix:\n%s", d.text);
            }
        }
    }
    (void)faults;
    printf("difftest: seed %llu: %llu sequences, %llu generated instructions, %llu executed by tarsier, "
           "%d with unexplained differences (%lds)\n",
           (unsigned long long)o.seed, (unsigned long long)seqs, (unsigned long long)gen_insns,
           (unsigned long long)run_insns, bad, (long)(time(NULL) - t0));
    printf("  generated x87 instructions: %llu, MMX instructions: %llu%s\n", (unsigned long long)x87_insns,
           (unsigned long long)mmx_insns, have_mmx ? "" : " (no pentium2 model: mmx left out)");
    printf("  sequences ending in a fault (tarsier):");
    for (int k = 0; k < 127; k++)
        if (fault_seen[k])
            printf(" vec %d: %llu", k, (unsigned long long)fault_seen[k]);
#ifdef DT_HAVE_UNICORN
    if (uc_only_diffs)
        printf("\n  sequences where only Unicorn disagrees (host == tarsier): %llu", (unsigned long long)uc_only_diffs);
    if (uc_crashes)
        printf("\n  Unicorn crashes (IDIV 2^63 / -1, comparison skipped): %llu", (unsigned long long)uc_crashes);
#endif
    printf("\n  comparisons where only SDM-undefined flags differ (explained): %llu\n",
           (unsigned long long)explained_undef);
    printf("  comparisons where only SDM-undefined x87 condition codes differ (explained): %llu\n",
           (unsigned long long)explained_cc);
    for (int k = 0; k < 64; k++)
        if (kind_bad[k])
            printf("  culprit class %-14s %llu\n", dt_kind_name(k), (unsigned long long)kind_bad[k]);
    for (int j = 0; j < 64 && mn_tab[j].name[0]; j++)
        printf("  culprit instruction %-18s %llu\n", mn_tab[j].name, (unsigned long long)mn_tab[j].n);
    return bad ? 1 : 0;
}
