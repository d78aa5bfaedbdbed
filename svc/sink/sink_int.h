/* sink_int.h - private parts shared by the sink modules: the sink object and its operations,
 * each type's option map (svc/optmap.h: every key declared once) and the libcurl HTTP helper. */
#ifndef ADDECOY_SVC_SINK_INT_H
#define ADDECOY_SVC_SINK_INT_H

#include "svc/sink/escape.h"
#include "svc/sink/sink.h"
#include "svc/optmap.h"

#include <curl/curl.h>
#include <stdatomic.h>

typedef struct sink_ops {
    const char *type;
    sink_status (*send)(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res);
    void (*free)(void *impl);
} sink_ops;

struct sink {
    char *name;
    const sink_ops *ops;
    void *impl;
    size_t max_batch;
    int insecure;            /* SINK_INSECURE_*: warned about when a logger is set */
    int heartbeat;           /* takes heartbeat (state) documents */
    unsigned reject_retries; /* an alert the destination refuses is sent this many times more, then quarantined */
    const svc_logger *lg;
    const atomic_int *cancel; /* sink_set_cancel(): set when a send in flight must give up */
};

#define SINK_INSECURE_TLS 1  /* tls_verify false */
#define SINK_INSECURE_HTTP 2 /* http:// to a remote host, allowed by allow_insecure_http */

/* Constructors of each type: fill s->impl, s->ops, s->max_batch. conf has passed opt_check_known
 * against the type's maps (sink.c); each parses its own map (and sink_http_init the HTTP one). */
int sink_hec_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen);
int sink_webhook_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen);
int sink_file_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen);
int sink_syslog_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen);
/* The Windows Application log (sink_eventlog_win.c); on POSIX an error (sink_eventlog_posix.c). */
int sink_eventlog_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen);
/* Its keys; on POSIX a map without rows (defs NULL), which sink.c and --list-keys skip. */
extern const opt_map SINK_EVENTLOG_MAP;

/* The option maps: keys every sink takes (sink.c), the HTTP keys of hec and webhook (sink_http.c),
 * and each type's own. */
extern const opt_map SINK_COMMON_MAP, SINK_HTTP_MAP, SINK_HEC_MAP, SINK_WEBHOOK_MAP, SINK_FILE_MAP,
    SINK_SYSLOG_MAP;

/* "scheme://host[:port]" of url (no path, query or credentials) for logs. */
void sink_url_redact(const char *url, char *out, size_t len);
/* ISO 8601 UTC time ("2026-11-23T10:00:00.123Z" or with +hh:mm) to epoch milliseconds; 0 or -1. */
int sink_parse_time(const char *s, int64_t *epoch_ms);

/* HTTP client settings shared by the HTTP sinks. */
typedef struct sink_http {
    const sink *owner; /* for its cancel flag */
    CURL *curl;
    char *url; /* set by the sink's own map; may hold a secret (webhook URLs): never logged */
    char *ca_file, *proxy;
    int tls_verify, allow_insecure_http;
    long long connect_timeout_ms, timeout_ms;
} sink_http;

typedef struct sink_http_reply {
    long status; /* 0: no HTTP reply (network error, in err) */
    strbuf body;
    int64_t retry_after_ms; /* -1 when absent */
    char err[256];
} sink_http_reply;

/* 1 when url's host is a loopback address: 127.0.0.0/8, ::1 or localhost. */
int sink_url_is_loopback(const char *url);
/* Reads SINK_HTTP_MAP (tls_verify, ca_file, proxy, timeouts) into h, whose url the sink's own map
 * has set (a secret when url_secret). http:// is refused for a host other than a loopback address
 * unless allow_insecure_http is true. h was zeroed by the caller. */
int sink_http_init(sink_http *h, sink *s, const json_t *conf, const char *where, int url_secret, char *err,
                   size_t errlen);
void sink_http_cleanup(sink_http *h);
/* POSTs body to url (NULL = h->url) with extra headers; 0 with a reply, -1 on network error. */
int sink_http_post(sink_http *h, const char *url, struct curl_slist *headers, const char *body, size_t len,
                   sink_http_reply *r);
void sink_http_reply_free(sink_http_reply *r);
/* Common mapping of a non-2xx reply: 429/5xx RETRY, others CONFIG_ERROR; fills res. */
sink_status sink_http_classify(const sink_http_reply *r, const char *what, sink_result *res);
/* 1 when the sink's send in flight must give up (the service is stopping). */
int sink_cancelled(const sink *s);
/* Sleeps ms (a wait between polls) unless cancelled: 0, or -1 when cancelled. */
int sink_http_pause(const sink_http *h, long ms);

/* sink_webhook_fmt.c: request bodies of the webhook formats (malloc'd compact JSON, NULL on
 * error). Attacker-controlled values are escaped or put where they cannot be markup. */
char *webhook_body_slack(const json_t *alert);
char *webhook_body_teams(const json_t *alert);
char *webhook_body_pagerduty(const json_t *alert, const char *routing_key);
/* The alert's text at a dotted path ("source.ip"), numbers formatted; "" when absent. */
void webhook_alert_text(const json_t *alert, const char *path, char *buf, size_t len);

/* sink_hec.c: appends one HEC event envelope for the alert doc to out ("time" first, host and
 * a few fields copied, the alert as "event"); a state document (heartbeat) gets state_sourcetype
 * when it is not NULL; index may be NULL. -1 when doc is not a JSON object. */
int hec_format_envelope(const char *source, const char *sourcetype, const char *state_sourcetype,
                        const char *index, const char *doc, size_t len, strbuf *out);

/* sink_syslog_fmt.c: one RFC 5424 record (no framing) for an alert: structured data
 * [addecoy@32473 ...] and a plain or CEF message; never contains CR or LF. -1 when doc is not a
 * JSON object. */
typedef struct syslog_fmt {
    int pri;              /* facility * 8 + severity; default 33 (auth.alert) */
    int cef;              /* message body in CEF */
    const char *hostname; /* printable ASCII, <= 255 */
    const char *app;      /* <= 48 */
    long procid;
} syslog_fmt;
int syslog_format(const syslog_fmt *f, const char *doc, size_t len, strbuf *out);

#endif
