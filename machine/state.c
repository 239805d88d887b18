/*
 * state.c - the generic walkers over declarative state tables (see state.h).
 */
#include <inttypes.h>
#include <string.h>

#include "machine/state.h"

size_t state_type_size(enum state_type t)
{
    switch (t) {
    case ST_U8: case ST_BYTES: return 1;
    case ST_U16: return 2;
    case ST_U32: return 4;
    case ST_U64: return 8;
    default: return 0;
    }
}

static uint64_t get(const void *obj, const struct state_field *f, uint32_t i)
{
    const uint8_t *p = (const uint8_t *)obj + f->offset + i * state_type_size(f->type);
    switch (f->type) {
    case ST_U8: case ST_BYTES: return *p;
    case ST_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case ST_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case ST_U64: { uint64_t v; memcpy(&v, p, 8); return v; }
    default: return 0;
    }
}

static void set(void *obj, const struct state_field *f, uint32_t i, uint64_t v)
{
    uint8_t *p = (uint8_t *)obj + f->offset + i * state_type_size(f->type);
    switch (f->type) {
    case ST_U8: case ST_BYTES: *p = (uint8_t)v; break;
    case ST_U16: { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); break; }
    case ST_U32: { uint32_t w = (uint32_t)v; memcpy(p, &w, 4); break; }
    case ST_U64: memcpy(p, &v, 8); break;
    default: break;
    }
}

void state_dump(FILE *f, const struct state_table *t, const void *obj)
{
    for (const struct state_field *s = t->fields; s->name; s++) {
        if (s->type == ST_BYTES) {
            fprintf(f, "%s.%s = [%u bytes]\n", t->name, s->name, s->count);
            continue;
        }
        for (uint32_t i = 0; i < s->count; i++) {
            if (s->count > 1)
                fprintf(f, "%s.%s[%u] = 0x%" PRIx64 "\n", t->name, s->name, i, get(obj, s, i));
            else
                fprintf(f, "%s.%s = 0x%" PRIx64 "\n", t->name, s->name, get(obj, s, i));
        }
    }
}

int state_diff(FILE *f, const struct state_table *t, const void *a, const void *b)
{
    int n = 0;
    for (const struct state_field *s = t->fields; s->name; s++)
        for (uint32_t i = 0; i < s->count; i++) {
            uint64_t x = get(a, s, i), y = get(b, s, i);
            if (x != y) {
                n++;
                if (f)
                    fprintf(f, "%s.%s[%u]: 0x%" PRIx64 " != 0x%" PRIx64 "\n", t->name, s->name, i, x, y);
            }
        }
    return n;
}

size_t state_size(const struct state_table *t)
{
    size_t n = 0;
    for (const struct state_field *s = t->fields; s->name; s++)
        n += state_type_size(s->type) * s->count;
    return n;
}

void state_save(const struct state_table *t, const void *obj, uint8_t *buf)
{
    for (const struct state_field *s = t->fields; s->name; s++) {
        size_t w = state_type_size(s->type);
        for (uint32_t i = 0; i < s->count; i++) {
            uint64_t v = get(obj, s, i);
            for (size_t k = 0; k < w; k++)
                *buf++ = (uint8_t)(v >> (8 * k));
        }
    }
}

void state_load(const struct state_table *t, void *obj, const uint8_t *buf)
{
    for (const struct state_field *s = t->fields; s->name; s++) {
        size_t w = state_type_size(s->type);
        for (uint32_t i = 0; i < s->count; i++) {
            uint64_t v = 0;
            for (size_t k = 0; k < w; k++)
                v |= (uint64_t)*buf++ << (8 * k);
            set(obj, s, i, v);
        }
    }
}
