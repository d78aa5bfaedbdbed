/* sink_http.c - the libcurl side of the HTTP sinks: one easy handle per sink (connection reuse),
 * timeouts (connect 5 s, total 20 s by default), TLS verification on unless the config turns it
 * off, optional CA file, proxy only from the config (never from the environment). */
#include "svc/sink/sink_int.h"
#include "svc/base/backoff.h"
#include "svc/base/net.h"
#include "svc/base/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int sink_url_is_loopback(const char *url)
{
    const char *p = strstr(url, "://"), *end, *at;
    char host[256];
    unsigned char a[16];
    size_t n;

    if (!p)
        return 0;
    p += 3;
    end = p + strcspn(p, "/?#");
    if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) /* user:password@ */
        p = at + 1;
    if (*p == '[') { /* [v6]:port */
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (!close)
            return 0;
        n = (size_t)(close - p - 1), p++;
    } else
        n = strcspn(p, ":/?#");
    if (n == 0 || n >= sizeof host)
        return 0;
    for (size_t i = 0; i < n; i++) /* ASCII lower case: "LocalHost" */
        host[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    host[n] = '\0';
    if (strcmp(host, "localhost") == 0 || strcmp(host, "localhost.") == 0)
        return 1;
    switch (net_parse_ip(host, a)) {
    case 4: return a[12] == 127;
    case 6: return memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
    default: return 0;
    }
}

static const opt_def HTTP_OPTS[] = {
    OPT_B(sink_http, tls_verify, "tls_verify", 1, "verify the server certificate and host name"),
    OPT_B(sink_http, allow_insecure_http, "allow_insecure_http", 0, "allow http:// to a host other than loopback"),
    OPT_S(sink_http, ca_file, "ca_file", 0, NULL, "PEM bundle of the CAs to trust"),
    OPT_S(sink_http, proxy, "proxy", 0, NULL, "proxy URL (the environment is ignored)"),
    OPT_I(sink_http, connect_timeout_ms, "connect_timeout_ms", 5000, 100, 600000, "connection timeout"),
    OPT_I(sink_http, timeout_ms, "timeout_ms", 20000, 100, 600000, "whole-request timeout"),
    OPT_END,
};
const opt_map SINK_HTTP_MAP = {"http", ": ", NULL, HTTP_OPTS};

int sink_http_init(sink_http *h, sink *s, const json_t *conf, const char *where, int url_secret, char *err,
                   size_t errlen)
{
    if (opt_parse(&SINK_HTTP_MAP, conf, -1, h, where, err, errlen) < 0)
        return -1;
    h->owner = s;
    if (!h->url) {
        snprintf(err, errlen, "%s: url: is required", where);
        return -1;
    }
    if (strncmp(h->url, "http://", 7) == 0 && !sink_url_is_loopback(h->url)) {
        if (!h->allow_insecure_http) { /* the URL is not shown: it may be the secret */
            snprintf(err, errlen,
                     "%s: url: http:// would send the %s in clear to a remote host; use https://, "
                     "or set \"allow_insecure_http\": true (lab use only)",
                     where, url_secret ? "secret URL and the alerts" : "token and the alerts");
            return -1;
        }
        s->insecure |= SINK_INSECURE_HTTP;
    }
    if (!h->tls_verify && strncmp(h->url, "https://", 8) == 0)
        s->insecure |= SINK_INSECURE_TLS;
    if (!(h->curl = curl_easy_init())) {
        snprintf(err, errlen, "%s: cannot initialise libcurl", where);
        return -1;
    }
    return 0;
}

void sink_http_cleanup(sink_http *h)
{
    if (h->curl)
        curl_easy_cleanup(h->curl);
    opt_secret_free(h->url);
    opt_free(&SINK_HTTP_MAP, h);
    memset(h, 0, sizeof *h);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    sink_http_reply *r = ud;
    if (r->body.len + size * n > 1024 * 1024) /* a reply this large is not from a sane server */
        return 0;
    strbuf_append(&r->body, p, size * n);
    return r->body.failed ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    sink_http_reply *r = ud;
    size_t len = size * n;
    char val[128];

    static const char name[] = "retry-after:";
    size_t i;

    for (i = 0; i < 12 && i < len && (p[i] | 0x20) == name[i]; i++)
        ;
    if (len > 12 && i == 12) {
        size_t vl = len - 12 < sizeof val - 1 ? len - 12 : sizeof val - 1;
        memcpy(val, p + 12, vl);
        val[vl] = '\0';
        r->retry_after_ms = backoff_parse_retry_after(val, (int64_t)time(NULL));
    }
    return len;
}

int sink_http_pause(const sink_http *h, long ms)
{
    while (ms > 0) {
        long slice = ms < 50 ? ms : 50;
        if (h->owner && sink_cancelled(h->owner))
            return -1;
        svc_sleep_ms(slice);
        ms -= slice;
    }
    return h->owner && sink_cancelled(h->owner) ? -1 : 0;
}

/* libcurl's progress callback: a non-zero return aborts the transfer (the service is stopping). */
static int on_progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return sink_cancelled(p);
}

int sink_http_post(sink_http *h, const char *url, struct curl_slist *headers, const char *body, size_t len,
                   sink_http_reply *r)
{
    CURL *c = h->curl;
    CURLcode rc;

    memset(r, 0, sizeof *r);
    r->retry_after_ms = -1;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url ? url : h->url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)h->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->tls_verify ? 2L : 0L);
    if (h->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
    curl_easy_setopt(c, CURLOPT_PROXY, h->proxy ? h->proxy : ""); /* "" = no proxy, ignore env */
    curl_easy_setopt(c, CURLOPT_USERAGENT, "decoysvc/" ADDECOY_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    if (h->owner && h->owner->cancel) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)h->owner);
    }
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        snprintf(r->err, sizeof r->err, "%s", curl_easy_strerror(rc));
        r->status = 0;
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (!r->body.data)
        strbuf_puts(&r->body, "");
    return 0;
}

void sink_http_reply_free(sink_http_reply *r) { strbuf_free(&r->body); }

sink_status sink_http_classify(const sink_http_reply *r, const char *what, sink_result *res)
{
    strbuf text = {0};

    res->http_status = r->status;
    res->retry_after_ms = r->retry_after_ms > 0 ? r->retry_after_ms : 0;
    if (r->status == 0) {
        snprintf(res->message, sizeof res->message, "%s: %s", what, r->err);
        return SINK_RETRY;
    }
    escape_utf8(&text, r->body.data ? r->body.data : "",
                escape_utf8_prefix(r->body.data ? r->body.data : "", r->body.len, 300));
    snprintf(res->message, sizeof res->message, "%s: HTTP %ld: %s", what, r->status, text.data ? text.data : "");
    strbuf_free(&text);
    if (r->status == 429 || r->status == 408 || r->status >= 500)
        return SINK_RETRY;
    return SINK_CONFIG_ERROR;
}
