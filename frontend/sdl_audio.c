/*
 * sdl_audio.c - the PC speaker through SDL audio.  The speaker follows PIT
 * counter 2's OUT gated by port 61h bits 0 (counter gate) and 1 (speaker
 * data); when both are set and the counter runs in mode 3 the speaker plays
 * a square wave at 1193182 Hz / count (pit_speaker_hz).  The frontend calls
 * sdl_audio_update every couple of milliseconds of virtual time, and the
 * samples for that stretch of virtual time go into SDL's audio queue at
 * 44.1 kHz, 16-bit mono, so the pitch and the length of a tone follow the
 * guest's clock.  With no audio device the speaker is mute.
 * Left out: sound made by toggling port 61h bit 1 by hand (PWM "digitised"
 * speaker sound), which would need the port writes time-stamped; one-shot
 * counter modes.
 */
#include <string.h>

#include <SDL.h>

#include "frontend/sdl_int.h"

#define RATE 44100u
#define AMP 6000
#define CHUNK 1024u                          /* samples produced per SDL_QueueAudio call */
#define PRIME (RATE / 20)                    /* 50 ms of silence ahead of the first tone */
#define MAX_PRIME (RATE / 5)                 /* grown up to 200 ms after running dry mid-sound */
#define MAX_QUEUED (RATE * 2u * 2 / 5)       /* at most 400 ms queued (bytes) */

void sdl_tone_fill(struct sdl_tone *t, uint32_t hz, int16_t *out, size_t n)
{
    if (!hz || hz >= t->rate / 2) { /* silent, or above what the rate can carry */
        memset(out, 0, n * sizeof(*out));
        return;
    }
    uint32_t step = (uint32_t)(((uint64_t)hz << 32) / t->rate);
    for (size_t i = 0; i < n; i++) {
        out[i] = t->phase < 0x80000000u ? t->amp : (int16_t)-t->amp;
        t->phase += step;
    }
}

int sdl_audio_open(struct sdl_audio *a)
{
    memset(a, 0, sizeof(*a));
    a->tone.rate = RATE;
    a->tone.amp = AMP;
    a->prime = PRIME;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO))
        return -1;
    SDL_AudioSpec want, have;
    memset(&want, 0, sizeof(want));
    want.freq = (int)RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 512;
    want.callback = NULL; /* queued */
    SDL_AudioDeviceID dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!dev) {
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return -1;
    }
    a->dev = dev;
    SDL_PauseAudioDevice(dev, 0);
    return 0;
}

void sdl_audio_skip(struct sdl_audio *a, uint64_t now)
{
    a->t0 = now;
    a->done = 0;
}

void sdl_audio_update(struct sdl_audio *a, struct pit *p, uint64_t now)
{
    if (!a->dev)
        return;
    if (!a->started) {
        a->started = 1;
        sdl_audio_skip(a, now);
        return;
    }
    if (now < a->t0)
        return;
    uint64_t want = (now - a->t0) * RATE / 1000000000ull;
    if (want <= a->done)
        return;
    uint64_t n = want - a->done;
    a->done = want;
    if (a->done > RATE * 3600ull) /* keep the arithmetic small: restart the count hourly */
        sdl_audio_skip(a, now);
    uint32_t hz = pit_speaker_hz(p);
    uint32_t queued = SDL_GetQueuedAudioSize(a->dev);
    if (!hz && !queued) { /* silence with nothing playing: nothing to queue */
        a->playing = 0;
        return;
    }
    if (queued > MAX_QUEUED) /* virtual time runs faster than the wall clock: drop */
        return;
    int16_t buf[CHUNK];
    if (!queued) { /* starting (again): a little silence absorbs the jitter of the updates */
        if (a->playing && a->prime < MAX_PRIME) /* the device ran dry mid-sound: more headroom */
            a->prime = a->prime * 2 < MAX_PRIME ? a->prime * 2 : MAX_PRIME;
        memset(buf, 0, sizeof(buf));
        for (uint32_t left = a->prime; left;) {
            uint32_t k = left < CHUNK ? left : CHUNK;
            SDL_QueueAudio(a->dev, buf, k * (uint32_t)sizeof(buf[0]));
            left -= k;
        }
    }
    while (n) {
        size_t k = n < CHUNK ? (size_t)n : CHUNK;
        sdl_tone_fill(&a->tone, hz, buf, k);
        SDL_QueueAudio(a->dev, buf, (uint32_t)(k * sizeof(buf[0])));
        n -= k;
    }
    a->playing = 1;
}

void sdl_audio_close(struct sdl_audio *a)
{
    if (!a->dev)
        return;
    SDL_CloseAudioDevice(a->dev);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    a->dev = 0;
}
