/*
 * control.c - the -control socket: the -script commands (wait-serial,
 * wait-screen, type, type-serial, key, sleep, textdump, screendump, quit)
 * sent one per line over a TCP connection (loopback by default) or a Unix
 * socket, while the machine runs.  Each command gets one reply line:
 * "ok" or "error: MESSAGE".  A failed command (a wait that runs out) does not
 * end the run; `quit [STATUS]` does, as does the guest ending the machine
 * (exit port, ACPI soft off, time limit), in which case a connected client
 * reads "ended STATUS".  One client at a time; others wait in the backlog,
 * and a new client may connect after the previous one closed.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "frontend/control.h"
#include "frontend/net.h"
#include "frontend/script.h"

#define SLICE_NS 10000000ull /* the machine runs in 10 ms slices between socket polls */
#define LINE_MAX_LEN 2048

int control_listen(const char *spec, char *err, size_t errlen)
{
    int fd = -1;
    if (!strncmp(spec, "unix:", 5)) {
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof(sa));
        sa.sun_family = AF_UNIX;
        if (strlen(spec + 5) == 0 || strlen(spec + 5) >= sizeof(sa.sun_path)) {
            snprintf(err, errlen, "-control: bad socket path in '%s'", spec);
            return -1;
        }
        strcpy(sa.sun_path, spec + 5);
        unlink(sa.sun_path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
            snprintf(err, errlen, "-control: cannot listen on '%s': %s", spec + 5, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        return fd;
    }
    if (strncmp(spec, "tcp:", 4)) {
        snprintf(err, errlen, "-control: '%s': use tcp:[HOST]:PORT or unix:PATH", spec);
        return -1;
    }
    char host[256], port[16], why[512];
    if (net_parse_hostport(spec + 4, host, sizeof(host), port, sizeof(port))) {
        snprintf(err, errlen, "-control: bad address in '%s' (use tcp:[HOST]:PORT)", spec);
        return -1;
    }
    fd = net_listen_tcp(host, port, 4, why, sizeof(why));
    if (fd < 0)
        snprintf(err, errlen, "-control: %s", why);
    return fd;
}

static void reply(int fd, const char *text)
{
    size_t n = strlen(text);
    while (n) {
        ssize_t w = send(fd, text, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}

/* Run one command; the reply goes to the client. */
static int run_command(struct script *s, int cfd, char *line)
{
    char *msg = NULL;
    size_t msglen = 0;
    FILE *mf = open_memstream(&msg, &msglen);
    if (!mf)
        return -1;
    s->err = mf;
    s->line++;
    int stop = script_exec(s, line);
    fclose(mf);
    s->err = stderr;
    int rc = 0;
    if (stop && s->status == 3) {
        /* a failed command: report it, keep the machine */
        char out[LINE_MAX_LEN + 64];
        char *nl = msg ? strchr(msg, '\n') : NULL;
        if (nl)
            *nl = 0;
        const char *text = msg && *msg ? msg : "command failed";
        if (!strncmp(text, "tarsier: ", 9))
            text += 9;
        snprintf(out, sizeof(out), "error: %s\n", text);
        reply(cfd, out);
        s->status = MACHINE_RUNNING;
    } else if (stop) {
        char out[64];
        snprintf(out, sizeof(out), "ended %d\n", s->status);
        reply(cfd, out);
        rc = -1;
    } else {
        reply(cfd, "ok\n");
    }
    free(msg);
    return rc;
}

int control_run(struct machine *m, int lfd)
{
    struct script s = { m, "control", 0, MACHINE_RUNNING, stderr };
    int cfd = -1;
    char buf[LINE_MAX_LEN];
    size_t len = 0;
    int discarding = 0;
    for (;;) {
        struct pollfd p = { cfd >= 0 ? cfd : lfd, POLLIN, 0 };
        int ready = poll(&p, 1, 0);
        if (ready > 0 && cfd < 0) {
            cfd = accept(lfd, NULL, NULL);
            len = 0;
            discarding = 0;
            continue;
        }
        if (ready > 0) {
            ssize_t n = recv(cfd, buf + len, sizeof(buf) - 1 - len, 0);
            if (n <= 0) {
                close(cfd);
                cfd = -1;
                continue;
            }
            len += (size_t)n;
            char *nl;
            while ((nl = memchr(buf, '\n', len)) != NULL) {
                *nl = 0;
                size_t used = (size_t)(nl - buf) + 1;
                if (nl > buf && nl[-1] == '\r')
                    nl[-1] = 0;
                int stop = 0;
                if (discarding)
                    reply(cfd, "error: line too long\n");
                else
                    stop = run_command(&s, cfd, buf);
                discarding = 0;
                memmove(buf, buf + used, len - used);
                len -= used;
                if (stop) {
                    close(cfd);
                    return s.status;
                }
            }
            if (len == sizeof(buf) - 1) { /* an over-long line: drop it up to its newline */
                discarding = 1;
                len = 0;
            }
            continue;
        }
        int st = machine_run_until(m, machine_now(m) + SLICE_NS);
        if (st != MACHINE_RUNNING) {
            if (cfd >= 0) {
                char out[64];
                snprintf(out, sizeof(out), "ended %d\n", st);
                reply(cfd, out);
                close(cfd);
            }
            return st;
        }
    }
}
