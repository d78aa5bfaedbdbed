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
    long send_timeout_ms;
    const atomic_int *cancel;
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
    c->fd = fd, c->udp = udp, c->send_timeout_ms = send_timeout_ms, c->cancel = NULL;
    return c;
}

void net_set_cancel(net_conn *c, const atomic_int *cancel) { c->cancel = cancel; }

/* Waits until the socket takes more bytes: 0, or -1 with the reason (cancelled, timed out). */
static int wait_writable(net_conn *c, char *err, size_t errlen)
{
    for (long left = c->send_timeout_ms; left > 0; left -= NET_SLICE_MS) {
        struct pollfd p = {c->fd, POLLOUT, 0};
        int r;
        if (c->cancel && atomic_load(c->cancel)) {
            snprintf(err, errlen, "cancelled (stopping)");
            return -1;
        }
        if ((r = poll(&p, 1, left < NET_SLICE_MS ? (int)left : NET_SLICE_MS)) > 0)
            return 0;
        if (r < 0 && errno != EINTR) {
            snprintf(err, errlen, "%s", strerror(errno));
            return -1;
        }
    }
    snprintf(err, errlen, "timed out after %ld ms", c->send_timeout_ms);
    return -1;
}

int net_send(net_conn *c, const void *buf, size_t len, char *err, size_t errlen)
{
    const char *p = buf;

    while (len > 0 || c->udp) {
        ssize_t n = send(c->fd, p, len > 0x10000000 ? 0x10000000 : len, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_writable(c, err, errlen) < 0)
                return -1;
            continue;
        }
        if (c->udp && n >= 0)
            return 0;
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
