/* sink.c - the sink registry (type name -> option map and constructor), the keys every sink takes,
 * the building of a config's sinks (unique names), the dispatch of sink_send(), URL redaction for
 * logs and ISO 8601 time parsing. */
#include "svc/sink/sink_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys every sink takes. */
typedef struct sink_common {
    char *type, *name;
    int heartbeat; /* -1: the type's default */
    long long reject_retries;
} sink_common;

static const opt_def COMMON_OPTS[] = {
    OPT_S(sink_common, type, "type", OPT_REQUIRED, NULL, "hec, webhook, file, syslog (eventlog on Windows)"),
    OPT_S(sink_common, name, "name", OPT_NONEMPTY, NULL, "unique name (default: the type); keys its spool cursor"),
    OPT_B(sink_common, heartbeat, "heartbeat", -1,
          "takes heartbeat documents (default on but for webhook, eventlog)"),
    OPT_I(sink_common, reject_retries, "reject_retries", 3, 0, 100, "resends of a refused alert before quarantine"),
    OPT_END,
};
const opt_map SINK_COMMON_MAP = {"sink", ": ", NULL, COMMON_OPTS};

static const struct {
    const char *type;
    int (*init)(sink *, const json_t *, const char *, char *, size_t);
    const opt_map *opts;
    int http, heartbeat; /* takes SINK_HTTP_MAP; default of "heartbeat" */
} SINK_TYPES[] = {
    {"hec", sink_hec_init, &SINK_HEC_MAP, 1, 1},
    {"webhook", sink_webhook_init, &SINK_WEBHOOK_MAP, 1, 0},
    {"file", sink_file_init, &SINK_FILE_MAP, 0, 1},
    {"syslog", sink_syslog_init, &SINK_SYSLOG_MAP, 0, 1},
    {"eventlog", sink_eventlog_init, &SINK_EVENTLOG_MAP, 0, 0},
};
#define NTYPES (sizeof SINK_TYPES / sizeof SINK_TYPES[0])

sink *sink_new_from_json(const json_t *conf, const char *where, char *err, size_t errlen)
{
    const opt_map *maps[3] = {&SINK_COMMON_MAP, NULL, NULL};
    sink_common c = {0};
    const char *type;
    sink *s = NULL;
    size_t i;

    if (!json_is_object(conf)) {
        snprintf(err, errlen, "%s: a sink must be a JSON object", where);
        return NULL;
    }
    type = json_string_value(json_object_get(conf, "type"));
    if (!type) {
        snprintf(err, errlen, "%s: \"type\" is required (hec, webhook, file or syslog)", where);
        return NULL;
    }
    for (i = 0; i < NTYPES && strcmp(SINK_TYPES[i].type, type) != 0; i++)
        ;
    if (i == NTYPES) {
        snprintf(err, errlen, "%s: type: unknown sink type \"%.40s\" (hec, webhook, file or syslog)", where,
                 type);
        return NULL;
    }
    if (!SINK_TYPES[i].opts->defs) { /* a type of another platform: its constructor says so */
        SINK_TYPES[i].init(NULL, conf, where, err, errlen);
        return NULL;
    }
    maps[1] = SINK_TYPES[i].opts;
    maps[2] = SINK_TYPES[i].http ? &SINK_HTTP_MAP : NULL;
    if (opt_check_known(conf, maps, SINK_TYPES[i].http ? 3 : 2, 1, where, err, errlen) < 0 ||
        opt_parse(&SINK_COMMON_MAP, conf, -1, &c, where, err, errlen) < 0)
        goto fail;
    if (!(s = calloc(1, sizeof *s))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    s->name = c.name ? c.name : strdup(type);
    c.name = NULL;
    s->max_batch = 1;
    s->reject_retries = (unsigned)c.reject_retries;
    s->heartbeat = c.heartbeat >= 0 ? c.heartbeat : SINK_TYPES[i].heartbeat;
    if (!s->name) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (SINK_TYPES[i].init(s, conf, where, err, errlen) < 0)
        goto fail;
    opt_free(&SINK_COMMON_MAP, &c);
    return s;
fail:
    opt_free(&SINK_COMMON_MAP, &c);
    sink_free(s);
    return NULL;
}

void sink_free_all(sink **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        sink_free(v[i]);
    free(v);
}

int sink_open_all(const json_t *arr, const char *file, sink ***out, size_t *n, char *err, size_t errlen)
{
    size_t count = json_array_size(arr);
    sink **v = calloc(count ? count : 1, sizeof *v);
    size_t i;

    *out = NULL, *n = 0;
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < count; i++) {
        char where[600];
        snprintf(where, sizeof where, "%s: sinks[%zu]", file, i);
        if (!(v[i] = sink_new_from_json(json_array_get(arr, i), where, err, errlen)))
            goto fail;
        /* the name is the key of the sink's spool cursor and quarantine file: it must be unique */
        for (size_t j = 0; j < i; j++)
            if (strcmp(v[i]->name, v[j]->name) == 0) {
                snprintf(err, errlen,
                         "%s: name: \"%.100s\" is also the name of sinks[%zu]: give each sink a unique "
                         "\"name\"",
                         where, v[i]->name, j);
                i++;
                goto fail;
            }
    }
    *out = v, *n = count;
    return 0;
fail:
    sink_free_all(v, i);
    return -1;
}

void sink_list_keys(FILE *out)
{
    opt_list(out, &SINK_COMMON_MAP);
    opt_list(out, &SINK_HTTP_MAP);
    for (size_t i = 0; i < NTYPES; i++)
        if (SINK_TYPES[i].opts->defs) /* NULL: the type exists on another platform only */
            opt_list(out, SINK_TYPES[i].opts);
}

const char *sink_name(const sink *s) { return s->name; }
const char *sink_type(const sink *s) { return s->ops ? s->ops->type : "?"; }
size_t sink_max_batch(const sink *s) { return s->max_batch ? s->max_batch : 1; }
int sink_wants_heartbeat(const sink *s) { return s->heartbeat; }

int64_t sink_doc_time_ms(const json_t *doc)
{
    int64_t ms;
    return sink_parse_time(json_string_value(json_object_get(doc, "@timestamp")), &ms) == 0 ? ms : -1;
}

int sink_doc_is_state(const json_t *doc)
{
    const char *kind = json_string_value(json_object_get(json_object_get(doc, "event"), "kind"));
    return kind && strcmp(kind, "state") == 0;
}
unsigned sink_reject_retries(const sink *s) { return s->reject_retries; }

void sink_set_logger(sink *s, const svc_logger *lg)
{
    s->lg = lg;
    if (s->insecure & SINK_INSECURE_TLS)
        svc_log(lg, SVC_LOG_WARN,
                "SECURITY WARNING: sink %s: tls_verify is false: the server's certificate "
                "is NOT checked; anyone on the path can read and forge alerts",
                s->name);
    if (s->insecure & SINK_INSECURE_HTTP)
        svc_log(lg, SVC_LOG_WARN,
                "SECURITY WARNING: sink %s: allow_insecure_http is true: the alerts and the "
                "sink's secret (token or URL) travel UNENCRYPTED over http:// to a remote host",
                s->name);
}

void sink_set_cancel(sink *s, const atomic_int *flag) { s->cancel = flag; }

int sink_cancelled(const sink *s) { return s->cancel && atomic_load(s->cancel) != 0; }

sink_status sink_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    memset(res, 0, sizeof *res);
    if (n == 0)
        return SINK_OK;
    return s->ops->send(s, docs, lens, n, res);
}

const char *sink_status_name(sink_status st)
{
    static const char *const names[] = {"ok", "retry", "configuration error", "rejected"};
    return (unsigned)st < 4 ? names[st] : "?";
}

void sink_free(sink *s)
{
    if (!s)
        return;
    if (s->ops && s->ops->free)
        s->ops->free(s->impl);
    free(s->name);
    free(s);
}

void sink_url_redact(const char *url, char *out, size_t len)
{
    const char *p = strstr(url, "://"), *host, *end, *at;

    if (!p) {
        snprintf(out, len, "(url)");
        return;
    }
    host = p + 3;
    end = host + strcspn(host, "/?#");
    at = memchr(host, '@', (size_t)(end - host));
    if (at)
        host = at + 1;
    snprintf(out, len, "%.*s://%.*s", (int)(p - url), url, (int)(end - host), host);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int sink_parse_time(const char *s, int64_t *epoch_ms)
{
    int y, mo, d, h, mi, sec, n = 0;
    int64_t ms = 0, scale = 100, t;
    const char *p;

    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    p = s + n;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
            ms += scale ? (*p - '0') * scale : 0;
    t = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms;
    if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
        int oh = 0, om = 0;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return -1;
        t -= (*p == '+' ? 1 : -1) * (int64_t)(oh * 60 + om) * 60000;
    } else if (*p != 'Z' || p[1])
        return -1;
    *epoch_ms = t;
    return 0;
}
