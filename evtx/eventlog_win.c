/* eventlog_win.c - one Windows event log channel as a source of normalised events: pull-mode
 * EvtSubscribe with a signal event, EvtNext in batches, each record rendered either as the values
 * the caller reads (eventlog_values_win.c, when given field names) or as XML (UTF-16 -> UTF-8)
 * parsed by evtx_parse_event_xml (the default, and the fallback for a record the values path
 * cannot render), and a bookmark that advances only past records the caller accepted.
 * A stale or invalid bookmark resubscribes from the oldest record and says so. */
#include <windows.h>

#include <winevt.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/eventlog.h"
#include "evtx/eventlog_int.h"
#include "svc/base/utf16.h"

#ifndef RPC_S_INVALID_BOUND
#define RPC_S_INVALID_BOUND 1734
#endif

struct evtx_eventlog {
    wchar_t *channel;
    wchar_t *query;
    evtx_eventlog_start start;
    evtx_eventlog_notice_fn notice;
    void *notice_ctx;
    HANDLE signal;       /* set by the event log when records may be ready */
    EVT_HANDLE sub;      /* the subscription */
    EVT_HANDLE bookmark; /* after the last accepted record (NULL until there is one) */
    int have_position;   /* bookmark holds a position (given at open or advanced since) */
    EVT_HANDLE batch[EVTX_EVENTLOG_BATCH];
    DWORD batch_len, batch_pos; /* records fetched by EvtNext and not yet accepted */
    DWORD batch_max;
    evtx_values *values; /* render contexts of the values path; NULL: XML rendering */
    int said_fallback;   /* the first XML fallback of the values path was logged */
    wchar_t *render;     /* EvtRender buffer */
    DWORD render_cap;    /* bytes */
    evtx_event ev;
    evtx_eventlog_stats stats;
};

static const char *win_error(DWORD code, char *buf, size_t len)
{
    char msg[200];
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, msg,
                             sizeof msg, NULL);
    while (n > 0 && (msg[n - 1] == '\r' || msg[n - 1] == '\n' || msg[n - 1] == ' ' || msg[n - 1] == '.'))
        msg[--n] = 0;
    snprintf(buf, len, "%s (error %lu)", n ? msg : "Windows error", (unsigned long)code);
    return buf;
}

static void notice(evtx_eventlog *el, const char *fmt, const char *a, const char *b)
{
    char msg[512];
    if (!el->notice)
        return;
    snprintf(msg, sizeof msg, fmt, a, b);
    el->notice(el->notice_ctx, msg);
}

static char *channel_utf8(const evtx_eventlog *el)
{
    return evtx_utf16_to_utf8((const uint16_t *)el->channel, wcslen(el->channel));
}

/* EvtRender into el->render (grown as needed); returns the UTF-8 text (malloc'd) or NULL. */
static char *render(evtx_eventlog *el, EVT_HANDLE h, DWORD flags, DWORD *error)
{
    DWORD used = 0, props = 0;
    *error = 0;
    while (!EvtRender(NULL, h, flags, el->render_cap, el->render, &used, &props)) {
        DWORD e = GetLastError();
        wchar_t *bigger;
        if (e != ERROR_INSUFFICIENT_BUFFER || used <= el->render_cap || used > 64u * 1024 * 1024) {
            *error = e ? e : ERROR_INVALID_DATA;
            return NULL;
        }
        bigger = realloc(el->render, used);
        if (!bigger) {
            *error = ERROR_OUTOFMEMORY;
            return NULL;
        }
        el->render = bigger;
        el->render_cap = used;
    }
    /* 'used' counts bytes including the terminating NUL */
    return evtx_utf16_to_utf8((const uint16_t *)el->render, used >= 2 ? used / 2 - 1 : 0);
}

static void drop_batch(evtx_eventlog *el)
{
    for (DWORD i = el->batch_pos; i < el->batch_len; i++)
        EvtClose(el->batch[i]);
    el->batch_len = el->batch_pos = 0;
}

static void unsubscribe(evtx_eventlog *el)
{
    drop_batch(el);
    if (el->sub)
        EvtClose(el->sub);
    el->sub = NULL;
}

static int is_stale(DWORD e)
{
    return e == ERROR_NOT_FOUND || e == ERROR_EVT_QUERY_RESULT_STALE ||
           e == ERROR_EVT_QUERY_RESULT_INVALID_POSITION || e == ERROR_INVALID_PARAMETER;
}

/* Subscribes after el->bookmark when it holds a position, else per el->start. */
static int subscribe(evtx_eventlog *el, char *err, size_t errlen)
{
    DWORD flags, e;
    char ebuf[256], *ch;

    unsubscribe(el);
    ResetEvent(el->signal);
    if (el->have_position) {
        flags = EvtSubscribeStartAfterBookmark | EvtSubscribeStrict;
        el->sub = EvtSubscribe(NULL, el->signal, el->channel, el->query, el->bookmark, NULL, NULL, flags);
        if (el->sub)
            goto ok;
        e = GetLastError();
        if (!is_stale(e))
            goto fail_e;
        ch = channel_utf8(el);
        notice(el,
               "channel %s: the saved bookmark is no longer in the log (%s); resubscribing from the "
               "oldest record (records may be seen again)",
               ch ? ch : "?", win_error(e, ebuf, sizeof ebuf));
        free(ch);
        el->stats.resubscribed++;
        flags = EvtSubscribeStartAtOldestRecord;
    } else {
        flags = el->start == EVTX_EVENTLOG_FUTURE ? EvtSubscribeToFutureEvents : EvtSubscribeStartAtOldestRecord;
    }
    el->sub = EvtSubscribe(NULL, el->signal, el->channel, el->query, NULL, NULL, NULL, flags);
    if (el->sub)
        goto ok;
    e = GetLastError();
fail_e:
    ch = channel_utf8(el);
    snprintf(err, errlen, "cannot subscribe to channel %s: %s%s", ch ? ch : "?",
             win_error(e ? e : ERROR_NOT_SUPPORTED, ebuf, sizeof ebuf),
             e == ERROR_ACCESS_DENIED           ? " (the service account needs Event Log Readers membership)"
             : e == ERROR_EVT_CHANNEL_NOT_FOUND ? " (no such channel)"
                                                : "");
    free(ch);
    return -1;
ok:
    SetEvent(el->signal); /* look once right away: records may already be waiting */
    return 0;
}

/* (Re)creates the bookmark from XML; an invalid one is reported and dropped. */
static int load_bookmark(evtx_eventlog *el, const char *xml, char *err, size_t errlen)
{
    wchar_t *w;
    EVT_HANDLE bm;
    char ebuf[256], *ch;

    if (el->bookmark)
        EvtClose(el->bookmark);
    el->bookmark = NULL;
    el->have_position = 0;
    if (xml && *xml) {
        if (!(w = utf16_from_utf8(xml, UTF16_NUL, 0))) {
            snprintf(err, errlen, "bookmark is not valid UTF-8");
            return -1;
        }
        bm = EvtCreateBookmark(w);
        free(w);
        if (bm) {
            el->bookmark = bm;
            el->have_position = 1;
            return 0;
        }
        ch = channel_utf8(el);
        notice(el, "channel %s: the saved bookmark is not valid (%s); resubscribing from the oldest record",
               ch ? ch : "?", win_error(GetLastError(), ebuf, sizeof ebuf));
        free(ch);
        el->stats.resubscribed++;
        el->start = EVTX_EVENTLOG_OLDEST;
    }
    el->bookmark = EvtCreateBookmark(NULL);
    if (!el->bookmark) {
        snprintf(err, errlen, "EvtCreateBookmark failed: %s", win_error(GetLastError(), ebuf, sizeof ebuf));
        return -1;
    }
    return 0;
}

/* Values rendering when the caller named its fields and the contexts can be made (the log says
 * so, or why not), else XML (the default, said nothing about). */
static void setup_rendering(evtx_eventlog *el, const evtx_eventlog_opts *o)
{
    char verr[256], what[64], *ch = channel_utf8(el);
    if (o->fields && o->nfields) {
        el->values = evtx_values_new(o->fields, o->nfields, verr, sizeof verr);
        if (el->values) {
            snprintf(what, sizeof what, "%zu", o->nfields);
            notice(el, "channel %s: records rendered as values (System and %s EventData fields)",
                   ch ? ch : "?", what);
        } else {
            notice(el, "channel %s: records rendered as XML: values rendering unavailable: %s", ch ? ch : "?",
                   verr);
        }
    }
    free(ch);
}

/* Renders record h into el->ev: as values when set up, else (or when that fails) as XML. Returns
 * 0, or -1 with why set (the record cannot be read at all). */
static int read_record(evtx_eventlog *el, EVT_HANDLE h, char *why, size_t len)
{
    char verr[256], ebuf[256], *xml, *ch;
    DWORD e;
    int rc;

    if (el->values) {
        rc = evtx_values_render(el->values, h, &el->ev, verr, sizeof verr);
        if (rc == 0) {
            el->stats.values++;
            return 0;
        }
        el->stats.xml_fallback++;
        if (rc < 0 && !el->said_fallback) {
            el->said_fallback = 1;
            ch = channel_utf8(el);
            notice(el,
                   "channel %s: a record was rendered as XML instead of values (%s); later ones are only "
                   "counted",
                   ch ? ch : "?", verr);
            free(ch);
        }
    }
    xml = render(el, h, EvtRenderEventXml, &e);
    if (!xml) {
        snprintf(why, len, "%s", win_error(e, ebuf, sizeof ebuf));
        return -1;
    }
    rc = evtx_parse_event_xml(xml, strlen(xml), &el->ev, why, len);
    free(xml);
    return rc == 0 ? 0 : -1;
}

evtx_eventlog *evtx_eventlog_open(const evtx_eventlog_opts *o, char *err, size_t errlen)
{
    evtx_eventlog *el = calloc(1, sizeof *el);
    char xpath[1024];

    if (!el) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    evtx_event_init(&el->ev);
    el->start = o->start;
    el->notice = o->notice;
    el->notice_ctx = o->notice_ctx;
    el->batch_max = EVTX_EVENTLOG_BATCH;
    if (evtx_eventlog_xpath(o->event_ids, o->nids, xpath, sizeof xpath) != 0) {
        snprintf(err, errlen, "event ID filter too long");
        goto fail;
    }
    el->channel = o->channel ? utf16_from_utf8(o->channel, UTF16_NUL, 0) : NULL;
    el->query = utf16_from_utf8(xpath, UTF16_NUL, 0);
    if (!el->channel || !el->query || !*el->channel) {
        snprintf(err, errlen, "invalid channel name");
        goto fail;
    }
    el->signal = CreateEventW(NULL, TRUE, TRUE, NULL);
    if (!el->signal) {
        snprintf(err, errlen, "CreateEvent failed");
        goto fail;
    }
    setup_rendering(el, o);
    if (load_bookmark(el, o->bookmark_xml, err, errlen) != 0 || subscribe(el, err, errlen) != 0)
        goto fail;
    return el;
fail:
    evtx_eventlog_close(el);
    return NULL;
}

void evtx_eventlog_close(evtx_eventlog *el)
{
    if (!el)
        return;
    unsubscribe(el);
    if (el->bookmark)
        EvtClose(el->bookmark);
    if (el->signal)
        CloseHandle(el->signal);
    free(el->channel);
    free(el->query);
    free(el->render);
    evtx_values_free(el->values);
    evtx_event_free(&el->ev);
    free(el);
}

/* Fetches the next batch; 1 = got records, 0 = none ready, -1 = subscription lost. */
static int fetch(evtx_eventlog *el, unsigned timeout_ms, char *err, size_t errlen)
{
    DWORD got = 0, e;
    char ebuf[256];

    if (WaitForSingleObject(el->signal, timeout_ms) != WAIT_OBJECT_0)
        return 0;
    for (;;) {
        if (EvtNext(el->sub, el->batch_max, el->batch, 0, 0, &got) && got > 0) {
            el->batch_len = got;
            el->batch_pos = 0;
            return 1;
        }
        e = GetLastError();
        if (e == ERROR_NO_MORE_ITEMS || (e == 0 && got == 0)) {
            ResetEvent(el->signal);
            return 0;
        }
        if (e == RPC_S_INVALID_BOUND && el->batch_max > 1) {
            el->batch_max /= 2;
            continue;
        }
        snprintf(err, errlen, "reading the event log failed: %s", win_error(e, ebuf, sizeof ebuf));
        return -1;
    }
}

long evtx_eventlog_read(evtx_eventlog *el, unsigned timeout_ms, size_t max, evtx_eventlog_fn fn, void *ctx,
                        char *err, size_t errlen)
{
    long accepted = 0;
    char perr[256], ebuf[256];

    if (!el->sub) {
        snprintf(err, errlen, "no subscription");
        return -1;
    }
    while ((size_t)accepted < max) {
        EVT_HANDLE h;
        int rc;

        if (el->batch_pos == el->batch_len) {
            rc = fetch(el, accepted ? 0 : timeout_ms, err, errlen);
            if (rc <= 0)
                return rc < 0 ? -1 : accepted;
        }
        h = el->batch[el->batch_pos];
        if (read_record(el, h, perr, sizeof perr) != 0) {
            char *ch = channel_utf8(el);
            notice(el, "channel %s: skipped a record that cannot be read: %s", ch ? ch : "?", perr);
            free(ch);
            el->stats.skipped++;
            rc = 0; /* a bad record must not block the channel: step over it */
        } else {
            rc = fn(ctx, &el->ev);
            if (rc == 0) {
                accepted++;
                el->stats.delivered++;
            }
        }
        if (rc != 0)
            return accepted; /* kept: delivered again by the next read */
        if (!EvtUpdateBookmark(el->bookmark, h)) {
            snprintf(err, errlen, "cannot advance the bookmark: %s",
                     win_error(GetLastError(), ebuf, sizeof ebuf));
            return -1;
        }
        el->have_position = 1;
        EvtClose(h);
        el->batch_pos++;
    }
    return accepted;
}

char *evtx_eventlog_bookmark(const evtx_eventlog *el, char *err, size_t errlen)
{
    DWORD e;
    char ebuf[256], *xml;
    if (!el->have_position || !el->bookmark)
        return NULL;
    xml = render((evtx_eventlog *)el, el->bookmark, EvtRenderBookmark, &e);
    if (!xml)
        snprintf(err, errlen, "cannot render the bookmark: %s", win_error(e, ebuf, sizeof ebuf));
    return xml;
}

int evtx_eventlog_reopen(evtx_eventlog *el, const char *bookmark_xml, char *err, size_t errlen)
{
    unsubscribe(el);
    el->batch_max = EVTX_EVENTLOG_BATCH;
    if (bookmark_xml && load_bookmark(el, bookmark_xml, err, errlen) != 0)
        return -1;
    return subscribe(el, err, errlen);
}

const evtx_eventlog_stats *evtx_eventlog_get_stats(const evtx_eventlog *el) { return &el->stats; }
