/* audit_watch.c - the audit gap check (see audit_watch.h): compares each reading of the audit
 * policy with what the detections need and with what was already reported. */
#include "svc/detect/audit_watch.h"

#include <stdio.h>
#include <string.h>

#include "svc/detect/audit_subcategories.h"

void audit_watch_init(audit_watch *w, audit_query_fn query, void *query_ctx, const char *host)
{
    memset(w, 0, sizeof *w);
    w->query = query;
    w->query_ctx = query_ctx;
    w->interval_ms = AUDIT_WATCH_INTERVAL_MS;
    w->last_rc = 0;
    detect_copy(w->host, sizeof w->host, host ? host : "");
}

static const char *results(unsigned bits)
{
    return bits == (AUDIT_SUCCESS | AUDIT_FAILURE) ? "success and failure"
           : bits == AUDIT_SUCCESS                 ? "success"
           : bits == AUDIT_FAILURE                 ? "failure"
                                                   : "nothing";
}

void audit_watch_detection(const audit_watch *w, size_t i, unsigned missing, int64_t now_ms, detection *d)
{
    size_t n;
    const audit_subcategory *s = &audit_subcategories(&n)[i];

    memset(d, 0, sizeof *d);
    d->action = missing ? DETECT_AUDIT_GAP : DETECT_AUDIT_RESTORED;
    d->pre_auth_type = d->logon_type = -1;
    d->time_ms = now_ms;
    evtx_format_time(now_ms, d->time, sizeof d->time);
    detect_copy(d->channel, sizeof d->channel, "audit-policy");
    detect_copy(d->host, sizeof d->host, w->host);
    detect_copy(d->object, sizeof d->object, s->name);
    detect_copy(d->object_id, sizeof d->object_id, s->guid);
    if (missing) {
        snprintf(d->properties, sizeof d->properties, "%s auditing off; blinds %s", results(missing), s->blinds);
        audit_subcategory_fix(s, d->remedy, sizeof d->remedy);
    } else {
        snprintf(d->properties, sizeof d->properties, "audited again: %s", s->blinds);
    }
    detect_set_threat(d);
}

int64_t audit_watch_tick(audit_watch *w, int64_t now_ms, const svc_logger *lg, audit_raise_fn raise,
                         void *raise_ctx)
{
    const char *guids[AUDIT_WATCH_MAX];
    unsigned bits[AUDIT_WATCH_MAX];
    size_t n;
    const audit_subcategory *s = audit_subcategories(&n);
    char err[512] = "", fix[256];
    int rc, gaps = 0, failed = 0;

    if (w->next_ms && now_ms < w->next_ms)
        return w->next_ms - now_ms;
    w->next_ms = now_ms + w->interval_ms;
    if (n > AUDIT_WATCH_MAX)
        n = AUDIT_WATCH_MAX;
    for (size_t i = 0; i < n; i++)
        guids[i] = s[i].guid;
    rc = w->query(w->query_ctx, guids, n, bits, err, sizeof err);
    w->queried++;
    if (rc != 0) {
        if (rc != w->last_rc || w->queried == 1) /* say it once, not every hour */
            svc_log(lg, rc == 1 ? SVC_LOG_INFO : SVC_LOG_WARN, "audit policy check: %s", err);
        w->last_rc = rc;
        if (rc == 1) /* not applicable: never again */
            w->next_ms = INT64_MAX;
        return w->next_ms - now_ms;
    }
    w->last_rc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned missing = s[i].needed & ~bits[i];
        detection d;
        if (missing)
            gaps++;
        if (w->readings == 0 && missing) {
            audit_subcategory_fix(&s[i], fix, sizeof fix);
            svc_log(lg, SVC_LOG_WARN, "audit gap: %s (%s) lacks %s auditing: blinds %s; fix: %s", s[i].name,
                    s[i].guid, results(missing), s[i].blinds, fix);
        }
        if (missing == w->missing[i])
            continue;
        if (!missing)
            svc_log(lg, SVC_LOG_INFO, "audit gap fixed: %s is audited again", s[i].name);
        audit_watch_detection(w, i, missing, now_ms, &d);
        if (raise(raise_ctx, &d) != 0) {
            failed = 1; /* keep the old state: raised again at the retry */
            continue;
        }
        w->missing[i] = missing;
    }
    if (w->readings++ == 0 && gaps == 0)
        svc_log(lg, SVC_LOG_INFO, "audit policy check: the %zu subcategories the detections need are audited", n);
    if (failed)
        w->next_ms = now_ms + AUDIT_WATCH_RETRY_MS;
    return w->next_ms - now_ms;
}
