/*
 * bios_state.c - the built-in BIOS's state table: what its C services keep
 * between calls (the CD boot, the boot drive, the INT 09h E0 prefix, the
 * INT 16h idle detector, a running INT 15h wait, the kernel it enters).  The
 * ROM image is rebuilt from the configuration; the data the services keep in
 * guest memory (BDA, EBDA) travels with RAM.
 */
#include <stddef.h>

#include "bios/bios.h"
#include "machine/state.h"

#define F(name, field, type) { name, offsetof(struct bios, field), type, 1, 1 }

static const struct state_field bios_fields[] = {
    F("cdboot.rba", cdboot.rba, ST_U32), F("cdboot.load_seg", cdboot.load_seg, ST_U16),
    F("cdboot.count", cdboot.count, ST_U16), F("cdboot.active", cdboot.active, ST_U8),
    { "boot_order", offsetof(struct bios, boot_order), ST_BYTES, sizeof(((struct bios *)0)->boot_order), 1 },
    F("boot_drive", boot_drive, ST_U8), F("e0_prefix", e0_prefix, ST_U8),
    F("idle_polls", idle_polls, ST_U32),
    F("wait.wake_at", wait.wake_at, ST_U64), F("wait.end_at", wait.end_at, ST_U64),
    F("wait.flag_phys", wait.flag_phys, ST_U32), F("wait.active", wait.active, ST_U8),
    F("wait.is86", wait.is86, ST_U8),
    { "linux_boot", offsetof(struct bios, linux_boot), ST_BYTES, sizeof(bool), 1 },
    { "multiboot", offsetof(struct bios, multiboot), ST_BYTES, sizeof(bool), 1 },
    F("mb.entry", mb.entry, ST_U32), F("mb.info", mb.info, ST_U32),
    STATE_END
};

const struct state_table bios_state = { "bios", 1, bios_fields };
