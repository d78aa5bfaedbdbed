/* inventory_source.h - the decoy inventory fetched from an https:// URL (one inventory for a fleet
 * of collectors): polled with If-None-Match / If-Modified-Since, TLS verified, optional bearer
 * token, the last good copy cached in the state directory where the pipeline reads it. */
#ifndef ADDECOY_SVC_INVENTORY_SOURCE_H
#define ADDECOY_SVC_INVENTORY_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "svc/base/log.h"

typedef struct inventory_source inventory_source;

typedef struct inventory_source_opts {
    const char *url;        /* https://..., or http:// to 127.0.0.1, ::1 or localhost */
    const char *ca_file;    /* NULL: the system's CAs */
    const char *token_file; /* NULL: no Authorization header; first line, "dpapi:" allowed */
    int64_t poll_ms;
    const char *cache_path; /* the last good copy, written atomically */
    const svc_logger *lg;
} inventory_source_opts;

/* 1 when s names a URL rather than a file ("scheme://"). */
int inventory_is_url(const char *s);
/* 0 when the URL is acceptable (https, or http to the loopback), -1 with the reason. */
int inventory_url_check(const char *url, char *err, size_t errlen);

inventory_source *inventory_source_new(const inventory_source_opts *o, char *err, size_t errlen);
void inventory_source_free(inventory_source *s);
/* The first fetch at start: 0 when the cache holds a valid inventory afterwards (the fresh one,
 * or the previous copy while the source is unreachable: logged), -1 when there is none. */
int inventory_source_start(inventory_source *s, int64_t now_ms, char *err, size_t errlen);
/* From the daemon loop: fetches when due. A valid new version replaces the cache (the pipeline
 * reloads it as a changed file); an invalid one is refused and logged once. */
void inventory_source_poll(inventory_source *s, int64_t now_ms);

/* 1 while the last fetch failed (the cached copy is in use): for a status or heartbeat report. */
int inventory_source_unreachable(const inventory_source *s);

/* For run and check: when cfg->inventory is a URL, opens its source with the cache in state_dir
 * and does the first fetch (*out set); else *out = NULL. *read_path (malloc'd) is the file the
 * pipeline reads: the cache or the configured file. 0, or -1 with the reason. */
struct svc_config;
int inventory_source_open_for(const struct svc_config *cfg, const svc_logger *lg, int64_t now_ms,
                              inventory_source **out, char **read_path, char *err, size_t errlen);

#endif
