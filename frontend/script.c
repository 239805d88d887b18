/*
 * script.c - scripted headless control (-script FILE).  One command a line;
 * '#' starts a comment.  Times are virtual seconds.
 *
 *   wait-screen TEXT [SECONDS]   until the text screen shows TEXT (default 30 s)
 *   wait-serial TEXT [SECONDS]   until COM1 has transmitted TEXT (searched in
 *                                its latest 64 KiB of output, from the start)
 *   type TEXT                    type TEXT on the keyboard (\n \t \\ \" escapes)
 *   type-serial TEXT             send TEXT to COM1's receiver (same escapes)
 *   key NAME...                  press keys together and release them,
 *                                e.g. key ctrl-alt-delete, key enter, key f1
 *   mouse DX DY [BUTTONS]        move the PS/2 mouse (DY > 0 is down) with the
 *                                buttons held (bit 0 left, 1 right, 2 middle)
 *   sleep SECONDS                let the machine run
 *   textdump PATH                write the text screen to PATH
 *   screendump PATH.png          write the displayed frame (VGA/VBE) as a PNG
 *   quit [STATUS]                end the run with STATUS (default 0)
 *
 * TEXT may be quoted ("...") to hold spaces at its ends or a trailing number.
 * The escapes \n \t \r \\ \" are recognised; any other backslash is literal
 * (so A:\> needs no doubling).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/script.h"
#include "machine/snapshot.h"

#define KEY_GAP_NS 10000000ull   /* 10 ms between key events */
#define POLL_NS 20000000ull      /* screen and serial log polled every 20 ms of virtual time */

struct keyname {
    const char *name;
    uint16_t code;               /* PS/2 set 2 make code, 0xE0xx for extended keys */
};

static const struct keyname keys[] = {
    { "a", 0x1C }, { "b", 0x32 }, { "c", 0x21 }, { "d", 0x23 }, { "e", 0x24 }, { "f", 0x2B }, { "g", 0x34 },
    { "h", 0x33 }, { "i", 0x43 }, { "j", 0x3B }, { "k", 0x42 }, { "l", 0x4B }, { "m", 0x3A }, { "n", 0x31 },
    { "o", 0x44 }, { "p", 0x4D }, { "q", 0x15 }, { "r", 0x2D }, { "s", 0x1B }, { "t", 0x2C }, { "u", 0x3C },
    { "v", 0x2A }, { "w", 0x1D }, { "x", 0x22 }, { "y", 0x35 }, { "z", 0x1A }, { "1", 0x16 }, { "2", 0x1E },
    { "3", 0x26 }, { "4", 0x25 }, { "5", 0x2E }, { "6", 0x36 }, { "7", 0x3D }, { "8", 0x3E }, { "9", 0x46 },
    { "0", 0x45 }, { "minus", 0x4E }, { "equal", 0x55 }, { "bracketleft", 0x54 }, { "bracketright", 0x5B },
    { "backslash", 0x5D }, { "semicolon", 0x4C }, { "apostrophe", 0x52 }, { "grave", 0x0E }, { "comma", 0x41 },
    { "dot", 0x49 }, { "slash", 0x4A }, { "spc", 0x29 }, { "space", 0x29 }, { "ret", 0x5A }, { "enter", 0x5A },
    { "tab", 0x0D }, { "backspace", 0x66 }, { "esc", 0x76 }, { "shift", 0x12 }, { "shift_r", 0x59 },
    { "ctrl", 0x14 }, { "ctrl_r", 0xE014 }, { "alt", 0x11 }, { "alt_r", 0xE011 }, { "f1", 0x05 },
    { "f2", 0x06 }, { "f3", 0x04 }, { "f4", 0x0C }, { "f5", 0x03 }, { "f6", 0x0B }, { "f7", 0x83 },
    { "f8", 0x0A }, { "f9", 0x01 }, { "f10", 0x09 }, { "f11", 0x78 }, { "f12", 0x07 }, { "up", 0xE075 },
    { "down", 0xE072 }, { "left", 0xE06B }, { "right", 0xE074 }, { "home", 0xE06C }, { "end", 0xE069 },
    { "pgup", 0xE07D }, { "pgdn", 0xE07A }, { "insert", 0xE070 }, { "delete", 0xE071 },
    { "caps_lock", 0x58 }, { "num_lock", 0x77 }, { "scroll_lock", 0x7E }, { "kp_enter", 0xE05A },
};

/* Characters that need shift, with the unshifted key that makes them. */
static const char shifted_chars[] = "!@#$%^&*()_+{}|:\"~<>?";
static const char unshifted_chars[] = "1234567890-=[]\\;'`,./";

static int key_lookup(const char *name, uint16_t *code)
{
    for (unsigned k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        if (!strcmp(keys[k].name, name)) {
            *code = keys[k].code;
            return 0;
        }
    return -1;
}

int script_key_code(const char *name, uint16_t *code)
{
    return key_lookup(name, code);
}

/* The key (and whether shift is needed) for a printable character. */
static int char_key(char ch, uint16_t *code, int *shift)
{
    static const char *punct_names[] = { "minus", "equal", "bracketleft", "bracketright", "backslash",
                                         "semicolon", "apostrophe", "grave", "comma", "dot", "slash" };
    static const char punct[] = "-=[]\\;'`,./";
    char name[2] = { 0, 0 };
    *shift = 0;
    if (ch == '\n')
        return key_lookup("enter", code);
    if (ch == '\t')
        return key_lookup("tab", code);
    if (ch == ' ')
        return key_lookup("space", code);
    const char *p = strchr(shifted_chars, ch);
    if (ch && p) {
        *shift = 1;
        ch = unshifted_chars[p - shifted_chars];
    }
    if (isupper((unsigned char)ch)) {
        *shift = 1;
        ch = (char)tolower((unsigned char)ch);
    }
    const char *q = ch ? strchr(punct, ch) : NULL;
    if (q)
        return key_lookup(punct_names[q - punct], code);
    name[0] = ch;
    return key_lookup(name, code);
}


static int run_for(struct script *s, uint64_t ns)
{
    int st = machine_run_until(s->m, machine_now(s->m) + ns);
    if (st != MACHINE_RUNNING) {
        s->status = st;
        return -1;
    }
    return 0;
}

static int key_event(struct script *s, uint16_t code, int down)
{
    kbc_key(&s->m->kbc, code, down);
    return run_for(s, KEY_GAP_NS);
}

static int type_text(struct script *s, const char *text)
{
    for (const char *p = text; *p; p++) {
        uint16_t code, shift_code = 0x12;
        int shift;
        if (char_key(*p, &code, &shift)) {
            fprintf(s->err, "tarsier: %s:%d: type: no key for character 0x%02x\n", s->path, s->line,
                    (unsigned char)*p);
            s->status = 3;
            return -1;
        }
        if ((shift && key_event(s, shift_code, 1)) || key_event(s, code, 1) || key_event(s, code, 0) ||
            (shift && key_event(s, shift_code, 0)))
            return -1;
    }
    return 0;
}

static int press_keys(struct script *s, char *names)
{
    uint16_t codes[8];
    int n = 0;
    for (char *tok = strtok(names, "-+ "); tok; tok = strtok(NULL, "-+ ")) {
        char lower[32];
        snprintf(lower, sizeof(lower), "%s", tok);
        for (char *q = lower; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        if (!strcmp(lower, "del"))
            strcpy(lower, "delete");
        if (n == 8 || key_lookup(lower, &codes[n])) {
            fprintf(s->err, "tarsier: %s:%d: key: unknown key '%s'\n", s->path, s->line, tok);
            s->status = 3;
            return -1;
        }
        n++;
    }
    for (int k = 0; k < n; k++)
        if (key_event(s, codes[k], 1))
            return -1;
    for (int k = n - 1; k >= 0; k--)
        if (key_event(s, codes[k], 0))
            return -1;
    return 0;
}

static int screen_has(struct machine *m, const char *text)
{
    char buf[132 * 61 + 1];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    if (!f)
        return 0;
    machine_text_dump(m, f);
    fputc(0, f);
    fclose(f);
    buf[sizeof(buf) - 1] = 0;
    return strstr(buf, text) != NULL;
}

/* Parse TEXT [SECONDS]: a quoted string with escapes, or the rest of the line. */
static int parse_text(char *arg, char *out, size_t outlen, double *secs)
{
    size_t n = 0;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    if (*arg == '"') {
        arg++;
        while (*arg && *arg != '"') {
            char ch = *arg++;
            if (ch == '\\' && *arg && strchr("ntr\\\"", *arg)) {
                ch = *arg++;
                ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch == 'r' ? '\r' : ch;
            }
            if (n + 1 < outlen)
                out[n++] = ch;
        }
        if (*arg != '"')
            return -1;
        arg++;
        out[n] = 0;
        while (*arg == ' ' || *arg == '\t')
            arg++;
        if (*arg && secs) {
            char *end;
            *secs = strtod(arg, &end);
            if (*end || *secs <= 0)
                return -1;
        } else if (*arg) {
            return -1;
        }
        return 0;
    }
    /* unquoted: escapes still apply; a trailing number is the time limit */
    char *last = strrchr(arg, ' ');
    if (secs && last) {
        char *end;
        double v = strtod(last + 1, &end);
        if (!*end && end != last + 1 && v > 0) {
            *secs = v;
            *last = 0;
        }
    }
    for (char *p = arg; *p; p++) {
        char ch = *p;
        if (ch == '\\' && p[1] && strchr("ntr\\\"", p[1])) {
            ch = *++p;
            ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch == 'r' ? '\r' : ch;
        }
        if (n + 1 < outlen)
            out[n++] = ch;
    }
    out[n] = 0;
    return n ? 0 : -1;
}

int script_exec(struct script *s, char *line)
{
    char *cmd = line;
    while (*cmd == ' ' || *cmd == '\t')
        cmd++;
    if (!*cmd || *cmd == '#')
        return 0;
    char *arg = cmd + strcspn(cmd, " \t");
    if (*arg)
        *arg++ = 0;
    char text[1024];
    if (!strcmp(cmd, "wait-screen") || !strcmp(cmd, "wait-serial")) {
        double secs = 30;
        if (parse_text(arg, text, sizeof(text), &secs))
            goto syntax;
        int serial = !strcmp(cmd, "wait-serial");
        uint64_t deadline = machine_now(s->m) + (uint64_t)(secs * 1e9);
        while (serial ? !machine_serial_seen(s->m, text, strlen(text)) : !screen_has(s->m, text)) {
            if (machine_now(s->m) >= deadline) {
                fprintf(s->err, "tarsier: %s:%d: %s \"%s\" timed out after %g s\n", s->path, s->line, cmd, text,
                        secs);
                s->status = 3;
                return -1;
            }
            if (run_for(s, POLL_NS))
                return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "type")) {
        if (parse_text(arg, text, sizeof(text), NULL))
            goto syntax;
        return type_text(s, text);
    }
    if (!strcmp(cmd, "type-serial")) {
        if (parse_text(arg, text, sizeof(text), NULL))
            goto syntax;
        if (machine_serial_inject(s->m, text, strlen(text))) {
            fprintf(s->err, "tarsier: %s:%d: type-serial: the guest has not read the earlier input\n", s->path,
                    s->line);
            s->status = 3;
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "key"))
        return press_keys(s, arg);
    if (!strcmp(cmd, "mouse")) {
        long v[3] = { 0, 0, 0 };
        char *p = arg, *end;
        int n = 0;
        for (; n < 3; n++, p = end) {
            v[n] = strtol(p, &end, 0);
            if (end == p)
                break;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (n < 2 || *p || v[0] < -2000 || v[0] > 2000 || v[1] < -2000 || v[1] > 2000 || v[2] < 0 || v[2] > 7)
            goto syntax;
        kbc_mouse(&s->m->kbc, (int)v[0], (int)v[1], (unsigned)v[2]);
        return run_for(s, KEY_GAP_NS);
    }
    if (!strcmp(cmd, "sleep")) {
        char *end;
        double secs = strtod(arg, &end);
        if (end == arg || secs < 0)
            goto syntax;
        return run_for(s, (uint64_t)(secs * 1e9));
    }
    if (!strcmp(cmd, "textdump")) {
        if (!*arg)
            goto syntax;
        FILE *f = fopen(arg, "w");
        if (!f || machine_text_dump(s->m, f) || fclose(f)) {
            fprintf(s->err, "tarsier: %s:%d: textdump: cannot write '%s': %s\n", s->path, s->line, arg,
                    strerror(errno));
            s->status = 3;
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "screendump")) {
        char e[512];
        if (!*arg)
            goto syntax;
        if (vga_screendump(&s->m->vga, arg, e, sizeof(e))) {
            fprintf(s->err, "tarsier: %s:%d: screendump: %s\n", s->path, s->line, e);
            s->status = 3;
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "savevm") || !strcmp(cmd, "loadvm")) {
        char e[512];
        if (!*arg)
            goto syntax;
        if (cmd[0] == 's' ? snapshot_save(s->m, arg, e, sizeof(e)) : snapshot_load(s->m, arg, e, sizeof(e))) {
            fprintf(s->err, "tarsier: %s:%d: %s: %s\n", s->path, s->line, cmd, e);
            s->status = 3;
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmd, "quit")) {
        s->status = *arg ? atoi(arg) : 0;
        return -1;
    }
    fprintf(s->err, "tarsier: %s:%d: unknown command '%s'\n", s->path, s->line, cmd);
    s->status = 3;
    return -1;
syntax:
    fprintf(s->err, "tarsier: %s:%d: bad arguments for '%s'\n", s->path, s->line, cmd);
    s->status = 3;
    return -1;
}

int script_check(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "-script: cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    fclose(f);
    return 0;
}

int script_run(struct machine *m, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tarsier: -script: cannot open '%s': %s\n", path, strerror(errno));
        return 2;
    }
    struct script s = { m, path, 0, MACHINE_RUNNING, stderr };
    char line[2048];
    while (fgets(line, sizeof(line), f)) {
        s.line++;
        line[strcspn(line, "\r\n")] = 0;
        if (script_exec(&s, line))
            break;
    }
    fclose(f);
    if (s.status != MACHINE_RUNNING)
        return s.status;
    /* the script ended: the machine runs on as without a script */
    return machine_run(m);
}
