/*
 * drive.c - the drive options as QEMU users spell them: -hdc, -hdd, -cdrom
 * and -drive file=PATH,if=ide|floppy,media=disk|cdrom,readonly=on|off,
 * index=N,format=raw.  They fill the machine configuration's IDE slots
 * (0 primary master, 1 primary slave, 2 secondary master, 3 secondary
 * slave) and floppy drives; opening the images is the board's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/drive.h"

static const char *const slot_names[4] = { "primary master", "primary slave", "secondary master", "secondary slave" };

static bool slot_taken(const struct machine_config *cfg, int k)
{
    return cfg->ide[k].used || (k == 0 && cfg->hda) || (k == 1 && cfg->hdb);
}

int drive_add_ide(struct machine_config *cfg, int index, const char *path, bool cdrom, bool readonly,
                  const char *opt, char *err, size_t errlen)
{
    if (index < 0)
        for (int k = 0; k < 4 && index < 0; k++)
            if (!slot_taken(cfg, k))
                index = k;
    if (index < 0) {
        snprintf(err, errlen, "%s: all four IDE slots are taken", opt);
        return -1;
    }
    if (index > 3) {
        snprintf(err, errlen, "%s: IDE index %d out of range (0-3)", opt, index);
        return -1;
    }
    if (slot_taken(cfg, index)) {
        snprintf(err, errlen, "%s: IDE slot %d (%s) is already in use", opt, index, slot_names[index]);
        return -1;
    }
    if (!cdrom && !path) {
        snprintf(err, errlen, "%s: a hard disk needs file=PATH", opt);
        return -1;
    }
    cfg->ide[index] = (struct machine_ide_slot){ path, true, cdrom, readonly || cdrom };
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        return -1;
    return 0;
}

int drive_parse(struct machine_config *cfg, char *spec, char *err, size_t errlen)
{
    const char *file = NULL, *ifname = "ide", *media = "disk";
    bool readonly = false;
    int index = -1;
    /* QEMU's syntax: key=value pairs separated by commas; ",," is a literal comma in a value */
    char *p = spec; /* parsed in place: the file name stays valid as long as the argument */
    while (*p) {
        char *item = p, *w = p;
        while (*p && !(*p == ',' && p[1] != ',')) {
            if (*p == ',' && p[1] == ',')
                p++;
            *w++ = *p++;
        }
        if (*p)
            p++;
        *w = 0;
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(err, errlen, "-drive: '%s' is not key=value", item);
            return -1;
        }
        *eq = 0;
        const char *key = item, *val = eq + 1;
        if (!strcmp(key, "file")) {
            file = *val ? val : NULL;
        } else if (!strcmp(key, "if")) {
            if (strcmp(val, "ide") && strcmp(val, "floppy")) {
                snprintf(err, errlen, "-drive: if=%s: only ide and floppy are supported", val);
                return -1;
            }
            ifname = !strcmp(val, "ide") ? "ide" : "floppy";
        } else if (!strcmp(key, "media")) {
            if (strcmp(val, "disk") && strcmp(val, "cdrom")) {
                snprintf(err, errlen, "-drive: media=%s: expected disk or cdrom", val);
                return -1;
            }
            media = !strcmp(val, "disk") ? "disk" : "cdrom";
        } else if (!strcmp(key, "readonly")) {
            if (parse_bool(val, &readonly)) {
                snprintf(err, errlen, "-drive: readonly=%s: expected on or off", val);
                return -1;
            }
        } else if (!strcmp(key, "index")) {
            char *end;
            long v = strtol(val, &end, 10);
            if (!*val || *end || v < 0 || v > 3) {
                snprintf(err, errlen, "-drive: index=%s: expected 0-3", val);
                return -1;
            }
            index = (int)v;
        } else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw")) {
                snprintf(err, errlen, "-drive: format=%s: only raw images are supported", val);
                return -1;
            }
        } else {
            snprintf(err, errlen, "-drive: unknown key '%s' (known: file, if, media, readonly, index, format)", key);
            return -1;
        }
    }
    if (!strcmp(ifname, "floppy")) {
        if (!strcmp(media, "cdrom") || !file || index > 1) {
            snprintf(err, errlen, "-drive: a floppy needs file=PATH, media=disk and index 0 or 1");
            return -1;
        }
        if (index < 0)
            index = cfg->fda ? 1 : 0;
        if (index ? cfg->fdb : cfg->fda) {
            snprintf(err, errlen, "-drive: floppy drive %c: is already in use", index ? 'B' : 'A');
            return -1;
        }
        if (index)
            cfg->fdb = file;
        else
            cfg->fda = file;
        cfg->fd_readonly[index] = readonly;
        return 0;
    }
    return drive_add_ide(cfg, index, file, !strcmp(media, "cdrom"), readonly, "-drive", err, errlen);
}
