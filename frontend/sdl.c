/*
 * sdl.c - the SDL2 window frontend (-display sdl).  The window hooks into the
 * machine's run loop (m->host_poll): every 2 ms of virtual time it hands
 * queued keyboard and mouse input to the 8042 and feeds the speaker
 * (sdl_audio.c); at 60 Hz of virtual time (or of wall time when the guest
 * runs slower than real time) it handles SDL events and presents the VGA
 * frame, uploading only the bands vga_render reports as changed.  With
 * pacing on (the default) the host sleeps whenever virtual time runs ahead
 * of the wall clock, so an idle guest does not race.
 *
 * The frame keeps the 4:3 shape of a VGA monitor in any window size
 * (letterboxed), or square pixels with scale=N and in VBE modes.  Hot keys:
 * Ctrl+Alt+F full screen, Ctrl+Alt+G mouse grab on/off (a click in the window
 * grabs it), Ctrl+Alt+P pause.  Left out: the window keeps running only
 * while the machine does (a gdb stop or -S freezes it), no clipboard, no
 * mouse wheel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "frontend/sdl.h"
#include "frontend/sdl_int.h"

#define POLL_NS 2000000ull         /* input and sound every 2 ms of virtual time */
#define FRAME_NS 16666667ull       /* presentation at 60 Hz */
#define BEHIND_NS 100000000ull     /* pacing: further behind the wall clock than this, stop catching up */
#define KEYQ 256                   /* host-side key events waiting for room in the keyboard's buffer */
#define OWN_RENDER (-1)            /* vga.frame.nrects after our own vga_render (see present) */

struct sdl_display {
    struct machine *m;
    struct sdl_options opt;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
    bool vbe, full, grabbed, paused, quit, redraw, title_now;
    unsigned buttons;
    int mdx, mdy;
    bool mouse_dirty;
    struct sdl_keyev keyq[KEYQ];
    unsigned kq_head, kq_len;
    uint8_t down[SDL_NUM_SCANCODES];    /* keys the guest saw pressed */
    uint64_t next_frame;                /* virtual ns */
    uint64_t wall_ref, virt_ref;        /* pacing: wall and virtual time at the same moment */
    uint64_t frame_wall, title_wall, title_icount;
    struct sdl_audio audio;
};

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool sdl_have_display(void)
{
    const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    return (x && *x) || (w && *w);
}

static int parse_onoff(const char *v, bool *out)
{
    if (!strcmp(v, "on"))
        *out = true;
    else if (!strcmp(v, "off"))
        *out = false;
    else
        return -1;
    return 0;
}

void sdl_default_options(struct sdl_options *o)
{
    memset(o, 0, sizeof(*o));
    o->pace = o->audio = true;
}

int sdl_parse_display(const char *spec, enum sdl_display_kind *kind, struct sdl_options *o, char *err,
                      size_t errlen)
{
    sdl_default_options(o);
    if (!strcmp(spec, "none")) {
        *kind = SDL_DISPLAY_NONE;
        return 0;
    }
    if (strncmp(spec, "sdl", 3) || (spec[3] && spec[3] != ',')) {
        snprintf(err, errlen, "-display: '%s': use sdl[,OPTION=VALUE...] or none", spec);
        return -1;
    }
    *kind = SDL_DISPLAY_SDL;
    for (const char *p = spec + 3; *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        char opt[64];
        if (len >= sizeof(opt))
            len = sizeof(opt) - 1;
        memcpy(opt, p, len);
        opt[len] = 0;
        p += strcspn(p, ",");
        char *val = strchr(opt, '=');
        int bad = !val;
        if (val) {
            *val++ = 0;
            if (!strcmp(opt, "scale")) {
                char *end;
                long v = strtol(val, &end, 10);
                bad = *end || end == val || v < 1 || v > 8;
                o->scale = (int)v;
            } else if (!strcmp(opt, "full-screen")) {
                bad = parse_onoff(val, &o->full_screen);
            } else if (!strcmp(opt, "pace")) {
                bad = parse_onoff(val, &o->pace);
            } else if (!strcmp(opt, "audio")) {
                bad = parse_onoff(val, &o->audio);
            } else {
                bad = 1;
            }
        }
        if (bad) {
            snprintf(err, errlen,
                     "-display: bad option '%s' in '%s' (scale=1..8, full-screen=on|off, pace=on|off, audio=on|off)",
                     opt, spec);
            return -1;
        }
    }
    return 0;
}

/* ---- keyboard and mouse ---- */

static void key_push(struct sdl_display *d, const struct sdl_keyev *ev, int n)
{
    for (int i = 0; i < n && d->kq_len < KEYQ; i++)
        d->keyq[(d->kq_head + d->kq_len++) % KEYQ] = ev[i];
}

/* Move queued key events into the keyboard while its 16-byte buffer has room. */
static void key_feed(struct sdl_display *d)
{
    struct kbc *k = &d->m->kbc;
    while (d->kq_len && k->kq_count + 3 <= KBC_KBD_QLEN) {
        struct sdl_keyev e = d->keyq[d->kq_head];
        d->kq_head = (d->kq_head + 1) % KEYQ;
        d->kq_len--;
        if (e.code == SDL_KEYEV_E1) {
            uint8_t b = 0xE1;
            kbc_key_bytes(k, &b, 1);
        } else {
            kbc_key(k, e.code, e.down);
        }
    }
}

static void mouse_feed(struct sdl_display *d)
{
    struct kbc *k = &d->m->kbc;
    if (!d->mouse_dirty || k->aq_count + 8 > KBC_AUX_QLEN)
        return;
    int dx = d->mdx < -255 ? -255 : d->mdx > 255 ? 255 : d->mdx;
    int dy = d->mdy < -255 ? -255 : d->mdy > 255 ? 255 : d->mdy;
    kbc_mouse(k, dx, dy, d->buttons);
    d->mdx -= dx;
    d->mdy -= dy;
    d->mouse_dirty = d->mdx || d->mdy;
}

static unsigned keymods(SDL_Keymod km)
{
    return (km & KMOD_SHIFT ? SDL_KEYMOD_SHIFT : 0) | (km & KMOD_CTRL ? SDL_KEYMOD_CTRL : 0) |
           (km & KMOD_ALT ? SDL_KEYMOD_ALT : 0);
}

/* Release every key the guest saw pressed (focus lost, pause). */
static void release_keys(struct sdl_display *d)
{
    struct sdl_keyev ev[SDL_KEYEV_MAX];
    for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++)
        if (d->down[sc]) {
            d->down[sc] = 0;
            key_push(d, ev, sdl_keymap_events(sc, 0, 0, ev));
        }
}

static void set_grab(struct sdl_display *d, bool on)
{
    if (on == d->grabbed)
        return;
    d->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    if (!on && d->buttons) {
        d->buttons = 0;
        d->mouse_dirty = true;
    }
    d->title_now = true; /* show the hint now */
}

static void hot_key(struct sdl_display *d, SDL_Scancode sc)
{
    if (sc == SDL_SCANCODE_F) {
        d->full = !d->full;
        SDL_SetWindowFullscreen(d->win, d->full ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        d->redraw = true;
    } else if (sc == SDL_SCANCODE_G) {
        set_grab(d, !d->grabbed);
    } else if (sc == SDL_SCANCODE_P) {
        d->paused = !d->paused;
        if (d->paused) {
            release_keys(d);
            set_grab(d, false);
        }
        d->title_now = true;
    }
}

static void key_event(struct sdl_display *d, const SDL_KeyboardEvent *e)
{
    int sc = e->keysym.scancode, down = e->type == SDL_KEYDOWN;
    SDL_Keymod km = e->keysym.mod;
    if ((km & KMOD_CTRL) && (km & KMOD_ALT) &&
        (sc == SDL_SCANCODE_F || sc == SDL_SCANCODE_G || sc == SDL_SCANCODE_P)) {
        if (down && !e->repeat)
            hot_key(d, (SDL_Scancode)sc);
        return;
    }
    if (sc < 0 || sc >= SDL_NUM_SCANCODES || d->paused || (!down && !d->down[sc]))
        return;
    d->down[sc] = (uint8_t)down;
    struct sdl_keyev ev[SDL_KEYEV_MAX];
    key_push(d, ev, sdl_keymap_events(sc, down, keymods(km), ev)); /* a repeat is the typematic make */
}

static void handle(struct sdl_display *d, const SDL_Event *e)
{
    unsigned bit;
    switch (e->type) {
    case SDL_QUIT:
        d->quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
            release_keys(d);
            set_grab(d, false);
        }
        d->redraw = true; /* exposed, resized, shown ... */
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        key_event(d, &e->key);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        bit = e->button.button == SDL_BUTTON_LEFT    ? KBC_BTN_LEFT
              : e->button.button == SDL_BUTTON_RIGHT  ? KBC_BTN_RIGHT
              : e->button.button == SDL_BUTTON_MIDDLE ? KBC_BTN_MIDDLE
                                                      : 0;
        if (!d->grabbed) {
            if (e->type == SDL_MOUSEBUTTONDOWN && bit == KBC_BTN_LEFT && !d->paused)
                set_grab(d, true); /* the grabbing click itself stays with the host */
            break;
        }
        d->buttons = e->type == SDL_MOUSEBUTTONDOWN ? d->buttons | bit : d->buttons & ~bit;
        d->mouse_dirty = true;
        break;
    case SDL_MOUSEMOTION:
        if (d->grabbed) {
            d->mdx += e->motion.xrel;
            d->mdy += e->motion.yrel;
            d->mouse_dirty = true;
        }
        break;
    default:
        break;
    }
}

/* ---- presentation ---- */

/* The window size for a w x h frame: 4:3 for VGA modes, at least 640 wide. */
static void natural_size(const struct sdl_display *d, int w, int h, int *ww, int *wh)
{
    if (d->opt.scale) {
        *ww = w * d->opt.scale;
        *wh = h * d->opt.scale;
        return;
    }
    int k = w < 640 ? (640 + w - 1) / w : 1;
    *ww = w * k;
    *wh = d->vbe ? h * k : *ww * 3 / 4;
}

static void draw(struct sdl_display *d)
{
    int ow, oh;
    SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
    SDL_RenderClear(d->ren);
    if (d->tex && !SDL_GetRendererOutputSize(d->ren, &ow, &oh) && ow > 0 && oh > 0) {
        int64_t aw = 4, ah = 3;
        if (d->opt.scale || d->vbe) {
            aw = d->tex_w;
            ah = d->tex_h;
        }
        SDL_Rect r;
        if ((int64_t)ow * ah > (int64_t)oh * aw) { /* wider than the frame: bars left and right */
            r.h = oh;
            r.w = (int)((int64_t)oh * aw / ah);
        } else {
            r.w = ow;
            r.h = (int)((int64_t)ow * ah / aw);
        }
        r.x = (ow - r.w) / 2;
        r.y = (oh - r.h) / 2;
        bool whole = r.w % d->tex_w == 0 && r.h % d->tex_h == 0;
        SDL_SetTextureScaleMode(d->tex, whole ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
        SDL_RenderCopy(d->ren, d->tex, NULL, &r);
    }
    SDL_RenderPresent(d->ren);
    d->redraw = false;
}

/* Render the VGA frame and upload what changed.  vga_render reports the
 * changes since its previous call by anyone; a screendump in between takes
 * them, so after our own render we mark the frame (nrects = OWN_RENDER) and
 * upload everything when the mark is gone. */
static void present(struct sdl_display *d)
{
    struct vga *v = &d->m->vga;
    bool all = v->frame.nrects != OWN_RENDER;
    const struct vga_frame *f = vga_render(v);
    bool vbe = vga_vbe_enabled(v);
    if (vbe != d->vbe)
        d->redraw = true;
    d->vbe = vbe;
    if (!d->tex || f->width != d->tex_w || f->height != d->tex_h) {
        if (d->tex)
            SDL_DestroyTexture(d->tex);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, f->width,
                                   f->height);
        d->tex_w = f->width;
        d->tex_h = f->height;
        if (!d->tex) {
            fprintf(stderr, "tarsier: SDL: cannot create a %dx%d texture: %s\n", f->width, f->height,
                    SDL_GetError());
            d->quit = true;
            return;
        }
        if (!d->full) {
            int ww, wh;
            natural_size(d, f->width, f->height, &ww, &wh);
            SDL_SetWindowSize(d->win, ww, wh);
        }
        all = true;
    }
    int n = f->nrects;
    if (all) {
        SDL_UpdateTexture(d->tex, NULL, f->pixels, f->stride * 4);
    } else {
        for (int i = 0; i < n; i++) {
            const struct vga_rect *q = &f->rects[i];
            SDL_Rect r = { q->x, q->y, q->w, q->h };
            SDL_UpdateTexture(d->tex, &r, f->pixels + (size_t)q->y * (size_t)f->stride + (size_t)q->x,
                              f->stride * 4);
        }
    }
    v->frame.nrects = OWN_RENDER;
    if (all || n || d->redraw)
        draw(d);
}

static void update_title(struct sdl_display *d, uint64_t wall)
{
    if (!d->title_now && wall - d->title_wall < 1000000000ull)
        return;
    d->title_now = false;
    uint64_t icount = d->m->cpu.icount;
    double secs = (double)(wall - d->title_wall) / 1e9;
    double mips = secs > 0 ? (double)(icount - d->title_icount) / secs / 1e6 : 0;
    char title[160];
    snprintf(title, sizeof(title), "tarsier - %.1f MIPS - %s%s", d->paused ? 0.0 : mips,
             d->paused ? "paused" : d->m->cpu.halted ? "halted" : "running",
             d->grabbed ? " - Ctrl+Alt+G releases the mouse" : "");
    SDL_SetWindowTitle(d->win, title);
    d->title_wall = wall;
    d->title_icount = icount;
}

/* Sleep while virtual time is ahead of the wall clock. */
static void pace(struct sdl_display *d, uint64_t now)
{
    uint64_t wall = wall_ns();
    int64_t ahead = (int64_t)(now - d->virt_ref) - (int64_t)(wall - d->wall_ref);
    if (ahead > 1000000) {
        if (ahead > 20000000)
            ahead = 20000000;
        struct timespec ts = { 0, (long)ahead };
        nanosleep(&ts, NULL);
    } else if (ahead < -(int64_t)BEHIND_NS) {
        d->virt_ref = now;
        d->wall_ref = wall;
    }
}

static int host_poll(void *opaque)
{
    struct sdl_display *d = opaque;
    struct machine *m = d->m;
    uint64_t now = machine_now(m);
    m->host_poll_at = now + POLL_NS;
    key_feed(d);
    mouse_feed(d);
    if (d->opt.audio)
        sdl_audio_update(&d->audio, &m->pit, now);
    uint64_t wall = wall_ns();
    if (now >= d->next_frame || wall - d->frame_wall >= FRAME_NS) {
        d->next_frame = d->next_frame + FRAME_NS > now ? d->next_frame + FRAME_NS : now + FRAME_NS;
        d->frame_wall = wall;
        SDL_Event e;
        while (SDL_PollEvent(&e))
            handle(d, &e);
        if (d->paused) {
            while (d->paused && !d->quit && !(m->stop_signal && *m->stop_signal)) {
                update_title(d, wall_ns());
                present(d);
                if (SDL_WaitEventTimeout(&e, 200))
                    handle(d, &e);
            }
            d->virt_ref = now;
            d->wall_ref = wall_ns();
            sdl_audio_skip(&d->audio, now);
        }
        present(d);
        update_title(d, wall);
        key_feed(d);
        mouse_feed(d);
    }
    if (d->quit)
        return 0;
    if (d->opt.pace)
        pace(d, now);
    return MACHINE_RUNNING;
}

struct sdl_display *sdl_open(struct machine *m, const struct sdl_options *o, char *err, size_t errlen)
{
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1"); /* SIGINT/SIGTERM stay with main.c */
    if (SDL_InitSubSystem(SDL_INIT_VIDEO)) {
        snprintf(err, errlen, "-display sdl: %s", SDL_GetError());
        return NULL;
    }
    /* SDL falls back to drivers without a screen; take them only when asked for */
    const char *drv = SDL_GetCurrentVideoDriver(), *want = getenv("SDL_VIDEODRIVER");
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !(want && *want)) {
        snprintf(err, errlen, "-display sdl: no display server (DISPLAY and WAYLAND_DISPLAY unset or unusable)");
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return NULL;
    }
    struct sdl_display *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "-display sdl: out of memory");
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return NULL;
    }
    d->m = m;
    d->opt = *o;
    d->full = o->full_screen;
    const struct vga_frame *f = vga_render(&m->vga);
    d->vbe = vga_vbe_enabled(&m->vga);
    int ww, wh;
    natural_size(d, f->width, f->height, &ww, &wh);
    d->win = SDL_CreateWindow("tarsier", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, ww, wh,
                              SDL_WINDOW_RESIZABLE | (d->full ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
    if (d->win) {
        d->ren = SDL_CreateRenderer(d->win, -1, 0);
        if (!d->ren)
            d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!d->win || !d->ren) {
        snprintf(err, errlen, "-display sdl: %s", SDL_GetError());
        if (d->win)
            SDL_DestroyWindow(d->win);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        free(d);
        return NULL;
    }
    SDL_StopTextInput(); /* scancodes only: no input method in the way */
    if (o->audio && sdl_audio_open(&d->audio))
        d->opt.audio = false; /* no audio device: the speaker is mute */
    uint64_t now = machine_now(m);
    d->virt_ref = now;
    d->wall_ref = d->frame_wall = d->title_wall = wall_ns();
    d->title_icount = m->cpu.icount;
    d->next_frame = now + FRAME_NS;
    d->title_now = true;
    update_title(d, d->wall_ref);
    present(d);
    m->host_poll = host_poll;
    m->host_opaque = d;
    m->host_poll_at = now;
    return d;
}

void sdl_close(struct sdl_display *d)
{
    if (!d)
        return;
    d->m->host_poll = NULL;
    d->m->host_opaque = NULL;
    if (d->grabbed)
        SDL_SetRelativeMouseMode(SDL_FALSE);
    if (d->opt.audio)
        sdl_audio_close(&d->audio);
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    SDL_DestroyRenderer(d->ren);
    SDL_DestroyWindow(d->win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    SDL_Quit();
    free(d);
}
