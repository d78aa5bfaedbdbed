/* net_posix.c - BSD sockets implementation of net.h. */
#include "svc/base/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct net_conn {
    int fd;
    int udp;
};

static void set_nonblocking(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* Connects fd to a, waiting at most ms; 0, or the errno (ETIMEDOUT when it took too long). */
static int connect_within(int fd, const struct addrinfo *a, long ms)
{
    struct pollfd p = {fd, POLLOUT, 0};
    int soerr = 0;
    socklen_t sl = sizeof soerr;

    set_nonblocking(fd, 1);
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
        if (poll(&p, 1, (int)ms) != 1)
            return ETIMEDOUT;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            return errno;
        if (soerr != 0)
            return soerr;
    }
    set_nonblocking(fd, 0);
    return 0;
}

net_conn *net_connect(const char *host, const char *port, int udp, long connect_timeout_ms,
                      long send_timeout_ms, char *err, size_t errlen)
{
    struct addrinfo hints, *ai = NULL;
    net_conn *c = NULL;
    int rc, fd = -1;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
        snprintf(err, errlen, "%s:%s: %s", host, port, gai_strerror(rc));
        return NULL;
    }
    for (const struct addrinfo *a = ai; a; a = a->ai_next) {
        struct timeval tv = {send_timeout_ms / 1000, (send_timeout_ms % 1000) * 1000};

        if ((fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol)) < 0) {
            snprintf(err, errlen, "%s:%s: cannot create a socket: %s", host, port, strerror(errno));
            continue;
        }
        if ((rc = connect_within(fd, a, connect_timeout_ms)) != 0) {
            snprintf(err, errlen, "%s:%s: cannot connect: %s", host, port,
                     rc == ETIMEDOUT ? "timed out" : strerror(rc));
            close(fd);
            fd = -1;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        break;
    }
    freeaddrinfo(ai);
    if (fd < 0)
        return NULL;
    if (!(c = malloc(sizeof *c))) {
        snprintf(err, errlen, "%s:%s: out of memory", host, port);
        close(fd);
        return NULL;
    }
    c->fd = fd, c->udp = udp;
    return c;
}

int net_send(net_conn *c, const void *buf, size_t len, char *err, size_t errlen)
{
    const char *p = buf;

    if (c->udp) {
        if (send(c->fd, p, len, 0) >= 0)
            return 0;
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    while (len > 0) {
        ssize_t n = send(c->fd, p, len > 0x10000000 ? 0x10000000 : len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s", n < 0 ? strerror(errno) : "connection closed");
            return -1;
        }
        p += n, len -= (size_t)n;
    }
    return 0;
}

int net_peer_closed(net_conn *c)
{
    struct pollfd p = {c->fd, POLLIN, 0};
    char ch;

    if (c->udp || poll(&p, 1, 0) != 1)
        return 0;
    return recv(c->fd, &ch, 1, MSG_PEEK) <= 0;
}

void net_close(net_conn *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c);
}

int net_pton(int v6, const char *s, void *out)
{
    return inet_pton(v6 ? AF_INET6 : AF_INET, s, out) == 1 ? 0 : -1;
}
