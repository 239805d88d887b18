/*
 * debugport.c - the test-ROM ports.  Not a real chip: the 0xE9 debug console
 * follows the Bochs "port E9 hack" and QEMU's isa-debugcon (a byte written is
 * printed; a read returns 0xE9 so software can detect it); the POST port is
 * the diagnostic latch at 0x80 that PC BIOSes write progress codes to; the
 * exit port follows QEMU's isa-debug-exit (iobase 0xF4): writing N ends the
 * run with status (N << 1) | 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/debugport.h"

static uint32_t con_read(void *opaque, uint32_t off, int size)
{
    return 0xE9;
}

static void con_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct debugport *d = opaque;
    if (d->con) {
        fputc((int)(val & 0xFF), d->con);
        if ((val & 0xFF) == '\n')
            fflush(d->con);
    }
}

static uint32_t post_read(void *opaque, uint32_t off, int size)
{
    struct debugport *d = opaque;
    return d->last_post;
}

static void post_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct debugport *d = opaque;
    d->last_post = (uint8_t)val;
    if (d->post) {
        fprintf(d->post, "%02x\n", val & 0xFF);
        fflush(d->post);
    }
}

static uint32_t exit_read(void *opaque, uint32_t off, int size)
{
    return 0xFFFFFFFFu;
}

static void exit_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct debugport *d = opaque;
    d->exit_requested = true;
    d->exit_status = (int)(((val & 0xFF) << 1) | 1);
}

const struct io_ops debugcon_ops = { con_read, con_write, IO_SIZE8 };
const struct io_ops postcode_ops = { post_read, post_write, IO_SIZE8 };
const struct io_ops exitport_ops = { exit_read, exit_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

static const struct state_field debugport_fields[] = {
    STATE_FIELD(struct debugport, last_post, ST_U8),
    STATE_FIELD(struct debugport, post_port, ST_U16),
    STATE_END
};
const struct state_table debugport_state = { "debugport", 1, debugport_fields };

static FILE *open_sink(const char *spec, bool *owned, const char *what, char *err, size_t errlen)
{
    *owned = false;
    if (!strcmp(spec, "stdio"))
        return stdout;
    if (!strcmp(spec, "stderr"))
        return stderr;
    if (!strcmp(spec, "none") || !strcmp(spec, "null"))
        return NULL;
    if (strncmp(spec, "file:", 5) || !spec[5]) {
        snprintf(err, errlen, "%s: expected stdio, none or file:PATH, got '%s'", what, spec);
        return (FILE *)-1;
    }
    FILE *f = fopen(spec + 5, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open '%s': %s", what, spec + 5, strerror(errno));
        return (FILE *)-1;
    }
    *owned = true;
    return f;
}

int debugport_open_con(struct debugport *d, const char *spec, char *err, size_t errlen)
{
    FILE *f = open_sink(spec, &d->con_owned, "-debugcon", err, errlen);
    if (f == (FILE *)-1)
        return -1;
    d->con = f;
    return 0;
}

int debugport_open_post(struct debugport *d, const char *spec, char *err, size_t errlen)
{
    char path[4096];
    const char *comma = strstr(spec, ",port=");
    d->post_port = 0x80;
    if (comma) {
        char *end;
        unsigned long p = strtoul(comma + 6, &end, 0);
        if (*end || p > 0xFFFF || end == comma + 6) {
            snprintf(err, errlen, "-postcode: bad port number in '%s'", spec);
            return -1;
        }
        d->post_port = (uint16_t)p;
        size_t n = (size_t)(comma - spec);
        if (n >= sizeof(path)) {
            snprintf(err, errlen, "-postcode: path too long");
            return -1;
        }
        memcpy(path, spec, n);
        path[n] = 0;
        spec = path;
    }
    FILE *f = open_sink(spec, &d->post_owned, "-postcode", err, errlen);
    if (f == (FILE *)-1)
        return -1;
    d->post = f;
    return 0;
}

void debugport_close(struct debugport *d)
{
    if (d->con)
        fflush(d->con);
    if (d->con_owned && d->con)
        fclose(d->con);
    if (d->post_owned && d->post)
        fclose(d->post);
    d->con = d->post = NULL;
    d->con_owned = d->post_owned = false;
}
