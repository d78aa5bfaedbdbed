/*
 * eventlog.h - a Windows event log channel (Security on a DC, ForwardedEvents on a WEF collector)
 * as a source of normalised events (eventlog_win.c; Windows only).
 *
 * Pull-mode EvtSubscribe with a signal event, EvtNext in batches, EvtRender to XML, parsed by
 * evtx_parse_event_xml like every other source; or, when the caller names the EventData fields it
 * reads, EvtRender of just those values and the System ones (EvtRenderContextValues), written as
 * the XML rendering shows them (falling back to XML for a record that cannot be rendered so). Each channel has a bookmark: it advances past a
 * record only once the caller's callback has accepted it, and it is rendered to XML so the caller
 * can persist it (atomically, after the alerts are safely spooled) and resume after it.
 */
#ifndef ADDECOY_EVTX_EVENTLOG_H
#define ADDECOY_EVTX_EVENTLOG_H

#include <stddef.h>

#include "evtx/evtx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EVTX_EVENTLOG_BATCH 64     /* EvtNext batch size (halved on RPC_S_INVALID_BOUND) */
#define EVTX_EVENTLOG_XPATH_IDS 20 /* more event IDs than this: subscribe to all, filter in process */

typedef enum evtx_eventlog_start {
    EVTX_EVENTLOG_OLDEST = 0, /* without a bookmark: every record still in the log */
    EVTX_EVENTLOG_FUTURE      /* without a bookmark: only records written from now on */
} evtx_eventlog_start;

/* Receives each record; return 0 to accept it (the bookmark advances past it), non-zero to stop:
 * the record and the rest of the batch are kept and delivered again by the next read. */
typedef int (*evtx_eventlog_fn)(void *ctx, const evtx_event *ev);
/* Receives notices worth logging: resubscription from the oldest record, skipped records. */
typedef void (*evtx_eventlog_notice_fn)(void *ctx, const char *msg);

typedef struct evtx_eventlog_opts {
    const char *channel;       /* "Security", "ForwardedEvents", ... (UTF-8) */
    const unsigned *event_ids; /* event IDs to subscribe to (XPath filter); NULL/0 = all */
    size_t nids;
    const char *bookmark_xml; /* resume after this bookmark; NULL or "" = per 'start' */
    evtx_eventlog_start start;
    evtx_eventlog_notice_fn notice; /* may be NULL */
    void *notice_ctx;
    const char *const *fields; /* EventData fields to render as values; NULL/0 = whole event as XML */
    size_t nfields;            /* (the event then holds only these fields, plus the System values) */
} evtx_eventlog_opts;

typedef struct evtx_eventlog evtx_eventlog;

/* Subscribes. A stale or invalid bookmark resubscribes from the oldest record and says so through
 * the notice callback. Returns NULL with err set when the channel cannot be subscribed. */
evtx_eventlog *evtx_eventlog_open(const evtx_eventlog_opts *o, char *err, size_t errlen);
void evtx_eventlog_close(evtx_eventlog *el);

/* Waits up to timeout_ms for the signal, then delivers at most 'max' records to fn. Returns the
 * number accepted (0: nothing new, or fn refused the first), or -1 with err set when the
 * subscription is lost (event log service restarted...): call evtx_eventlog_reopen, with backoff. */
long evtx_eventlog_read(evtx_eventlog *el, unsigned timeout_ms, size_t max, evtx_eventlog_fn fn, void *ctx,
                        char *err, size_t errlen);

/* The bookmark after the last accepted record as XML (malloc'd UTF-8), or NULL when no record was
 * accepted yet and none was given at open (err says which, if it is a failure). */
char *evtx_eventlog_bookmark(const evtx_eventlog *el, char *err, size_t errlen);

/* Drops the subscription (and any kept records) and subscribes again after bookmark_xml. NULL:
 * after the last accepted record (re-establishing a lost subscription); "": forget the position
 * and start per 'start' (rewinding to a checkpoint that has no bookmark for this channel). */
int evtx_eventlog_reopen(evtx_eventlog *el, const char *bookmark_xml, char *err, size_t errlen);

/* The XPath query for a list of event IDs ("*" when the list is empty or too long). Writes at most
 * len bytes; returns 0, or -1 when buf is too small. Portable, for tests. */
int evtx_eventlog_xpath(const unsigned *ids, size_t nids, char *buf, size_t len);

/* Counters. */
typedef struct evtx_eventlog_stats {
    unsigned long long delivered, skipped, resubscribed;
    unsigned long long values;       /* records rendered as values */
    unsigned long long xml_fallback; /* values requested, rendered as XML: failed, or no field (UserData) */
} evtx_eventlog_stats;
const evtx_eventlog_stats *evtx_eventlog_get_stats(const evtx_eventlog *el);

#ifdef __cplusplus
}
#endif
#endif
