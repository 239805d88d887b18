/*
 * monchan.c - the monitor's connection: stdio or a loopback TCP listener with
 * one client at a time (see monchan.h and docs/debugging.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "frontend/gdbstub.h"
#include "frontend/monchan.h"

/* "tcp:HOST:PORT[,opt...]" -> "tcp:HOST:PORT" in buf; -1 on an unknown option. */
static int strip_options(const char *spec, char *buf, size_t len)
{
    const char *comma = strchr(spec, ',');
    size_t n = comma ? (size_t)(comma - spec) : strlen(spec);
    if (n >= len)
        return -1;
    memcpy(buf, spec, n);
    buf[n] = 0;
    while (comma) {
        const char *opt = comma + 1;
        comma = strchr(opt, ',');
        size_t ol = comma ? (size_t)(comma - opt) : strlen(opt);
        if (!(ol == 6 && !strncmp(opt, "server", 6)) && !(ol == 6 && !strncmp(opt, "nowait", 6)))
            return -1;
    }
    return 0;
}

int monchan_check(const char *spec, char *err, size_t errlen)
{
    char buf[300], e[300];
    if (!strcmp(spec, "stdio"))
        return 0;
    if (strip_options(spec, buf, sizeof(buf)) || debug_check_spec(buf, e, sizeof(e))) {
        snprintf(err, errlen, "-monitor: expected stdio or tcp:[HOST]:PORT[,server][,nowait], got '%s'", spec);
        return -1;
    }
    return 0;
}

int monchan_open(struct monchan *mc, const char *spec)
{
    memset(mc, 0, sizeof(*mc));
    mc->lfd = mc->fd = -1;
    if (!spec)
        return 0;
    if (!strcmp(spec, "stdio")) {
        mc->kind = 1;
        mc->fd = 0;
        return 0;
    }
    char buf[300];
    if (strip_options(spec, buf, sizeof(buf)))
        return -1;
    mc->kind = 2;
    mc->lfd = debug_listen(buf, "-monitor");
    return mc->lfd < 0 ? -1 : 0;
}

void monchan_close(struct monchan *mc)
{
    if (mc->kind == 2) {
        if (mc->fd >= 0)
            close(mc->fd);
        if (mc->lfd >= 0)
            close(mc->lfd);
    }
    mc->fd = mc->lfd = -1;
    mc->kind = 0;
}

int monchan_pollfds(const struct monchan *mc, struct pollfd *pf)
{
    int n = 0;
    if (mc->lfd >= 0 && mc->fd < 0)
        pf[n++] = (struct pollfd){ mc->lfd, POLLIN, 0 };
    if (mc->fd >= 0)
        pf[n++] = (struct pollfd){ mc->fd, POLLIN, 0 };
    return n;
}

void monchan_out(void *opaque, const char *text)
{
    struct monchan *mc = opaque;
    if (mc->kind == 1) {
        fputs(text, stdout);
        fflush(stdout);
        return;
    }
    size_t len = strlen(text);
    while (mc->fd >= 0 && len) {
        ssize_t w = send(mc->fd, text, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) { /* the client went away or stopped reading: drop it */
            close(mc->fd);
            mc->fd = -1;
            return;
        }
        text += w;
        len -= (size_t)w;
    }
}

void monchan_prompt(struct monchan *mc)
{
    if (mc->fd >= 0)
        monchan_out(mc, "(tarsier) ");
}

static void drop(struct monchan *mc)
{
    if (mc->kind == 2)
        close(mc->fd);
    mc->fd = -1; /* stdio at EOF: the machine runs on without a monitor */
    mc->len = 0;
    mc->overlong = 0;
}

void monchan_service(struct monchan *mc, const struct pollfd *pf, int n, monchan_line_fn fn, void *opaque)
{
    for (int k = 0; k < n; k++) {
        if (!pf[k].revents)
            continue;
        if (pf[k].fd == mc->lfd && mc->fd < 0) {
            int fd = accept(mc->lfd, NULL, NULL);
            if (fd < 0)
                continue;
            struct timeval tv = { 5, 0 }; /* a client that stops reading is dropped, not waited for */
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            mc->fd = fd;
            mc->len = 0;
            mc->overlong = 0;
            monchan_out(mc, "tarsier monitor: type 'help' for the commands\n");
            monchan_prompt(mc);
            continue;
        }
        if (pf[k].fd != mc->fd || mc->fd < 0)
            continue;
        char buf[512];
        ssize_t got = read(mc->fd, buf, sizeof(buf));
        if (got <= 0) {
            drop(mc);
            continue;
        }
        for (ssize_t j = 0; j < got && mc->fd >= 0; j++) {
            if (buf[j] == '\n') {
                mc->line[mc->len] = 0;
                if (mc->len && mc->line[mc->len - 1] == '\r')
                    mc->line[mc->len - 1] = 0;
                mc->len = 0;
                if (mc->overlong) { /* not run cut short: say so */
                    mc->overlong = 0;
                    monchan_out(mc, "error: line too long (at most 510 characters); ignored\n");
                } else if (fn(opaque, mc->line)) {
                    return; /* the command ended the run */
                }
                monchan_prompt(mc);
            } else if (mc->len < sizeof(mc->line) - 1) {
                mc->line[mc->len++] = buf[j];
            } else {
                mc->overlong = 1;
            }
        }
    }
}
