/*
 * net.h - TCP listening sockets for the frontend's servers (the gdb stub,
 * the TCP monitor, the -control socket and the serial port's TCP backend).
 * One place parses "[HOST]:PORT" and binds, so every option spells
 * addresses the same way and reports failures the same way.
 */
#ifndef TARSIER_NET_H
#define TARSIER_NET_H

#include <stddef.h>

/* Split "[HOST]:PORT" (or a bare "PORT") into host and port.  An empty or
 * missing HOST means 127.0.0.1, so servers listen on loopback unless the user
 * names another host.  PORT must be a number 0-65535 (0: any free port).
 * Returns 0, or -1 if the text is malformed or a part does not fit. */
int net_parse_hostport(const char *hp, char *host, size_t hlen, char *port, size_t plen);

/* Listen on HOST:PORT with the given backlog (SO_REUSEADDR set).  Returns the
 * socket, or -1 with a one-line reason in err ("cannot resolve ..." or
 * "cannot listen on HOST:PORT: ..."). */
int net_listen_tcp(const char *host, const char *port, int backlog, char *err, size_t errlen);

/* The numeric "ADDR:PORT" a listening socket is bound to (for the
 * "listening on" line; PORT 0 was resolved by the kernel). */
void net_local_name(int fd, char *buf, size_t len);

#endif
