/*
 * sdl.h - the SDL2 window frontend (-display sdl): the VGA frame in a
 * resizable window, keyboard and PS/2 mouse input, the PC speaker, realtime
 * pacing.  See sdl.c and docs/cli.md.
 */
#ifndef TARSIER_SDL_H
#define TARSIER_SDL_H

#include <stdbool.h>
#include <stddef.h>

#include "machine/machine.h"

struct sdl_options {
    int scale;                /* 0: 4:3 display aspect for VGA modes; N: N x N pixels per frame pixel */
    bool full_screen;
    bool pace;                /* keep virtual time near the wall clock (default on) */
    bool audio;               /* the PC speaker (default on; mute without a device) */
};

enum sdl_display_kind { SDL_DISPLAY_DEFAULT, SDL_DISPLAY_NONE, SDL_DISPLAY_SDL };

/* The options of a plain "-display sdl". */
void sdl_default_options(struct sdl_options *o);
/* Parse a -display argument: "none" or "sdl[,scale=N][,full-screen=on|off]
 * [,pace=on|off][,audio=on|off]"; 0, or -1 with a message. */
int sdl_parse_display(const char *spec, enum sdl_display_kind *kind, struct sdl_options *o, char *err,
                      size_t errlen);
/* Whether the environment names a display server (DISPLAY or WAYLAND_DISPLAY). */
bool sdl_have_display(void);

struct sdl_display;
/* Open the window and hook it into the machine's run loop (m->host_poll);
 * NULL with a message when SDL video cannot start. */
struct sdl_display *sdl_open(struct machine *m, const struct sdl_options *o, char *err, size_t errlen);
/* Unhook and close the window (before machine_destroy). */
void sdl_close(struct sdl_display *d);

#endif
