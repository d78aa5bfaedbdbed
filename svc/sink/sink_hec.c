/* sink_hec.c - the Splunk HTTP Event Collector sink: batches of event envelopes concatenated in one
 * POST to <url>/services/collector/event, the documented reply table parsed strictly, and optional
 * indexer acknowledgment (channel GUID, ackId, /services/collector/ack polling) before OK. */
#include "svc/sink/sink_int.h"
#include "svc/base/crypto.h"
#include "svc/base/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hec_sink {
    sink_http http;
    char *token, *sourcetype, *index, *source;
    char *hb_sourcetype; /* heartbeat (state) documents */
    char *chan_conf;     /* "channel" as configured */
    char channel[40];
    int ack;
    long long ack_timeout_ms, ack_poll_ms, batch;
    char *event_url, *ack_url;
} hec_sink;

static const opt_def HEC_OPTS[] = {
    OPT_S(hec_sink, http.url, "url", OPT_REQUIRED | OPT_HTTP_URL, NULL,
          "base URL; POSTs to <url>/services/collector/event"),
    OPT_SECRET_KEY(hec_sink, token, "token", OPT_REQUIRED, "HEC token: Authorization: Splunk <token>"),
    OPT_S(hec_sink, index, "index", 0, NULL, "target index (default: the token's)"),
    OPT_S(hec_sink, sourcetype, "sourcetype", 0, "addecoy:alert", "sourcetype of alerts"),
    OPT_S(hec_sink, hb_sourcetype, "heartbeat_sourcetype", 0, "addecoy:heartbeat", "sourcetype of heartbeats"),
    OPT_S(hec_sink, source, "source", 0, "addecoy", "source field"),
    OPT_I(hec_sink, batch, "batch", 100, 1, 10000, "alerts per request"),
    OPT_B(hec_sink, ack, "ack", 0, "indexer acknowledgment"),
    OPT_S(hec_sink, chan_conf, "channel", 0, NULL, "fixed X-Splunk-Request-Channel GUID (default: random)"),
    OPT_I(hec_sink, ack_poll_ms, "ack_poll_ms", 200, 10, 60000, "ack polling interval"),
    OPT_I(hec_sink, ack_timeout_ms, "ack_timeout_ms", 10000, 0, 600000, "ack wait bound"),
    OPT_END,
};
const opt_map SINK_HEC_MAP = {"hec", ": ", NULL, HEC_OPTS};

static void hec_free(void *impl)
{
    hec_sink *h = impl;
    if (!h)
        return;
    sink_http_cleanup(&h->http);
    opt_free(&SINK_HEC_MAP, h);
    free(h->event_url);
    free(h->ack_url);
    free(h);
}

static int hec_envelope(const hec_sink *h, const char *doc, size_t len, strbuf *out)
{
    return hec_format_envelope(h->source, h->sourcetype, h->hb_sourcetype, h->index, doc, len, out);
}

int hec_format_envelope(const char *source, const char *sourcetype, const char *state_sourcetype,
                        const char *index, const char *doc, size_t len, strbuf *out)
{
    json_t *alert = json_loadb(doc, len, 0, NULL), *env = NULL, *fields;
    int64_t ms;
    char *text = NULL;
    int rc = -1;

    if (!json_is_object(alert))
        goto out;
    env = json_object();
    fields = json_object();
    json_object_set_new(env, "fields", fields);
    {
        json_t *host = json_object_get(json_object_get(alert, "host"), "name");
        json_t *action = json_object_get(alert, "action");
        json_t *decoy = json_object_get(json_object_get(alert, "decoy"), "name");
        json_t *sev = json_object_get(alert, "severity");
        if (json_is_string(host))
            json_object_set(env, "host", host);
        if (json_is_string(action))
            json_object_set(fields, "action", action);
        if (json_is_string(decoy))
            json_object_set(fields, "decoy", decoy);
        if (json_is_string(sev) || json_is_number(sev))
            json_object_set(fields, "severity", sev);
    }
    json_object_set_new(env, "source", json_string(source));
    json_object_set_new(env, "sourcetype",
                        json_string(state_sourcetype && sink_doc_is_state(alert) ? state_sourcetype : sourcetype));
    if (index)
        json_object_set_new(env, "index", json_string(index));
    json_object_set(env, "event", alert);
    if (!(text = json_dumps(env, JSON_COMPACT)))
        goto out;
    /* "time" first, as epoch seconds with exactly three decimals */
    if (sink_parse_time(json_string_value(json_object_get(alert, "@timestamp")), &ms) == 0 && ms >= 0)
        strbuf_printf(out, "{\"time\":%lld.%03lld,%s", (long long)(ms / 1000), (long long)(ms % 1000), text + 1);
    else
        strbuf_puts(out, text);
    rc = out->failed ? -1 : 0;
out:
    free(text);
    json_decref(env);
    json_decref(alert);
    return rc;
}

static struct curl_slist *hec_headers(const hec_sink *h)
{
    struct curl_slist *l = NULL, *t;
    strbuf auth = {0};
    char chan[80];

    strbuf_printf(&auth, "Authorization: Splunk %s", h->token);
    l = curl_slist_append(NULL, "Content-Type: application/json");
    if (l && (t = curl_slist_append(l, auth.data ? auth.data : "")))
        l = t;
    if (l && h->ack) {
        snprintf(chan, sizeof chan, "X-Splunk-Request-Channel: %s", h->channel);
        if ((t = curl_slist_append(l, chan)))
            l = t;
    }
    if (auth.data)
        memset(auth.data, 0, auth.len);
    strbuf_free(&auth);
    return l;
}

/* Strict parse of a HEC reply body: {"text": str, "code": int, ...}. */
static json_t *hec_reply(const sink_http_reply *r, long *code, const char **text)
{
    json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);

    if (!json_is_object(j) || !json_is_integer(json_object_get(j, "code")) ||
        !json_is_string(json_object_get(j, "text"))) {
        json_decref(j);
        return NULL;
    }
    *code = (long)json_integer_value(json_object_get(j, "code"));
    *text = json_string_value(json_object_get(j, "text"));
    return j;
}

/* Polls /services/collector/ack until ackId is true or the wait ends. */
static sink_status hec_wait_ack(hec_sink *h, struct curl_slist *hdr, json_int_t ack_id, sink_result *res)
{
    char body[64];
    long waited = 0;

    snprintf(body, sizeof body, "{\"acks\":[%lld]}", (long long)ack_id);
    for (;;) {
        sink_http_reply r;
        json_t *j;
        int done = 0;

        if (sink_http_post(&h->http, h->ack_url, hdr, body, strlen(body), &r) < 0 || r.status != 200) {
            sink_status st = sink_http_classify(&r, "HEC ack", res);
            sink_http_reply_free(&r);
            return st == SINK_CONFIG_ERROR ? st : SINK_RETRY;
        }
        j = json_loadb(r.body.data, r.body.len, 0, NULL);
        {
            char key[32];
            json_t *acks = json_object_get(j, "acks");
            snprintf(key, sizeof key, "%lld", (long long)ack_id);
            if (!json_is_object(acks)) {
                snprintf(res->message, sizeof res->message, "HEC ack: malformed reply");
                json_decref(j);
                sink_http_reply_free(&r);
                return SINK_RETRY;
            }
            done = json_is_true(json_object_get(acks, key));
        }
        json_decref(j);
        sink_http_reply_free(&r);
        if (done)
            return SINK_OK;
        if (waited >= h->ack_timeout_ms) {
            snprintf(res->message, sizeof res->message, "HEC ack %lld not confirmed within %lld ms: resending",
                     (long long)ack_id, h->ack_timeout_ms);
            return SINK_RETRY;
        }
        if (sink_http_pause(&h->http, h->ack_poll_ms) < 0) {
            snprintf(res->message, sizeof res->message,
                     "HEC ack %lld: the service is stopping: sent again later", (long long)ack_id);
            return SINK_RETRY;
        }
        waited += h->ack_poll_ms;
    }
}

static sink_status hec_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    hec_sink *h = s->impl;
    strbuf body = {0};
    struct curl_slist *hdr = NULL;
    sink_http_reply r = {0};
    json_t *j = NULL;
    long code = -1;
    const char *text = "";
    sink_status st = SINK_RETRY;

    for (size_t i = 0; i < n; i++)
        if (hec_envelope(h, docs[i], lens[i], &body) < 0) {
            if (body.failed)
                goto out;
            res->rejected_index = i;
            snprintf(res->message, sizeof res->message, "document %zu is not a JSON object", i);
            st = SINK_REJECTED;
            goto out;
        }
    if (!(hdr = hec_headers(h))) {
        snprintf(res->message, sizeof res->message, "out of memory");
        goto out;
    }
    if (sink_http_post(&h->http, h->event_url, hdr, body.data, body.len, &r) < 0) {
        st = sink_http_classify(&r, "HEC", res);
        goto out;
    }
    res->http_status = r.status;
    j = hec_reply(&r, &code, &text);
    if (!j) {
        st = sink_http_classify(&r, "HEC (reply is not a HEC reply)", res);
        if (st == SINK_OK || r.status < 300)
            st = SINK_CONFIG_ERROR;
        goto out;
    }
    res->retry_after_ms = r.retry_after_ms > 0 ? r.retry_after_ms : 0;
    snprintf(res->message, sizeof res->message, "HEC: HTTP %ld code %ld: %.300s", r.status, code, text);
    if (r.status == 200 && code == 0) {
        json_t *ack = json_object_get(j, "ackId");
        if (!h->ack)
            st = SINK_OK;
        else if (!json_is_integer(ack)) {
            snprintf(res->message, sizeof res->message,
                     "HEC: indexer acknowledgment is off on the server "
                     "(no ackId): set \"ack\": false or enable it on the token");
            st = SINK_CONFIG_ERROR;
        } else
            st = hec_wait_ack(h, hdr, json_integer_value(ack), res);
    } else if (r.status == 400 && (code == 6 || code == 12 || code == 13 || code == 15)) {
        /* one event refused as such: Splunk indexed the ones before it and did not look at the ones
         * after it (they are sent again) */
        json_t *num = json_object_get(j, "invalid-event-number");
        if (json_is_integer(num) && json_integer_value(num) >= 0 && (size_t)json_integer_value(num) < n) {
            res->rejected_index = (size_t)json_integer_value(num);
            st = SINK_REJECTED;
        } else if (n == 1) {
            res->rejected_index = 0;
            st = SINK_REJECTED;
        } else
            st = SINK_CONFIG_ERROR; /* which one is unknown: pause rather than guess */
    } else if (r.status == 429 || r.status >= 500)
        st = SINK_RETRY;
    else
        st = SINK_CONFIG_ERROR; /* codes 1-5, 7, 10, 11, 14, 16 and the rest: the sink is paused */
out:
    json_decref(j);
    sink_http_reply_free(&r);
    curl_slist_free_all(hdr);
    strbuf_free(&body);
    return st;
}

static const sink_ops HEC_OPS = {"hec", hec_send, hec_free};

static int random_guid(char out[40])
{
    uint8_t b[16];
    if (crypto_random(b, sizeof b) < 0)
        return -1;
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

int sink_hec_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    hec_sink *h = calloc(1, sizeof *h);
    size_t ul;

    s->ops = &HEC_OPS;
    s->impl = h;
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (opt_parse(&SINK_HEC_MAP, conf, -1, h, where, err, errlen) < 0 ||
        sink_http_init(&h->http, s, conf, where, 0, err, errlen) < 0)
        return -1;
    if (strpbrk(h->token, "\r\n")) {
        snprintf(err, errlen, "%s: token: contains a line break", where);
        return -1;
    }
    if (h->chan_conf) {
        if (strlen(h->chan_conf) != 36 || strspn(h->chan_conf, "0123456789abcdefABCDEF-") != 36) {
            snprintf(err, errlen, "%s: channel: must be a GUID (8-4-4-4-12 hex digits)", where);
            return -1;
        }
        snprintf(h->channel, sizeof h->channel, "%s", h->chan_conf);
    } else if (random_guid(h->channel) < 0) {
        snprintf(err, errlen, "%s: cannot generate a channel GUID: no random source", where);
        return -1;
    }
    ul = strlen(h->http.url);
    while (ul > 0 && h->http.url[ul - 1] == '/')
        h->http.url[--ul] = '\0';
    h->event_url = malloc(ul + 64);
    h->ack_url = malloc(ul + 100);
    if (!h->event_url || !h->ack_url) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(h->event_url, ul + 64, "%s/services/collector/event", h->http.url);
    snprintf(h->ack_url, ul + 100, "%s/services/collector/ack?channel=%s", h->http.url, h->channel);
    s->max_batch = (size_t)h->batch;
    return 0;
}
