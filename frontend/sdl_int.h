/*
 * sdl_int.h - the parts of the SDL window frontend shared between sdl.c
 * (window, input, pacing), sdl_keymap.c (SDL scancodes -> PC scan codes) and
 * sdl_audio.c (the PC speaker), kept free of SDL types so that the unit test
 * can check the key table and the tone generator directly.
 */
#ifndef TARSIER_SDL_INT_H
#define TARSIER_SDL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "devices/pit.h"

/* One keyboard event for the 8042: kbc_key(code, down), or a raw E1 prefix
 * byte (code SDL_KEYEV_E1) for Pause. */
#define SDL_KEYEV_E1 0xE100u
#define SDL_KEYEV_MAX 6
struct sdl_keyev {
    uint16_t code;            /* set 2 make code, 0xE0xx extended, or SDL_KEYEV_E1 */
    uint8_t down;
};

/* Modifier state that changes what a key sends (Print Screen, Pause). */
#define SDL_KEYMOD_SHIFT 1u
#define SDL_KEYMOD_CTRL 2u
#define SDL_KEYMOD_ALT 4u

/* The set 2 make code of an SDL scancode (0xE0xx for extended keys), 0 for
 * keys a PC keyboard does not have.  Print Screen and Pause report their
 * main code (0xE07C, 0xE177) but need sdl_keymap_events. */
uint16_t sdl_keymap_code(int scancode);
/* The events for a press (down=1) or release of an SDL scancode given the
 * SDL_KEYMOD_* state; returns how many (0..SDL_KEYEV_MAX) were written. */
int sdl_keymap_events(int scancode, int down, unsigned mods, struct sdl_keyev *out);

/* The speaker's square wave: a phase accumulator at `rate` samples/s. */
struct sdl_tone {
    uint32_t rate;            /* output samples per second */
    uint32_t phase;           /* position in the period, 2^32 = one period */
    int16_t amp;
};
/* Write n samples of a square wave at hz (0: silence) and move the phase. */
void sdl_tone_fill(struct sdl_tone *t, uint32_t hz, int16_t *out, size_t n);

/* The speaker through an SDL audio queue (sdl_audio.c). */
struct sdl_audio {
    uint32_t dev;             /* SDL_AudioDeviceID, 0: muted (no device) */
    struct sdl_tone tone;
    uint64_t t0;              /* virtual ns of sample 0 */
    uint64_t done;            /* samples produced since t0 */
    uint32_t prime;           /* samples of silence queued ahead when the queue was empty */
    int started, playing;     /* playing: sound queued since the queue was last empty */
};
/* Open the default output device at 44.1 kHz mono; 0, or -1 (muted). */
int sdl_audio_open(struct sdl_audio *a);
/* Produce the samples for virtual time up to now from the speaker state. */
void sdl_audio_update(struct sdl_audio *a, struct pit *p, uint64_t now);
/* Forget the time since the last update (the machine was paused). */
void sdl_audio_skip(struct sdl_audio *a, uint64_t now);
void sdl_audio_close(struct sdl_audio *a);

#endif
