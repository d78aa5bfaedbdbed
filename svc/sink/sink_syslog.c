/* sink_syslog.c - the "syslog" sink: RFC 5424 records (sink_syslog_fmt.c) over TCP with RFC 6587
 * octet counting ("LEN SP RECORD"), or one UDP datagram each. The TCP connection is kept open and
 * re-established when the peer closed it; a failed batch is resent whole (at-least-once). */
#include "svc/sink/sink_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET sock_t;
#define BAD_SOCK INVALID_SOCKET
#define sock_close closesocket
#define sock_poll WSAPoll
#undef gai_strerror
#define gai_strerror gai_strerrorA
#else
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
typedef int sock_t;
#define BAD_SOCK (-1)
#define sock_close close
#define sock_poll poll
#endif

typedef struct syslog_sink {
    char *host, *port, *hostname, *app;
    int udp, cef; /* "protocol", "format" */
    long long portnum, facility, severity, batch, connect_timeout_ms, timeout_ms;
    syslog_fmt fmt;
    sock_t fd;
} syslog_sink;

static const opt_def SYSLOG_OPTS[] = {
    OPT_S(syslog_sink, host, "host", OPT_REQUIRED, NULL, "the syslog server"),
    OPT_I(syslog_sink, portnum, "port", 514, 1, 65535, "its port"),
    OPT_E(syslog_sink, udp, "protocol", "tcp|udp", 0, "tcp (octet counting) or udp (one datagram per alert)"),
    OPT_E(syslog_sink, cef, "format", "rfc5424|cef", 0, "message body: the summary, or CEF"),
    OPT_I(syslog_sink, facility, "facility", 4, 0, 23, "PRI facility (4: auth)"),
    OPT_I(syslog_sink, severity, "severity", 1, 0, 7, "PRI severity (1: alert)"),
    OPT_S(syslog_sink, hostname, "hostname", 0, NULL, "RFC 5424 HOSTNAME (default: the system's)"),
    OPT_S(syslog_sink, app, "app_name", 0, "decoysvc", "RFC 5424 APP-NAME"),
    OPT_I(syslog_sink, batch, "batch", 100, 1, 10000, "alerts per send"),
    OPT_I(syslog_sink, connect_timeout_ms, "connect_timeout_ms", 5000, 100, 600000, "TCP connection timeout"),
    OPT_I(syslog_sink, timeout_ms, "timeout_ms", 20000, 100, 600000, "send timeout"),
    OPT_END,
};
const opt_map SINK_SYSLOG_MAP = {"syslog", ": ", NULL, SYSLOG_OPTS};

static void set_nonblocking(sock_t fd, int on)
{
#ifdef _WIN32
    u_long mode = (u_long)on;
    ioctlsocket(fd, FIONBIO, &mode);
#else
    int fl = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
#endif
}

static void set_send_timeout(sock_t fd, long ms)
{
#ifdef _WIN32
    DWORD t = (DWORD)ms;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, (const char *)&t, sizeof t);
#else
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
#endif
}

static void disconnect(syslog_sink *y)
{
    if (y->fd != BAD_SOCK)
        sock_close(y->fd);
    y->fd = BAD_SOCK;
}

/* Connects with a timeout; 0 or -1 with a message. */
static int connect_to(syslog_sink *y, sink_result *res)
{
    struct addrinfo hints, *ai = NULL, *a;
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = y->udp ? SOCK_DGRAM : SOCK_STREAM;
    if ((rc = getaddrinfo(y->host, y->port, &hints, &ai)) != 0) {
        snprintf(res->message, sizeof res->message, "syslog %s:%s: %s", y->host, y->port, gai_strerror(rc));
        return -1;
    }
    for (a = ai; a; a = a->ai_next) {
        struct pollfd p;
        int soerr = 0;
        socklen_t sl = sizeof soerr;

        y->fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (y->fd == BAD_SOCK)
            continue;
        set_nonblocking(y->fd, 1);
        if (connect(y->fd, a->ai_addr, (socklen_t)a->ai_addrlen) != 0) {
            p.fd = y->fd, p.events = POLLOUT, p.revents = 0;
            if (sock_poll(&p, 1, (int)y->connect_timeout_ms) != 1 ||
                getsockopt(y->fd, SOL_SOCKET, SO_ERROR, (char *)&soerr, &sl) != 0 || soerr != 0) {
                snprintf(res->message, sizeof res->message, "syslog %s:%s: cannot connect: %s", y->host, y->port,
                         soerr ? strerror(soerr) : "timed out");
                disconnect(y);
                continue;
            }
        }
        set_nonblocking(y->fd, 0);
        set_send_timeout(y->fd, y->timeout_ms);
        break;
    }
    freeaddrinfo(ai);
    return y->fd == BAD_SOCK ? -1 : 0;
}

/* A TCP peer that closed the connection shows as readable with nothing to read. */
static int peer_closed(syslog_sink *y)
{
    struct pollfd p = {y->fd, POLLIN, 0};
    char c;

    if (sock_poll(&p, 1, 0) != 1)
        return 0;
    return recv(y->fd, &c, 1, MSG_PEEK) <= 0;
}

static int send_all(sock_t fd, const char *p, size_t len)
{
    while (len > 0) {
        int n = (int)send(fd, p, len > 0x10000000 ? 0x10000000 : (int)len, 0);
        if (n <= 0)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

static sink_status syslog_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    syslog_sink *y = s->impl;
    strbuf out = {0}, rec = {0};
    sink_status st = SINK_RETRY;
    size_t bad = n; /* index of a document that is not an alert, if any */

    if (y->fd != BAD_SOCK && !y->udp && peer_closed(y))
        disconnect(y);
    if (y->fd == BAD_SOCK && connect_to(y, res) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        rec.len = 0;
        if (syslog_format(&y->fmt, docs[i], lens[i], &rec) < 0) {
            if (rec.failed)
                goto out;
            bad = i; /* send what came before, then report it */
            break;
        }
        if (y->udp) {
            size_t l = escape_utf8_prefix(rec.data, rec.len, 65000);
            if (send(y->fd, rec.data, (int)l, 0) < 0) {
                snprintf(res->message, sizeof res->message, "syslog udp %s:%s: %s", y->host, y->port, strerror(errno));
                disconnect(y);
                goto out;
            }
        } else {
            strbuf_printf(&out, "%llu ", (unsigned long long)rec.len);
            strbuf_append(&out, rec.data, rec.len);
        }
    }
    if (!y->udp && out.len && (out.failed || send_all(y->fd, out.data, out.len) < 0)) {
        snprintf(res->message, sizeof res->message, "syslog tcp %s:%s: send failed: %s", y->host, y->port,
                 strerror(errno));
        disconnect(y);
        goto out;
    }
    if (bad < n) {
        res->rejected_index = bad;
        snprintf(res->message, sizeof res->message, "document %zu is not a JSON object", bad);
        st = SINK_REJECTED;
        goto out;
    }
    st = SINK_OK;
out:
    strbuf_free(&rec);
    strbuf_free(&out);
    return st;
}

static void syslog_free(void *impl)
{
    syslog_sink *y = impl;
    if (!y)
        return;
    disconnect(y);
    opt_free(&SINK_SYSLOG_MAP, y);
    free(y->port);
    free(y);
#ifdef _WIN32
    WSACleanup();
#endif
}

static const sink_ops SYSLOG_OPS = {"syslog", syslog_send, syslog_free};

static char *default_hostname(void)
{
    char buf[256] = "";
#ifdef _WIN32
    const char *e = getenv("COMPUTERNAME");
    snprintf(buf, sizeof buf, "%s", e ? e : "");
#else
    if (gethostname(buf, sizeof buf - 1) != 0)
        buf[0] = '\0';
    buf[sizeof buf - 1] = '\0';
#endif
    return strdup(buf);
}

int sink_syslog_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    syslog_sink *y = calloc(1, sizeof *y);
    char portbuf[16];

    s->ops = &SYSLOG_OPS;
    s->impl = y;
    if (!y) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    y->fd = BAD_SOCK;
#ifdef _WIN32
    {
        WSADATA wsa;
        WSAStartup(MAKEWORD(2, 2), &wsa);
    }
#endif
    if (opt_parse(&SINK_SYSLOG_MAP, conf, -1, y, where, err, errlen) < 0)
        return -1;
    if (!y->hostname && !(y->hostname = default_hostname())) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(portbuf, sizeof portbuf, "%lld", y->portnum);
    y->port = strdup(portbuf);
    y->fmt.pri = (int)(y->facility * 8 + y->severity);
    y->fmt.cef = y->cef;
    y->fmt.hostname = y->hostname;
    y->fmt.app = y->app;
#ifdef _WIN32
    y->fmt.procid = (long)GetCurrentProcessId();
#else
    y->fmt.procid = (long)getpid();
#endif
    s->max_batch = (size_t)y->batch;
    return y->port ? 0 : -1;
}
