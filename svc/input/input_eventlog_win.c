/* input_eventlog_win.c - decoysvc input for Windows event log channels (Security on a DC,
 * ForwardedEvents on a WEF collector): one subscription per channel, a bookmark per channel as
 * the checkpoint, a lost subscription re-established with backoff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/eventlog.h"
#include "svc/input/input.h"
#include "svc/base/platform.h"

#define EL_MAX_PER_POLL 512

typedef struct el_channel {
    const char *name;
    evtx_eventlog *sub;
    int64_t retry_at_ms; /* when a lost subscription is tried again */
    int64_t backoff_ms;
} el_channel;

typedef struct el_input {
    el_channel ch[SVC_MAX_CHANNELS];
    size_t n;
    int failed;
} el_input;

static int el_on_event(void *ctx, const evtx_event *ev)
{
    svc_input *in = ctx;
    el_input *e = in->impl;
    if (pipeline_event(in->pipe, ev, svc_now_ms())) {
        e->failed = 1;
        return 1; /* refused: the record stays unread and comes back after the rewind */
    }
    return 0;
}

static void el_notice(void *ctx, const char *msg)
{
    svc_input *in = ctx;
    svc_log(in->lg, SVC_LOG_WARN, "eventlog: %s", msg);
}

static evtx_eventlog *el_subscribe(svc_input *in, const char *channel, const char *bookmark, char *err,
                                   size_t errlen)
{
    evtx_eventlog_opts o;
    unsigned ids[64];
    memset(&o, 0, sizeof o);
    o.channel = channel;
    o.nids = pipeline_event_ids(channel, ids, sizeof ids / sizeof ids[0]);
    o.event_ids = ids;
    o.bookmark_xml = bookmark;
    o.start = in->conf->start == SVC_START_END ? EVTX_EVENTLOG_FUTURE : EVTX_EVENTLOG_OLDEST;
    o.notice = el_notice;
    o.notice_ctx = in;
    if (in->conf->render_values) { /* only the fields the detector reads, as values */
        o.fields = evtx_security_fields;
        o.nfields = evtx_security_nfields;
    }
    return evtx_eventlog_open(&o, err, errlen);
}

static long el_poll(svc_input *in)
{
    el_input *e = in->impl;
    char err[512];
    long total = 0;
    int lost = 0;

    for (size_t i = 0; i < e->n && !e->failed; i++) {
        el_channel *c = &e->ch[i];
        long n;
        if (svc_now_ms() < c->retry_at_ms) {
            lost = 1;
            continue;
        }
        n = evtx_eventlog_read(c->sub, 0, EL_MAX_PER_POLL, el_on_event, in, err, sizeof err);
        if (n >= 0) {
            c->backoff_ms = 0;
            total += n;
            continue;
        }
        c->backoff_ms = c->backoff_ms ? (c->backoff_ms * 2 > 60000 ? 60000 : c->backoff_ms * 2) : 1000;
        c->retry_at_ms = svc_now_ms() + c->backoff_ms;
        lost = 1;
        snprintf(in->lost, sizeof in->lost, "channel %.60s: subscription lost: %.400s", c->name, err);
        svc_log(in->lg, SVC_LOG_ERR, "eventlog %s: subscription lost (%s): resubscribing in %lld s", c->name,
                err, (long long)(c->backoff_ms / 1000));
        if (evtx_eventlog_reopen(c->sub, NULL, err, sizeof err))
            svc_log(in->lg, SVC_LOG_ERR, "eventlog %s: %s", c->name, err);
    }
    if (!lost)
        in->lost[0] = '\0';
    return total;
}

static json_t *el_checkpoint(svc_input *in)
{
    el_input *e = in->impl;
    json_t *cp = json_object();
    char err[256];

    for (size_t i = 0; i < e->n; i++) {
        char *bm = evtx_eventlog_bookmark(e->ch[i].sub, err, sizeof err);
        if (bm)
            json_object_set_new(cp, e->ch[i].name, json_string(bm));
        free(bm);
    }
    return cp;
}

static void el_rewind(svc_input *in, const json_t *cp)
{
    el_input *e = in->impl;
    char err[512];

    e->failed = 0;
    for (size_t i = 0; i < e->n; i++) {
        const char *bm = cp ? json_string_value(json_object_get(cp, e->ch[i].name)) : NULL;
        /* "": no saved position for this channel, start per the config (NULL would resume after
         * the last accepted record, which the spool refused) */
        if (evtx_eventlog_reopen(e->ch[i].sub, bm ? bm : "", err, sizeof err))
            svc_log(in->lg, SVC_LOG_ERR, "eventlog %s: %s", e->ch[i].name, err);
    }
}

static int el_finished(svc_input *in)
{
    (void)in;
    return 0;
}

static void el_free(svc_input *in)
{
    el_input *e = in->impl;
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        if (e->ch[i].sub)
            evtx_eventlog_close(e->ch[i].sub);
    free(e);
}

static const svc_input_ops el_ops = {el_poll, el_checkpoint, el_rewind, el_finished, el_free};

int input_eventlog_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen)
{
    el_input *e = calloc(1, sizeof *e);

    if (!e) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    in->impl = e;
    in->ops = &el_ops;
    for (size_t i = 0; i < in->conf->nchannels; i++) {
        const char *name = in->conf->channels[i];
        const char *bm = checkpoint ? json_string_value(json_object_get(checkpoint, name)) : NULL;
        e->ch[i].name = name;
        e->ch[i].sub = el_subscribe(in, name, bm, err, errlen);
        if (!e->ch[i].sub) {
            el_free(in);
            in->impl = NULL;
            return -1;
        }
        e->n++;
    }
    return 0;
}
