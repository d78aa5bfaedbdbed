/* sink_syslog.c - the "syslog" sink: RFC 5424 records (sink_syslog_fmt.c) over TCP with RFC 6587
 * octet counting ("LEN SP RECORD"), or one UDP datagram each. The TCP connection is kept open and
 * re-established when the peer closed it; a failed batch is resent whole (at-least-once). */
#include "svc/sink/sink_int.h"
#include "svc/base/net.h"
#include "svc/base/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct syslog_sink {
    char *host, *port, *hostname, *app;
    int udp, cef; /* "protocol", "format" */
    long long portnum, facility, severity, batch, connect_timeout_ms, timeout_ms;
    syslog_fmt fmt;
    net_conn *conn;
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
    OPT_I(syslog_sink, timeout_ms, "timeout_ms", 20000, 100, 600000,
          "how long a send waits for a server that stopped reading"),
    OPT_END,
};
const opt_map SINK_SYSLOG_MAP = {"syslog", ": ", NULL, SYSLOG_OPTS};

static void disconnect(syslog_sink *y)
{
    net_close(y->conn);
    y->conn = NULL;
}

/* Connects with a timeout; 0 or -1 with a message. A send waiting for the peer gives up when the
 * service stops (the sink's cancel flag). */
static int connect_to(sink *s, syslog_sink *y, sink_result *res)
{
    char why[sizeof res->message - 8] = "";

    y->conn = net_connect(y->host, y->port, y->udp, (long)y->connect_timeout_ms, (long)y->timeout_ms, why,
                          sizeof why);
    if (!y->conn) {
        snprintf(res->message, sizeof res->message, "syslog %s", why);
        return -1;
    }
    net_set_cancel(y->conn, s->cancel);
    return 0;
}

static sink_status syslog_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    syslog_sink *y = s->impl;
    strbuf out = {0}, rec = {0};
    sink_status st = SINK_RETRY;
    size_t bad = n; /* index of a document that is not an alert, if any */
    char why[200];

    if (y->conn && net_peer_closed(y->conn))
        disconnect(y);
    if (!y->conn && connect_to(s, y, res) < 0)
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
            if (net_send(y->conn, rec.data, l, why, sizeof why) < 0) {
                snprintf(res->message, sizeof res->message, "syslog udp %s:%s: %s", y->host, y->port, why);
                disconnect(y);
                goto out;
            }
        } else {
            strbuf_printf(&out, "%llu ", (unsigned long long)rec.len);
            strbuf_append(&out, rec.data, rec.len);
        }
    }
    if (!y->udp && out.len && (out.failed || net_send(y->conn, out.data, out.len, why, sizeof why) < 0)) {
        snprintf(res->message, sizeof res->message, "syslog tcp %s:%s: send failed: %s", y->host, y->port,
                 out.failed ? "out of memory" : why);
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
}

static const sink_ops SYSLOG_OPS = {"syslog", syslog_send, syslog_free};

static char *default_hostname(void)
{
    char buf[256] = "";
    svc_hostname(buf, sizeof buf);
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
    y->fmt.procid = svc_pid();
    s->max_batch = (size_t)y->batch;
    return y->port ? 0 : -1;
}
