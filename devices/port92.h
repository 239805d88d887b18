/*
 * port92.h - System Control Port A: fast A20 gate and fast reset.
 */
#ifndef TARSIER_PORT92_H
#define TARSIER_PORT92_H

#include <stdint.h>

#include "machine/io.h"
#include "machine/memmap.h"
#include "machine/state.h"

struct port92 {
    uint8_t value;
    uint8_t reset_requested;
    struct memmap *mem;
};

extern const struct io_ops port92_ops;
extern const struct state_table port92_state;

#endif
