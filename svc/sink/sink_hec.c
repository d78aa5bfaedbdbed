/* sink_hec.c - the Splunk HTTP Event Collector sink: batches of event envelopes concatenated in one
 * POST to <url>/services/collector/event, the documented reply table parsed strictly, and optional
 * indexer acknowledgment (channel GUID, ackId, /services/collector/ack polling) before OK. */
#include "svc/sink/sink_int.h"
#include "svc/base/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hec_sink {
    sink_http http;
    char *token, *sourcetype, *index, *source;
    char *hb_sourcetype; /* heartbeat (state) documents */
    char channel[40];
    int ack;
    long ack_timeout_ms, ack_poll_ms;
    char *event_url, *ack_url;
} hec_sink;

static void hec_free(void *impl)
{
    hec_sink *h = impl;
    if (!h)
        return;
    sink_http_cleanup(&h->http);
    sink_secret_free(h->token);
    free(h->sourcetype);
    free(h->hb_sourcetype);
    free(h->index);
    free(h->source);
    free(h->event_url);
    free(h->ack_url);
    free(h);
}

static int hec_envelope(const hec_sink *h, const char *doc, size_t len, esc_buf *out)
{
    return hec_format_envelope(h->source, h->sourcetype, h->hb_sourcetype, h->index, doc, len, out);
}

int hec_format_envelope(const char *source, const char *sourcetype, const char *state_sourcetype,
                        const char *index, const char *doc, size_t len, esc_buf *out)
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
        esc_buf_printf(out, "{\"time\":%lld.%03lld,%s", (long long)(ms / 1000), (long long)(ms % 1000), text + 1);
    else
        esc_buf_puts(out, text);
    rc = out->oom ? -1 : 0;
out:
    free(text);
    json_decref(env);
    json_decref(alert);
    return rc;
}

static struct curl_slist *hec_headers(const hec_sink *h)
{
    struct curl_slist *l = NULL, *t;
    esc_buf auth = {0};
    char chan[80];

    esc_buf_printf(&auth, "Authorization: Splunk %s", h->token);
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
    esc_buf_free(&auth);
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
            snprintf(res->message, sizeof res->message, "HEC ack %lld not confirmed within %ld ms: resending",
                     (long long)ack_id, h->ack_timeout_ms);
            return SINK_RETRY;
        }
        if (sink_http_pause(&h->http, h->ack_poll_ms) < 0) {
            snprintf(res->message, sizeof res->message, "HEC ack %lld: the service is stopping: sent again later",
                     (long long)ack_id);
            return SINK_RETRY;
        }
        waited += h->ack_poll_ms;
    }
}

static sink_status hec_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    hec_sink *h = s->impl;
    esc_buf body = {0};
    struct curl_slist *hdr = NULL;
    sink_http_reply r = {0};
    json_t *j = NULL;
    long code = -1;
    const char *text = "";
    sink_status st = SINK_RETRY;

    for (size_t i = 0; i < n; i++)
        if (hec_envelope(h, docs[i], lens[i], &body) < 0) {
            if (body.oom)
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
            snprintf(res->message, sizeof res->message, "HEC: indexer acknowledgment is off on the server "
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
    esc_buf_free(&body);
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
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

int sink_hec_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    static const char *const keys[] = {"url", "token", "token_file", "token_env", "sourcetype", "heartbeat_sourcetype", "source", "index",
                                       "ack", "channel", "ack_timeout_ms", "ack_poll_ms", "batch", "tls_verify",
                                       "allow_insecure_http", "ca_file", "proxy", "connect_timeout_ms", "timeout_ms",
                                       NULL};
    hec_sink *h = calloc(1, sizeof *h);
    char *chan = NULL;
    long long batch, ato, apo;
    size_t ul;
    int rc = -1;

    s->ops = &HEC_OPS;
    s->impl = h;
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sink_conf_known(conf, keys, where, err, errlen) < 0 || sink_http_init(&h->http, s, conf, where, 0, err, errlen) < 0 ||
        sink_conf_secret(conf, "token", where, 1, &h->token, err, errlen) < 0 ||
        sink_conf_str(conf, "sourcetype", where, 0, "addecoy:alert", &h->sourcetype, err, errlen) < 0 ||
        sink_conf_str(conf, "heartbeat_sourcetype", where, 0, "addecoy:heartbeat", &h->hb_sourcetype, err, errlen) < 0 ||
        sink_conf_str(conf, "source", where, 0, "addecoy", &h->source, err, errlen) < 0 ||
        sink_conf_str(conf, "index", where, 0, NULL, &h->index, err, errlen) < 0 ||
        sink_conf_bool(conf, "ack", where, 0, &h->ack, err, errlen) < 0 ||
        sink_conf_str(conf, "channel", where, 0, NULL, &chan, err, errlen) < 0 ||
        sink_conf_int(conf, "batch", where, 100, 1, 10000, &batch, err, errlen) < 0 ||
        sink_conf_int(conf, "ack_timeout_ms", where, 10000, 0, 600000, &ato, err, errlen) < 0 ||
        sink_conf_int(conf, "ack_poll_ms", where, 200, 10, 60000, &apo, err, errlen) < 0)
        goto out;
    if (strpbrk(h->token, "\r\n")) {
        snprintf(err, errlen, "%s: token: contains a line break", where);
        goto out;
    }
    if (chan) {
        if (strlen(chan) != 36 || strspn(chan, "0123456789abcdefABCDEF-") != 36) {
            snprintf(err, errlen, "%s: channel: must be a GUID (8-4-4-4-12 hex digits)", where);
            goto out;
        }
        snprintf(h->channel, sizeof h->channel, "%s", chan);
    } else if (random_guid(h->channel) < 0) {
        snprintf(err, errlen, "%s: cannot generate a channel GUID: no random source", where);
        goto out;
    }
    ul = strlen(h->http.url);
    while (ul > 0 && h->http.url[ul - 1] == '/')
        h->http.url[--ul] = '\0';
    h->event_url = malloc(ul + 64);
    h->ack_url = malloc(ul + 100);
    if (!h->event_url || !h->ack_url) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    snprintf(h->event_url, ul + 64, "%s/services/collector/event", h->http.url);
    snprintf(h->ack_url, ul + 100, "%s/services/collector/ack?channel=%s", h->http.url, h->channel);
    h->ack_timeout_ms = (long)ato, h->ack_poll_ms = (long)apo;
    s->max_batch = (size_t)batch;
    rc = 0;
out:
    free(chan);
    return rc;
}
