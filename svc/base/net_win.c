/* net_win.c - Winsock implementation of net.h; each connection holds one WSAStartup reference. */
#include "svc/base/net.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct net_conn {
    SOCKET fd;
    int udp;
    long send_timeout_ms;
    const atomic_int *cancel;
};

/* "error N" for the last Winsock error (the CRT's strerror does not know them). */
static void wsa_error(char *buf, size_t len, int code) { snprintf(buf, len, "Winsock error %d", code); }

static void set_nonblocking(SOCKET fd, int on)
{
    u_long mode = (u_long)on;
    ioctlsocket(fd, FIONBIO, &mode);
}

/* Connects fd to a, waiting at most ms; 0, -1 on a timeout, or the Winsock error. */
static int connect_within(SOCKET fd, const struct addrinfo *a, long ms)
{
    WSAPOLLFD p = {fd, POLLOUT, 0};
    int soerr = 0, sl = sizeof soerr;

    set_nonblocking(fd, 1);
    if (connect(fd, a->ai_addr, (int)a->ai_addrlen) != 0) {
        if (WSAPoll(&p, 1, (int)ms) != 1)
            return -1;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *)&soerr, &sl) != 0)
            return WSAGetLastError();
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
    SOCKET fd = INVALID_SOCKET;
    WSADATA wsa;
    int rc;

    if ((rc = WSAStartup(MAKEWORD(2, 2), &wsa)) != 0) {
        snprintf(err, errlen, "%s:%s: cannot start Winsock: error %d", host, port, rc);
        return NULL;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
        snprintf(err, errlen, "%s:%s: %s", host, port, gai_strerrorA(rc));
        goto out;
    }
    for (const struct addrinfo *a = ai; a; a = a->ai_next) {
        char why[64];

        if ((fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol)) == INVALID_SOCKET) {
            wsa_error(why, sizeof why, WSAGetLastError());
            snprintf(err, errlen, "%s:%s: cannot create a socket: %s", host, port, why);
            continue;
        }
        if ((rc = connect_within(fd, a, connect_timeout_ms)) != 0) {
            wsa_error(why, sizeof why, rc);
            snprintf(err, errlen, "%s:%s: cannot connect: %s", host, port, rc < 0 ? "timed out" : why);
            closesocket(fd);
            fd = INVALID_SOCKET;
            continue;
        }
        set_nonblocking(fd, 1); /* sends wait in net_send, where a stop can cut them short */
        break;
    }
    if (fd == INVALID_SOCKET)
        goto out;
    if (!(c = malloc(sizeof *c))) {
        snprintf(err, errlen, "%s:%s: out of memory", host, port);
        closesocket(fd);
        goto out;
    }
    c->fd = fd, c->udp = udp, c->send_timeout_ms = send_timeout_ms, c->cancel = NULL;
out:
    if (ai)
        freeaddrinfo(ai);
    if (!c)
        WSACleanup();
    return c;
}

void net_set_cancel(net_conn *c, const atomic_int *cancel) { c->cancel = cancel; }

/* Waits until the socket takes more bytes: 0, or -1 with the reason (cancelled, timed out). */
static int wait_writable(net_conn *c, char *err, size_t errlen)
{
    for (long left = c->send_timeout_ms; left > 0; left -= NET_SLICE_MS) {
        WSAPOLLFD p = {c->fd, POLLOUT, 0};
        int r;
        if (c->cancel && atomic_load(c->cancel)) {
            snprintf(err, errlen, "cancelled (stopping)");
            return -1;
        }
        if ((r = WSAPoll(&p, 1, left < NET_SLICE_MS ? (int)left : NET_SLICE_MS)) > 0)
            return 0;
        if (r < 0) {
            wsa_error(err, errlen, WSAGetLastError());
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
        int n = send(c->fd, p, len > 0x10000000 ? 0x10000000 : (int)len, 0);
        if (n == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK) {
            if (wait_writable(c, err, errlen) < 0)
                return -1;
            continue;
        }
        if (c->udp && n != SOCKET_ERROR)
            return 0;
        if (n <= 0) {
            if (n < 0)
                wsa_error(err, errlen, WSAGetLastError());
            else
                snprintf(err, errlen, "connection closed");
            return -1;
        }
        p += n, len -= (size_t)n;
    }
    return 0;
}

int net_peer_closed(net_conn *c)
{
    WSAPOLLFD p = {c->fd, POLLIN, 0};
    char ch;

    if (c->udp || WSAPoll(&p, 1, 0) != 1)
        return 0;
    return recv(c->fd, &ch, 1, MSG_PEEK) <= 0;
}

void net_close(net_conn *c)
{
    if (!c)
        return;
    closesocket(c->fd);
    free(c);
    WSACleanup();
}

int net_pton(int v6, const char *s, void *out)
{
    return inet_pton(v6 ? AF_INET6 : AF_INET, s, out) == 1 ? 0 : -1;
}
