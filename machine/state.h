/*
 * state.h - declarative state tables.  Each device (and the CPU) describes its
 * saved state as rows {name, offset, type, count, since_version}.  The tables
 * drive save/restore (the snapshot serializer), the monitor's `info` dumps and
 * test diffs.  Host pointers, timers and caches are never fields: they are
 * rebuilt after a load.
 */
#ifndef TARSIER_STATE_H
#define TARSIER_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum state_type { ST_U8, ST_U16, ST_U32, ST_U64, ST_BYTES, ST_END };

struct state_field {
    const char *name;
    size_t offset;
    enum state_type type;
    uint32_t count;         /* array length (elements), 1 for scalars, bytes for ST_BYTES */
    uint16_t since_version;
};

struct state_table {
    const char *name;
    uint16_t version;
    const struct state_field *fields;
};

#define STATE_FIELD(st, f, t) { #f, offsetof(st, f), t, 1, 1 }
#define STATE_ARRAY(st, f, t, n) { #f, offsetof(st, f), t, n, 1 }
#define STATE_END { NULL, 0, ST_END, 0, 0 }

size_t state_type_size(enum state_type t);
/* Print every field as name = value lines (monitor `info`, test diffs). */
void state_dump(FILE *f, const struct state_table *t, const void *obj);
/* Compare two objects field by field; prints differing fields to f (may be NULL).
 * Returns the number of differing fields. */
int state_diff(FILE *f, const struct state_table *t, const void *a, const void *b);
/* Serialised size and (de)serialisation into a flat little-endian buffer. */
size_t state_size(const struct state_table *t);
void state_save(const struct state_table *t, const void *obj, uint8_t *buf);
void state_load(const struct state_table *t, void *obj, const uint8_t *buf);

#endif
