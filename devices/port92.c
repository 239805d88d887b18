/*
 * port92.c - System Control Port A (0x92) of PS/2-compatible chipsets, as in
 * the Intel 82371 PIIX datasheet: bit 1 gates A20 ("fast A20"), writing bit 0
 * as 1 pulses a CPU reset.  Other bits read back as written.
 */
#include "devices/port92.h"

static uint32_t p92_read(void *opaque, uint32_t off, int size)
{
    struct port92 *p = opaque;
    return (p->value & ~2u) | (memmap_a20(p->mem) ? 2u : 0u);
}

static void p92_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct port92 *p = opaque;
    p->value = (uint8_t)(val & ~1u);
    memmap_set_a20(p->mem, (val & 2) != 0);
    if (val & 1)
        p->reset_requested = 1;
}

const struct io_ops port92_ops = { p92_read, p92_write, IO_SIZE8 };

static const struct state_field port92_fields[] = {
    STATE_FIELD(struct port92, value, ST_U8),
    STATE_END
};
const struct state_table port92_state = { "port92", 1, port92_fields };
