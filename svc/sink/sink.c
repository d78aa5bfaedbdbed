/* sink.c - the sink registry (type name -> constructor), the dispatch of sink_send(), and the config
 * helpers every sink uses: typed keys with errors naming the entry, secrets from a value, a file or
 * an environment variable, URL redaction for logs and ISO 8601 time parsing. */
#include "svc/sink/sink_int.h"

#include "svc/base/crypto.h"
#include "svc/base/secret.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *type;
    int (*init)(sink *, const json_t *, const char *, char *, size_t);
} SINK_TYPES[] = {
    {"hec", sink_hec_init},
    {"webhook", sink_webhook_init},
    {"file", sink_file_init},
    {"syslog", sink_syslog_init},
#ifdef _WIN32
    {"eventlog", sink_eventlog_init},
#endif
};

sink *sink_new_from_json(const json_t *conf, const char *where, char *err, size_t errlen)
{
    const char *type;
    sink *s = NULL;
    char *name = NULL;
    long long retries;
    size_t i, n = sizeof SINK_TYPES / sizeof SINK_TYPES[0];

    if (!json_is_object(conf)) {
        snprintf(err, errlen, "%s: a sink must be a JSON object", where);
        return NULL;
    }
    type = json_string_value(json_object_get(conf, "type"));
    if (!type) {
        snprintf(err, errlen, "%s: \"type\" is required (hec, webhook, file or syslog)", where);
        return NULL;
    }
    for (i = 0; i < n && strcmp(SINK_TYPES[i].type, type) != 0; i++)
        ;
    if (i == n) {
        snprintf(err, errlen, "%s: type: unknown sink type \"%.40s\" (hec, webhook, file or syslog)", where, type);
        return NULL;
    }
    if (sink_conf_str(conf, "name", where, 0, type, &name, err, errlen) < 0 ||
        sink_conf_int(conf, "reject_retries", where, 3, 0, 100, &retries, err, errlen) < 0)
        goto fail;
    if (!*name) {
        snprintf(err, errlen, "%s: name: must not be empty", where);
        goto fail;
    }
    if (!(s = calloc(1, sizeof *s))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    s->name = name;
    name = NULL;
    s->max_batch = 1;
    s->reject_retries = (unsigned)retries;
    if (sink_conf_bool(conf, "heartbeat", where, strcmp(type, "webhook") != 0 && strcmp(type, "eventlog") != 0,
                       &s->heartbeat, err, errlen) < 0 ||
        SINK_TYPES[i].init(s, conf, where, err, errlen) < 0)
        goto fail;
    return s;
fail:
    free(name);
    sink_free(s);
    return NULL;
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
        svc_log(lg, SVC_LOG_WARN, "SECURITY WARNING: sink %s: tls_verify is false: the server's certificate "
                "is NOT checked; anyone on the path can read and forge alerts", s->name);
    if (s->insecure & SINK_INSECURE_HTTP)
        svc_log(lg, SVC_LOG_WARN, "SECURITY WARNING: sink %s: allow_insecure_http is true: the alerts and the "
                "sink's secret (token or URL) travel UNENCRYPTED over http:// to a remote host", s->name);
}

void sink_set_cancel(sink *s, const atomic_int *flag)
{
    s->cancel = flag;
}

int sink_cancelled(const sink *s)
{
    return s->cancel && atomic_load(s->cancel) != 0;
}

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

int sink_conf_str(const json_t *conf, const char *key, const char *where, int required, const char *def,
                  char **out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(conf, key);
    const char *val = def;

    *out = NULL;
    if (v && !json_is_string(v)) {
        snprintf(err, errlen, "%s: %s: must be a string", where, key);
        return -1;
    }
    if (v)
        val = json_string_value(v);
    else if (required) {
        snprintf(err, errlen, "%s: %s: is required", where, key);
        return -1;
    }
    if (val && !(*out = strdup(val))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int sink_conf_int(const json_t *conf, const char *key, const char *where, long long def, long long min,
                  long long max, long long *out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(conf, key);

    *out = def;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        snprintf(err, errlen, "%s: %s: must be an integer from %lld to %lld", where, key, min, max);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

int sink_conf_bool(const json_t *conf, const char *key, const char *where, int def, int *out, char *err,
                   size_t errlen)
{
    const json_t *v = json_object_get(conf, key);

    *out = def;
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        snprintf(err, errlen, "%s: %s: must be true or false", where, key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

void sink_secret_free(char *s)
{
    if (!s)
        return;
    crypto_wipe(s, strlen(s));
    free(s);
}

/* The first line of a secret file. Unbuffered, so that no stdio buffer keeps a copy; the stack
 * buffer is wiped before returning. */
static char *read_first_line(const char *path)
{
    FILE *f = fopen(path, "rb");
    char buf[8192], *line;
    size_t n;

    if (!f)
        return NULL;
    setvbuf(f, NULL, _IONBF, 0);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    line = strdup(buf);
    crypto_wipe(buf, sizeof buf);
    return line;
}

int sink_conf_secret(const json_t *conf, const char *key, const char *where, int required, char **out,
                     char *err, size_t errlen)
{
    char kfile[64], kenv[64];
    const json_t *v, *vf, *ve;
    int count;

    *out = NULL;
    snprintf(kfile, sizeof kfile, "%s_file", key);
    snprintf(kenv, sizeof kenv, "%s_env", key);
    v = json_object_get(conf, key), vf = json_object_get(conf, kfile), ve = json_object_get(conf, kenv);
    count = !!v + !!vf + !!ve;
    if (count > 1 || (required && count == 0)) {
        snprintf(err, errlen, "%s: %s: give exactly one of \"%s\", \"%s\" or \"%s\"", where, key, key, kfile, kenv);
        return -1;
    }
    if ((v && !json_is_string(v)) || (vf && !json_is_string(vf)) || (ve && !json_is_string(ve))) {
        snprintf(err, errlen, "%s: %s: must be a string", where, v ? key : vf ? kfile : kenv);
        return -1;
    }
    if (v)
        *out = strdup(json_string_value(v));
    else if (vf) {
        if (!(*out = read_first_line(json_string_value(vf)))) {
            snprintf(err, errlen, "%s: %s: cannot read %s", where, kfile, json_string_value(vf));
            return -1;
        }
    } else if (ve) {
        const char *e = getenv(json_string_value(ve));
        if (!e) {
            snprintf(err, errlen, "%s: %s: environment variable %.60s is not set", where, kenv,
                     json_string_value(ve));
            return -1;
        }
        *out = strdup(e);
    } else
        return 0;
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!**out) {
        snprintf(err, errlen, "%s: %s: is empty", where, key);
        sink_secret_free(*out);
        *out = NULL;
        return -1;
    }
    if (strncmp(*out, SECRET_DPAPI_PREFIX, strlen(SECRET_DPAPI_PREFIX)) == 0) {
        char *plain = NULL, msg[256];
        int rc = secret_unprotect(*out, &plain, msg, sizeof msg);
        sink_secret_free(*out);
        *out = plain;
        if (rc < 0) {
            snprintf(err, errlen, "%s: %s: %s", where, v ? key : vf ? kfile : kenv, msg);
            return -1;
        }
    }
    return 0;
}

int sink_conf_known(const json_t *conf, const char *const *keys, const char *where, char *err, size_t errlen)
{
    const char *k;
    const json_t *v;

    json_object_foreach((json_t *)conf, k, v) {
        size_t i;
        (void)v;
        for (i = 0; keys[i] && strcmp(keys[i], k) != 0; i++)
            ;
        if (!keys[i] && strcmp(k, "type") != 0 && strcmp(k, "name") != 0 && strcmp(k, "enabled") != 0 &&
            strcmp(k, "heartbeat") != 0 && strcmp(k, "reject_retries") != 0 &&
            k[0] != '_' && strncmp(k, "comment", 7) != 0) {
            snprintf(err, errlen, "%s: %.60s: unknown key", where, k);
            return -1;
        }
    }
    return 0;
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
