/* sink_eventlog_win.c - the "eventlog" sink (Windows only): each alert is written to the Application
 * event log under the source "ADDecoy", with an event ID per action (installer/decoysvc.mc) so a
 * SIEM that already collects Windows logs can alert on it:
 *   2000 other, 2001 kerberoast, 2002 asrep_roast, 2003 password_guess, 2004 logon, 2005 recon,
 *   2006 tampering, 2007 breadcrumb_used.  The message is the alert's JSON document (%1).
 * Config: {"type": "eventlog"} with optional "source" (default "ADDecoy"). */
#include <windows.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/sink/sink_int.h"
#include "svc/base/utf16.h"

#define EVENTLOG_MSG_MAX 31839 /* ReportEvent's limit for one insertion string (characters) */

typedef struct eventlog_sink {
    HANDLE source;
} eventlog_sink;

typedef struct eventlog_conf {
    char *source;
    long long batch; /* alerts per sink_send (each is one ReportEvent) */
} eventlog_conf;

static const opt_def EVENTLOG_OPTS[] = {
    OPT_S(eventlog_conf, source, "source", OPT_NONEMPTY, "ADDecoy", "the Application log source"),
    OPT_I(eventlog_conf, batch, "batch", 50, 1, 10000, "alerts per delivery step (one ReportEvent each)"),
    OPT_END,
};
const opt_map SINK_EVENTLOG_MAP = {"eventlog", ": ", NULL, EVENTLOG_OPTS};

static DWORD event_id_for(const char *doc, size_t len)
{
    static const struct {
        const char *action;
        DWORD id;
    } ids[] = {{"kerberoast", 2001},
               {"asrep_roast", 2002},
               {"password_guess", 2003},
               {"decoy_logon", 2004},
               {"recon", 2005},
               {"tampering", 2006},
               /* changes made to a decoy are "a decoy was modified" too; the rest is 2000 */
               {"decoy_disabled", 2006},
               {"decoy_deleted", 2006},
               {"decoy_password_reset", 2006},
               {"decoy_password_changed", 2006},
               {"decoy_renamed", 2006},
               {"decoy_group_added", 2006},
               {"decoy_sacl_changed", 2006},
               {"breadcrumb_used", 2007}};
    json_t *j = json_loadb(doc, len, 0, NULL);
    const char *action = NULL;
    DWORD id = 2000;
    if (j) {
        action = json_string_value(json_object_get(j, "action"));
        if (!action)
            action = json_string_value(json_object_get(json_object_get(j, "event"), "action"));
    }
    for (size_t i = 0; action && i < sizeof ids / sizeof *ids; i++)
        if (strcmp(action, ids[i].action) == 0)
            id = ids[i].id;
    json_decref(j);
    return id;
}

/* UTF-8 -> UTF-16, cut to the event log's limit (invalid bytes become U+FFFD). */
static wchar_t *to_wide(const char *s, size_t len)
{
    wchar_t *w = utf16_from_utf8(s, len, 0);
    if (w && wcslen(w) > EVENTLOG_MSG_MAX)
        w[EVENTLOG_MSG_MAX] = L'\0';
    return w;
}

static sink_status eventlog_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    eventlog_sink *e = s->impl;
    for (size_t i = 0; i < n; i++) {
        wchar_t *w = to_wide(docs[i], lens[i]);
        const wchar_t *strings[1] = {w ? w : L"(alert not valid UTF-8)"};
        BOOL ok = ReportEventW(e->source, EVENTLOG_WARNING_TYPE, 0, event_id_for(docs[i], lens[i]), NULL, 1,
                               0, strings, NULL);
        DWORD err = GetLastError();
        free(w);
        if (!ok) {
            snprintf(res->message, sizeof res->message, "ReportEvent failed (error %lu)", (unsigned long)err);
            return SINK_RETRY;
        }
    }
    return SINK_OK;
}

static void eventlog_free(void *impl)
{
    eventlog_sink *e = impl;
    if (!e)
        return;
    if (e->source)
        DeregisterEventSource(e->source);
    free(e);
}

static const sink_ops eventlog_ops = {"eventlog", eventlog_send, eventlog_free};

int sink_eventlog_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    eventlog_sink *e = NULL;
    eventlog_conf c = {0};
    char *source;
    wchar_t *wsource = NULL;
    int rc = -1;

    if (opt_parse(&SINK_EVENTLOG_MAP, conf, -1, &c, where, err, errlen))
        goto out;
    source = c.source;
    if (!(e = calloc(1, sizeof *e)) || !(wsource = to_wide(source, strlen(source)))) {
        snprintf(err, errlen, "%s: out of memory", where);
        goto out;
    }
    e->source = RegisterEventSourceW(NULL, wsource);
    if (!e->source) {
        snprintf(err, errlen, "%s: source: cannot register event source '%s' (error %lu)", where, source,
                 (unsigned long)GetLastError());
        goto out;
    }
    s->impl = e;
    s->ops = &eventlog_ops;
    s->max_batch = (size_t)c.batch;
    e = NULL;
    rc = 0;
out:
    eventlog_free(e);
    opt_free(&SINK_EVENTLOG_MAP, &c);
    free(wsource);
    return rc;
}
