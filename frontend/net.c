/*
 * net.c - TCP listening sockets for the frontend's servers (see net.h).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/net.h"

int net_parse_hostport(const char *hp, char *host, size_t hlen, char *port, size_t plen)
{
    const char *colon = strrchr(hp, ':');
    const char *p = colon ? colon + 1 : hp;
    size_t n = colon ? (size_t)(colon - hp) : 0;
    if (n >= hlen || strlen(p) >= plen || !*p)
        return -1;
    if (n) {
        memcpy(host, hp, n);
        host[n] = 0;
    } else {
        snprintf(host, hlen, "127.0.0.1");
    }
    snprintf(port, plen, "%s", p);
    char *end;
    long v = strtol(port, &end, 10);
    return *end || v < 0 || v > 65535 ? -1 : 0;
}

int net_listen_tcp(const char *host, const char *port, int backlog, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e || !res) {
        snprintf(err, errlen, "cannot resolve '%s': %s", host, e ? gai_strerror(e) : "no address");
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) || listen(fd, backlog)) {
            saved = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot listen on %s:%s: %s", host, port, strerror(saved));
    return fd;
}

void net_local_name(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char h[64] = "?", p[16] = "?";
    if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
        getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(buf, len, "%s:%s", h, p);
}
