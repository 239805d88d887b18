/*
 * singlestep_meta.c - the input side of the SingleStepTests runner besides
 * the MOO files: the message of a bad input file, a tiny JSON reader for
 * metadata.json, the per-opcode status and flags mask it gives, and the
 * revocation list.  See singlestep.c and docs/singlestep.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/singlestep.h"

/* ================================================================ errors */

static char g_err[512];

int fail_input(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_err, sizeof(g_err), fmt, ap);
    va_end(ap);
    return -1;
}

const char *input_error(void)
{
    return g_err;
}

/* ================================================================ tiny JSON */

/* (struct jval, the parsed tree: singlestep.h) */
struct jparser {
    const char *p, *end, *start;
    const char *file;
    int depth;
};

void jfree(struct jval *v)
{
    if (!v)
        return;
    for (int k = 0; k < v->n; k++) {
        if (v->keys)
            free(v->keys[k]);
        jfree(v->vals[k]);
    }
    free(v->keys);
    free(v->vals);
    free(v->str);
    free(v);
}

static void jskip(struct jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static struct jval *jerr(struct jparser *j, const char *what)
{
    fail_input("%s: bad JSON at byte %ld: %s", j->file, (long)(j->p - j->start), what);
    return NULL;
}

static char *jstring(struct jparser *j)
{
    /* at the opening quote */
    j->p++;
    const char *s = j->p;
    while (j->p < j->end && *j->p != '"') {
        if (*j->p == '\\')
            j->p++;
        j->p++;
    }
    if (j->p >= j->end) {
        jerr(j, "unterminated string");
        return NULL;
    }
    size_t n = (size_t)(j->p - s);
    char *out = malloc(n + 1);
    if (!out) {
        fail_input("out of memory");
        return NULL;
    }
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '\\' && k + 1 < n && (s[k + 1] == '"' || s[k + 1] == '\\'))
            k++;
        out[o++] = s[k];
    }
    out[o] = 0;
    j->p++;
    return out;
}

static int jpush(struct jval *v, char *key, struct jval *item)
{
    char **nk = v->type == J_OBJ ? realloc(v->keys, sizeof(char *) * (size_t)(v->n + 1)) : NULL;
    if (v->type == J_OBJ) {
        if (!nk)
            return -1;
        v->keys = nk;
    }
    struct jval **nv = realloc(v->vals, sizeof(struct jval *) * (size_t)(v->n + 1));
    if (!nv)
        return -1;
    v->vals = nv;
    if (v->type == J_OBJ)
        v->keys[v->n] = key;
    v->vals[v->n++] = item;
    return 0;
}

static struct jval *jvalue(struct jparser *j)
{
    jskip(j);
    if (j->p >= j->end)
        return jerr(j, "unexpected end of file");
    if (++j->depth > 64)
        return jerr(j, "nesting too deep");
    struct jval *v = calloc(1, sizeof(*v));
    if (!v) {
        fail_input("out of memory");
        return NULL;
    }
    char ch = *j->p;
    if (ch == '{' || ch == '[') {
        v->type = ch == '{' ? J_OBJ : J_ARR;
        char close = ch == '{' ? '}' : ']';
        j->p++;
        jskip(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return v;
        }
        for (;;) {
            char *key = NULL;
            jskip(j);
            if (v->type == J_OBJ) {
                if (j->p >= j->end || *j->p != '"') {
                    jerr(j, "expected a member name");
                    goto bad;
                }
                if (!(key = jstring(j)))
                    goto bad;
                jskip(j);
                if (j->p >= j->end || *j->p != ':') {
                    free(key);
                    jerr(j, "expected ':'");
                    goto bad;
                }
                j->p++;
            }
            struct jval *item = jvalue(j);
            if (!item || jpush(v, key, item)) {
                free(key);
                jfree(item);
                if (item)
                    fail_input("out of memory");
                goto bad;
            }
            jskip(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                break;
            }
            jerr(j, "expected ',' or a closing bracket");
            goto bad;
        }
    } else if (ch == '"') {
        v->type = J_STR;
        if (!(v->str = jstring(j)))
            goto bad;
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        char buf[64];
        size_t n = 0;
        while (j->p < j->end && n < sizeof(buf) - 1 && strchr("+-.eE0123456789", *j->p))
            buf[n++] = *j->p++;
        buf[n] = 0;
        char *e;
        v->type = J_NUM;
        v->num = strtod(buf, &e);
        if (*e) {
            jerr(j, "bad number");
            goto bad;
        }
    } else if (j->end - j->p >= 4 && !memcmp(j->p, "true", 4)) {
        v->type = J_BOOL;
        v->num = 1;
        j->p += 4;
    } else if (j->end - j->p >= 5 && !memcmp(j->p, "false", 5)) {
        v->type = J_BOOL;
        j->p += 5;
    } else if (j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
        j->p += 4;
    } else {
        jerr(j, "unexpected character");
        goto bad;
    }
    j->depth--;
    return v;
bad:
    jfree(v);
    return NULL;
}

const struct jval *jget(const struct jval *obj, const char *key)
{
    if (!obj || obj->type != J_OBJ)
        return NULL;
    for (int k = 0; k < obj->n; k++)
        if (!strcmp(obj->keys[k], key))
            return obj->vals[k];
    return NULL;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_input("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int ioerr = ferror(f);
    fclose(f);
    if (!buf || ioerr) {
        free(buf);
        fail_input("%s: read error", path);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

struct jval *load_json(const char *path)
{
    size_t len;
    char *text = read_text(path, &len);
    if (!text)
        return NULL;
    struct jparser j = { text, text + len, text, path, 0 };
    struct jval *v = jvalue(&j);
    if (v) {
        jskip(&j);
        if (j.p != j.end) {
            jerr(&j, "trailing data");
            jfree(v);
            v = NULL;
        }
    }
    free(text);
    return v;
}

/* ================================================================ metadata */
struct opinfo meta_lookup(const struct jval *meta, const char *op, int reg)
{
    struct opinfo r = { "normal", 0xFFFF };
    const struct jval *e = jget(jget(meta, "opcodes"), op);
    if (!e) {
        r.status = "unlisted";
        return r;
    }
    const struct jval *regs = jget(e, "reg");
    if (regs && reg >= 0) {
        char k[2] = { (char)('0' + reg), 0 };
        const struct jval *re = jget(regs, k);
        if (re)
            e = re;
    }
    const struct jval *s = jget(e, "status");
    if (s && s->type == J_STR)
        r.status = s->str;
    const struct jval *m = jget(e, "flags-mask");
    if (m && m->type == J_NUM)
        r.flags_mask = (uint16_t)m->num;
    return r;
}

/* ================================================================ revocations */


static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int load_revocations(const char *path, struct hashlist *hl)
{
    hl->h = NULL;
    hl->n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0; /* no list: nothing revoked */
    char line[256];
    int lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
            continue;
        uint8_t h[20];
        for (int k = 0; k < 20; k++) {
            int hi = hexval(p[2 * k]), lo = hi < 0 ? -1 : hexval(p[2 * k + 1]);
            if (hi < 0 || lo < 0) {
                fclose(f);
                free(hl->h);
                return fail_input("%s:%d: not a 40-digit hex hash", path, lineno);
            }
            h[k] = (uint8_t)(hi << 4 | lo);
        }
        void *nh = realloc(hl->h, sizeof(*hl->h) * (size_t)(hl->n + 1));
        if (!nh) {
            fclose(f);
            return fail_input("out of memory");
        }
        hl->h = nh;
        memcpy(hl->h[hl->n++], h, 20);
    }
    fclose(f);
    return 0;
}

int revoked(const struct hashlist *hl, const uint8_t *h)
{
    for (int k = 0; k < hl->n; k++)
        if (!memcmp(hl->h[k], h, 20))
            return 1;
    return 0;
}
