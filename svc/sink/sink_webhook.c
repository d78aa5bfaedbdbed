/* sink_webhook.c - the "webhook" sink: one alert per POST, in one of four formats: "standard" (the
 * alert JSON, signed per Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature
 * "v1,<base64 HMAC-SHA256 of id.timestamp.body>"), "slack", "teams" or "pagerduty". The URL, the
 * signing secret and the PagerDuty routing key are secrets (value, *_file or *_env). */
#include "svc/sink/sink_int.h"
#include "svc/base/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum { FMT_STANDARD, FMT_SLACK, FMT_TEAMS, FMT_PAGERDUTY } webhook_fmt;

typedef struct webhook_sink {
    sink_http http;
    int fmt;      /* webhook_fmt */
    char *secret; /* as configured, wiped once decoded into key */
    uint8_t *key; /* decoded signing secret, or NULL: unsigned */
    size_t keylen;
    char *routing_key;
} webhook_sink;

static const opt_def WEBHOOK_OPTS[] = {
    OPT_SECRET_KEY(webhook_sink, http.url, "url", OPT_HTTP_URL,
                   "where alerts are POSTed (required but for pagerduty); a secret for Slack and Teams"),
    OPT_E(webhook_sink, fmt, "format", "standard|slack|teams|pagerduty", FMT_STANDARD, "the request body"),
    OPT_SECRET_KEY(webhook_sink, secret, "secret", 0, "whsec_<base64 key> (>= 16 bytes): signs every request"),
    OPT_SECRET_KEY(webhook_sink, routing_key, "routing_key", 0,
                   "PagerDuty integration key (required for pagerduty)"),
    OPT_END,
};
const opt_map SINK_WEBHOOK_MAP = {"webhook", ": ", NULL, WEBHOOK_OPTS};

#define PAGERDUTY_URL "https://events.pagerduty.com/v2/enqueue"

static void webhook_free(void *impl)
{
    webhook_sink *w = impl;
    if (!w)
        return;
    sink_http_cleanup(&w->http);
    if (w->key) {
        crypto_wipe(w->key, w->keylen);
        free(w->key);
    }
    opt_free(&SINK_WEBHOOK_MAP, w);
    free(w);
}

/* Appends the three Standard Webhooks headers to *l; -1 when libcrypto or memory fails. */
static int sign(const webhook_sink *w, struct curl_slist **l, const char *id, const char *body, size_t len)
{
    char ts[32], b64[64], line[400];
    uint8_t mac[CRYPTO_SHA256_LEN];
    const void *parts[5];
    size_t lens[5];
    struct curl_slist *t;

    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    parts[0] = id, lens[0] = strlen(id);
    parts[1] = ".", lens[1] = 1;
    parts[2] = ts, lens[2] = strlen(ts);
    parts[3] = ".", lens[3] = 1;
    parts[4] = body, lens[4] = len;
    if (crypto_hmac_sha256_parts(w->key, w->keylen, parts, lens, 5, mac) < 0)
        return -1;
    crypto_base64_encode(mac, sizeof mac, b64, sizeof b64);
    snprintf(line, sizeof line, "webhook-id: %s", id);
    if (!(t = curl_slist_append(*l, line)))
        return -1;
    *l = t;
    snprintf(line, sizeof line, "webhook-timestamp: %s", ts);
    if (!(t = curl_slist_append(*l, line)))
        return -1;
    snprintf(line, sizeof line, "webhook-signature: v1,%s", b64);
    return curl_slist_append(*l, line) ? 0 : -1;
}

/* One alert: format, sign, POST, classify. */
static sink_status send_one(webhook_sink *w, const char *doc, size_t len, sink_result *res)
{
    json_t *alert = json_loadb(doc, len, 0, NULL);
    char *body = NULL, id[256];
    struct curl_slist *hdr = NULL;
    sink_http_reply r = {0};
    sink_status st = SINK_RETRY;
    size_t blen;

    if (!json_is_object(alert)) {
        snprintf(res->message, sizeof res->message, "alert is not a JSON object");
        st = SINK_REJECTED;
        goto out;
    }
    switch (w->fmt) {
    case FMT_STANDARD:
        if ((body = malloc(len + 1)) != NULL)
            memcpy(body, doc, len), body[len] = '\0';
        break;
    case FMT_SLACK: body = webhook_body_slack(alert); break;
    case FMT_TEAMS: body = webhook_body_teams(alert); break;
    case FMT_PAGERDUTY: body = webhook_body_pagerduty(alert, w->routing_key); break;
    }
    if (!body) {
        snprintf(res->message, sizeof res->message, "cannot format the alert");
        st = SINK_REJECTED;
        goto out;
    }
    blen = strlen(body);
    webhook_alert_text(alert, "id", id, sizeof id);
    if (!*id || strpbrk(id, "\r\n")) { /* header-safe id: the body's SHA-256 */
        uint8_t h[CRYPTO_SHA256_LEN];
        crypto_sha256(body, blen, h);
        for (int i = 0; i < 16; i++)
            snprintf(id + 2 * i, 3, "%02x", h[i]);
    }
    hdr = curl_slist_append(NULL, "Content-Type: application/json");
    if (!hdr || (w->key && sign(w, &hdr, id, body, blen) < 0)) {
        snprintf(res->message, sizeof res->message, "cannot sign the request (out of memory)");
        goto out;
    }
    sink_http_post(&w->http, NULL, hdr, body, blen, &r);
    if (r.status >= 200 && r.status < 300) {
        res->http_status = r.status;
        st = SINK_OK;
    } else if (r.status == 400 || r.status == 413 || r.status == 422) {
        sink_http_classify(&r, "webhook", res);
        st = SINK_REJECTED; /* this alert as such is refused (malformed, too large): the next ones may pass */
    } else
        st = sink_http_classify(&r, "webhook", res);
out:
    sink_http_reply_free(&r);
    curl_slist_free_all(hdr);
    free(body);
    json_decref(alert);
    return st;
}

static sink_status webhook_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    for (size_t i = 0; i < n; i++) {
        sink_status st = send_one(s->impl, docs[i], lens[i], res);
        if (st == SINK_REJECTED)
            res->rejected_index = i;
        if (st != SINK_OK)
            return st;
    }
    return SINK_OK;
}

static const sink_ops WEBHOOK_OPS = {"webhook", webhook_send, webhook_free};

static int parse_secret(webhook_sink *w, const char *secret, const char *where, char *err, size_t errlen)
{
    const char *b64 = strncmp(secret, "whsec_", 6) == 0 ? secret + 6 : secret;
    size_t len = strlen(b64);

    if (!(w->key = malloc(len + 1)) || crypto_base64_decode(b64, len, w->key, len + 1, &w->keylen) < 0 ||
        w->keylen < 16) {
        snprintf(err, errlen, "%s: secret: must be \"whsec_\" followed by base64 of at least 16 bytes", where);
        return -1;
    }
    return 0;
}

int sink_webhook_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    webhook_sink *w = calloc(1, sizeof *w);

    s->ops = &WEBHOOK_OPS;
    s->impl = w;
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (opt_parse(&SINK_WEBHOOK_MAP, conf, -1, w, where, err, errlen) < 0)
        return -1;
    if (!w->http.url && w->fmt != FMT_PAGERDUTY) {
        snprintf(err, errlen, "%s: url: give exactly one of \"url\", \"url_file\" or \"url_env\"", where);
        return -1;
    }
    if (!w->http.url && !(w->http.url = strdup(PAGERDUTY_URL))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (w->fmt == FMT_PAGERDUTY && !w->routing_key) {
        snprintf(err, errlen,
                 "%s: routing_key: give exactly one of \"routing_key\", \"routing_key_file\" or "
                 "\"routing_key_env\"",
                 where);
        return -1;
    }
    if (sink_http_init(&w->http, s, conf, where, 1, err, errlen) < 0)
        return -1;
    if (w->secret) {
        int rc = parse_secret(w, w->secret, where, err, errlen);
        opt_secret_free(w->secret);
        w->secret = NULL;
        if (rc < 0)
            return -1;
    }
    s->max_batch = 1;
    return 0;
}
