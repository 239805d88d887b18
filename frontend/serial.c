/*
 * serial.c - host ends of the serial ports (see serial.h).  The UART calls
 * write() when a byte's stop bit ends and read() once per character time;
 * read() never blocks (poll with a zero timeout), so the guest keeps running
 * while the host is silent.  The terminal is left in its normal (cooked)
 * mode: stdin delivers whole lines, and the host terminal echoes them.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/net.h"
#include "frontend/serial.h"

enum { SER_NONE, SER_STDIO, SER_FILE, SER_TCP };

static void out_write(void *opaque, uint8_t byte)
{
    struct serial_port *p = opaque;
    fputc(byte, p->out);
    if (p->kind == SER_STDIO)
        fflush(p->out);
}

/* One byte from fd if one is ready: 0-255, -1 none yet, -2 end of input. */
static int poll_byte(int fd)
{
    struct pollfd pf = { fd, POLLIN, 0 };
    if (poll(&pf, 1, 0) <= 0 || !(pf.revents & (POLLIN | POLLHUP | POLLERR)))
        return -1;
    uint8_t b;
    ssize_t n = read(fd, &b, 1);
    if (n == 1)
        return b;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return -1;
    return -2;
}

static int stdin_read(void *opaque)
{
    struct serial_port *p = opaque;
    if (p->in_fd < 0)
        return -2;
    int c = poll_byte(p->in_fd);
    if (c == -2)
        p->in_fd = -1;
    return c;
}

static void tcp_accept(struct serial_port *p)
{
    if (p->client_fd >= 0)
        return;
    struct pollfd pf = { p->listen_fd, POLLIN, 0 };
    if (poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN))
        p->client_fd = accept(p->listen_fd, NULL, NULL);
}

static void tcp_write(void *opaque, uint8_t byte)
{
    struct serial_port *p = opaque;
    tcp_accept(p);
    if (p->client_fd >= 0 && send(p->client_fd, &byte, 1, MSG_NOSIGNAL) != 1) {
        close(p->client_fd); /* the client went away: wait for the next one */
        p->client_fd = -1;
    }
}

static int tcp_read(void *opaque)
{
    struct serial_port *p = opaque;
    tcp_accept(p);
    if (p->client_fd < 0)
        return -1;
    int c = poll_byte(p->client_fd);
    if (c == -2) {
        close(p->client_fd);
        p->client_fd = -1;
        return -1;
    }
    return c;
}

static int tcp_open(struct serial_port *p, const char *spec, char *err, size_t errlen)
{
    /* tcp:HOST:PORT,server with HOST 127.0.0.1, localhost or empty */
    const char *host = spec + 4, *colon = strrchr(host, ':');
    if (!colon) {
        snprintf(err, errlen, "-serial %s: expected tcp:127.0.0.1:PORT,server", spec);
        return -1;
    }
    size_t hl = (size_t)(colon - host);
    if (hl && strncmp(host, "127.0.0.1", hl) && strncmp(host, "localhost", hl)) {
        snprintf(err, errlen, "-serial %s: only the loopback address 127.0.0.1 is supported", spec);
        return -1;
    }
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (end == colon + 1 || port > 65535 || strcmp(end, ",server")) {
        snprintf(err, errlen, "-serial %s: expected tcp:127.0.0.1:PORT,server (PORT 0-65535)", spec);
        return -1;
    }
    char portstr[16], why[512], where[96];
    snprintf(portstr, sizeof(portstr), "%lu", port);
    int fd = net_listen_tcp("127.0.0.1", portstr, 1, why, sizeof(why));
    if (fd < 0) {
        snprintf(err, errlen, "-serial %s: %s", spec, why);
        return -1;
    }
    net_local_name(fd, where, sizeof(where));
    fprintf(stderr, "tarsier: serial port listening on %s\n", where);
    p->listen_fd = fd;
    p->be.write = tcp_write;
    p->be.read = tcp_read;
    return 0;
}

int serial_open(struct serial_port *p, const char *spec, int *connected, char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    p->be.opaque = p;
    p->in_fd = p->listen_fd = p->client_fd = -1;
    *connected = 1;
    if (!strcmp(spec, "none") || !strcmp(spec, "null")) {
        p->kind = SER_NONE;
        *connected = 0;
        return 0;
    }
    if (!strcmp(spec, "stdio")) {
        p->kind = SER_STDIO;
        p->out = stdout;
        p->in_fd = 0;
        p->be.write = out_write;
        p->be.read = stdin_read;
        return 0;
    }
    if (!strncmp(spec, "file:", 5)) {
        if (!spec[5]) {
            snprintf(err, errlen, "-serial file: needs a path");
            return -1;
        }
        p->kind = SER_FILE;
        p->out = fopen(spec + 5, "wb");
        if (!p->out) {
            snprintf(err, errlen, "-serial: cannot open '%s': %s", spec + 5, strerror(errno));
            return -1;
        }
        setvbuf(p->out, NULL, _IOLBF, 0); /* whole lines reach the file as the guest ends them (tail -f) */
        p->be.write = out_write;
        return 0;
    }
    if (!strncmp(spec, "tcp:", 4)) {
        p->kind = SER_TCP;
        return tcp_open(p, spec, err, errlen);
    }
    snprintf(err, errlen, "-serial: '%s': expected stdio, none, file:PATH or tcp:127.0.0.1:PORT,server", spec);
    return -1;
}

void serial_close(struct serial_port *p)
{
    if (p->kind == SER_FILE && p->out)
        fclose(p->out);
    else if (p->kind == SER_STDIO)
        fflush(stdout);
    if (p->client_fd >= 0)
        close(p->client_fd);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    memset(p, 0, sizeof(*p));
    p->in_fd = p->listen_fd = p->client_fd = -1;
}
