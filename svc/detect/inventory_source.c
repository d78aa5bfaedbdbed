/* inventory_source.c - the decoy inventory from an https:// URL, so that every collector of a
 * fleet knows the same decoys. Polled every poll_ms with If-None-Match / If-Modified-Since
 * (a 304 costs nothing), TLS verified (optional CA file), an optional bearer token read from a
 * file at each fetch (never logged). A new version is validated as a whole before it replaces
 * the cached copy in the state directory (atomic write); the pipeline reads that copy and reloads
 * it when it changes, so a broken version never takes effect and an unreachable server leaves
 * the last good copy in force (both logged once, and once more when it is over). */
#include "svc/detect/inventory_source.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "svc/base/fs.h"
#include "svc/base/hash.h"
#include "svc/base/platform.h"
#include "svc/base/secret.h"
#include "svc/base/strbuf.h"
#include "svc/config.h"

#define BODY_MAX (64 * 1024 * 1024)
#define CONNECT_TIMEOUT_MS 5000
#define FETCH_TIMEOUT_MS 20000

struct inventory_source {
    inventory_source_opts o;
    char *url, *ca_file, *token_file, *cache_path, *tmp_path;
    char etag[256], last_modified[128];
    uint64_t cache_hash, refused_hash; /* FNV-1a of the cached / last refused body */
    int64_t next_ms;
    int unreachable;
};

typedef struct fetch {
    strbuf body; /* at most BODY_MAX bytes */
    char etag[256], last_modified[128];
} fetch;

int inventory_is_url(const char *s)
{
    const char *c = s ? strstr(s, "://") : NULL;
    return c && c > s && (size_t)(c - s) <= 10;
}

int inventory_url_check(const char *url, char *err, size_t errlen)
{
    static const char *const loop[] = {"http://127.0.0.1", "http://[::1]", "http://localhost"};
    const char *host_end;

    if (strncmp(url, "https://", 8) == 0)
        host_end = url + 8;
    else {
        size_t i;
        for (i = 0; i < 3; i++) {
            size_t n = strlen(loop[i]);
            if (strncmp(url, loop[i], n) == 0 && (url[n] == '/' || url[n] == ':' || url[n] == '\0'))
                break;
        }
        if (i == 3) {
            snprintf(err, errlen, "must be an https:// URL (http:// only to 127.0.0.1, [::1] or localhost)");
            return -1;
        }
        host_end = url + 7;
    }
    if (strcspn(host_end, "@/") < strlen(host_end) && host_end[strcspn(host_end, "@/")] == '@') {
        snprintf(err, errlen, "no credentials in the URL: put a bearer token in inventory_token_file");
        return -1;
    }
    return 0;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

inventory_source *inventory_source_new(const inventory_source_opts *o, char *err, size_t errlen)
{
    inventory_source *s = calloc(1, sizeof *s);

    if (!s || inventory_url_check(o->url, err, errlen)) {
        if (!s)
            snprintf(err, errlen, "out of memory");
        free(s);
        return NULL;
    }
    s->o = *o;
    s->url = strdup(o->url);
    s->ca_file = dup_or_null(o->ca_file);
    s->token_file = dup_or_null(o->token_file);
    s->cache_path = strdup(o->cache_path);
    s->tmp_path = malloc(strlen(o->cache_path) + 8);
    if (!s->url || !s->cache_path || !s->tmp_path || (o->ca_file && !s->ca_file) ||
        (o->token_file && !s->token_file)) {
        inventory_source_free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sprintf(s->tmp_path, "%s.new", o->cache_path);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return s;
}

void inventory_source_free(inventory_source *s)
{
    if (!s)
        return;
    free(s->url), free(s->ca_file), free(s->token_file), free(s->cache_path), free(s->tmp_path);
    free(s);
}

/* The bearer token: the first line of token_file ("dpapi:..." unprotected on Windows). */
static char *read_token(const inventory_source *s, char *err, size_t errlen)
{
    size_t len;
    char *t = adseed_read_file(s->token_file, &len, err, errlen), *plain = NULL;

    if (!t)
        return NULL;
    t[strcspn(t, "\r\n")] = '\0';
    if (strncmp(t, SECRET_DPAPI_PREFIX, strlen(SECRET_DPAPI_PREFIX)) != 0)
        return t;
    if (secret_unprotect(t, &plain, err, errlen) != 0)
        plain = NULL;
    memset(t, 0, strlen(t));
    free(t);
    return plain;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    fetch *f = ctx;
    size_t add = size * n;

    strbuf_append(&f->body, p, add);
    return f->body.failed ? 0 : add;
}

/* Keeps the ETag and Last-Modified validators of the reply. */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    fetch *f = ctx;
    size_t len = size * n, k;
    static const struct {
        const char *name;
        size_t off, cap;
    } keep[] = {{"etag:", offsetof(fetch, etag), sizeof((fetch *)0)->etag},
                {"last-modified:", offsetof(fetch, last_modified), sizeof((fetch *)0)->last_modified}};

    for (k = 0; k < 2; k++) {
        size_t nl = strlen(keep[k].name);
        if (len > nl && curl_strnequal(p, keep[k].name, nl)) {
            const char *v = p + nl;
            size_t vl = len - nl;
            while (vl && (*v == ' ' || *v == '\t'))
                v++, vl--;
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
                vl--;
            if (vl < keep[k].cap)
                snprintf((char *)f + keep[k].off, keep[k].cap, "%.*s", (int)vl, v);
        }
    }
    return len;
}

/* One GET. Returns the HTTP status (200, 304, ...) or -1 with the reason in err. */
static long http_get(inventory_source *s, fetch *f, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char hdr[512], *token = NULL;
    long status = -1;
    CURLcode rc;

    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (s->token_file) {
        char *auth;
        if (!(token = read_token(s, err, errlen)))
            goto out;
        auth = malloc(strlen(token) + 32);
        if (!auth) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        sprintf(auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    if (s->etag[0] && snprintf(hdr, sizeof hdr, "If-None-Match: %s", s->etag) > 0)
        h = curl_slist_append(h, hdr);
    if (s->last_modified[0] && snprintf(hdr, sizeof hdr, "If-Modified-Since: %s", s->last_modified) > 0)
        h = curl_slist_append(h, hdr);
    curl_easy_setopt(c, CURLOPT_URL, s->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)FETCH_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (s->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "decoysvc/" ADDECOY_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        snprintf(err, errlen, "%s",
                 f->body.failed == STRBUF_TOO_LONG ? "inventory larger than 64 MB" : curl_easy_strerror(rc));
    else
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
out:
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* A 200 body: validated as an inventory, then made the cached copy. 0 new or unchanged, -1 refused. */
static int accept_body(inventory_source *s, const fetch *f)
{
    uint64_t hash = hash_fnv1a(f->body.data, f->body.len);
    adseed_pack *pack = NULL; /* validated as the pipeline loads it */
    char err[1024];
    int rc;

    if (hash == s->cache_hash)
        return 0;
    if (hash == s->refused_hash)
        return -1; /* the same broken version again: said already */
    rc = adseed_write_file_atomic(s->tmp_path, f->body.data, f->body.len, 0600, err, sizeof err) ||
         adseed_pack_load(&pack, s->tmp_path, err, sizeof err);
    adseed_pack_free(pack);
    fs_remove(s->tmp_path);
    if (rc == 0 &&
        adseed_write_file_atomic(s->cache_path, f->body.data, f->body.len, 0600, err, sizeof err) == 0) {
        s->cache_hash = hash;
        svc_log(s->o.lg, SVC_LOG_INFO, "inventory %s: new version cached in %s", s->url, s->cache_path);
        return 0;
    }
    s->refused_hash = hash;
    svc_log(s->o.lg, SVC_LOG_ERR, "inventory %s changed but is invalid, keeping the previous one: %s", s->url,
            err);
    return -1;
}

/* One poll: fetch, accept or refuse, and keep the reachability state. 0 when the source answered. */
static int refresh(inventory_source *s, char *err, size_t errlen)
{
    fetch f;
    long status;

    memset(&f, 0, sizeof f);
    f.body.max = BODY_MAX;
    status = http_get(s, &f, err, errlen);
    if (status == 200 || status == 304) {
        if (s->unreachable)
            svc_log(s->o.lg, SVC_LOG_INFO, "inventory %s reachable again", s->url);
        s->unreachable = 0;
        if (status == 200 && accept_body(s, &f) == 0) {
            snprintf(s->etag, sizeof s->etag, "%s", f.etag);
            snprintf(s->last_modified, sizeof s->last_modified, "%s", f.last_modified);
        }
        strbuf_free(&f.body);
        return 0;
    }
    if (status > 0)
        snprintf(err, errlen, "HTTP status %ld", status);
    if (!s->unreachable)
        svc_log(s->o.lg, SVC_LOG_WARN, "inventory %s unreachable (%s): going on with the cached copy %s",
                s->url, err, s->cache_path);
    s->unreachable = 1;
    strbuf_free(&f.body);
    return -1;
}

int inventory_source_start(inventory_source *s, int64_t now_ms, char *err, size_t errlen)
{
    size_t len;
    char *cached = adseed_read_file(s->cache_path, &len, err, errlen);
    adseed_pack *pack = NULL;
    int valid;

    if (cached) {
        s->cache_hash = hash_fnv1a(cached, len);
        free(cached);
    }
    s->next_ms = now_ms + s->o.poll_ms;
    refresh(s, err, errlen);
    valid = adseed_pack_load(&pack, s->cache_path, err, errlen) == 0;
    adseed_pack_free(pack);
    if (valid)
        return 0;
    snprintf(err, errlen, "inventory %s: no valid copy fetched yet and none cached in %s", s->url, s->cache_path);
    return -1;
}

void inventory_source_poll(inventory_source *s, int64_t now_ms)
{
    char err[512];

    if (now_ms < s->next_ms)
        return;
    s->next_ms = now_ms + s->o.poll_ms;
    refresh(s, err, sizeof err);
}

int inventory_source_unreachable(const inventory_source *s) { return s && s->unreachable; }

int inventory_source_open_for(const svc_config *cfg, const svc_logger *lg, int64_t now_ms,
                              inventory_source **out, char **read_path, char *err, size_t errlen)
{
    inventory_source_opts o;
    char cache[4096];

    *out = NULL;
    if (!inventory_is_url(cfg->inventory)) {
        *read_path = strdup(cfg->inventory);
        return *read_path ? 0 : -1;
    }
    if (svc_mkdir_p(cfg->state_dir, err, errlen))
        return -1;
    snprintf(cache, sizeof cache, "%s/inventory-cache.json", cfg->state_dir);
    o = (inventory_source_opts){
        cfg->inventory, cfg->inventory_ca_file, cfg->inventory_token_file, cfg->inventory_poll_ms, cache, lg};
    if (!(*out = inventory_source_new(&o, err, errlen)))
        return -1;
    if (inventory_source_start(*out, now_ms, err, errlen) || !(*read_path = strdup(cache))) {
        inventory_source_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}
