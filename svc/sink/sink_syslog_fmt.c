/* sink_syslog_fmt.c - the syslog sink's record: RFC 5424 header, structured data
 * [addecoy@32473 k="v"] with " \ ] escaped, and a message that is either the alert's summary or a
 * CEF:0 line with header and extension escaping. Control characters never reach the record. */
#include "svc/sink/sink_int.h"
#include "svc/base/platform.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define SD_VALUE_MAX 1024
#define MSG_MAX 4096

static const struct {
    const char *param, *path;
} SD[] = {
    {"id", "id"},
    {"action", "action"},
    {"severity", "severity"},
    {"decoy", "decoy.name"},
    {"src", "source.ip"},
    {"spt", "source.port"},
    {"user", "user.name"},
    {"domain", "user.domain"},
    {"dc", "host.name"},
    {"eventid", "event.code"},
    {"record", "event.record_id"},
    {"technique", "threat.technique.id"},
    {"breadcrumb", "decoy.breadcrumb.id"},
    {"lure", "decoy.breadcrumb.kind"},
};

/* Header fields: printable US-ASCII only (RFC 5424 PRINTUSASCII), at most max, "-" when empty. */
static void header_field(strbuf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (; *s && n < max; s++)
        if (*s > 32 && *s < 127) {
            strbuf_append(b, s, 1);
            n++;
        }
    if (!n)
        strbuf_puts(b, "-");
}

static void timestamp(strbuf *b, const json_t *alert)
{
    int64_t ms;
    time_t t;
    struct tm tm;
    char buf[40];

    if (sink_parse_time(json_string_value(json_object_get(alert, "@timestamp")), &ms) < 0)
        ms = (int64_t)time(NULL) * 1000;
    t = (time_t)(ms / 1000);
    svc_gmtime(t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    strbuf_printf(b, "%s.%03dZ", buf, (int)(ms % 1000));
}

static int cef_severity(const char *sev)
{
    return !strcmp(sev, "critical") ? 10
           : !strcmp(sev, "high")   ? 8
           : !strcmp(sev, "medium") ? 5
           : !strcmp(sev, "low")    ? 3
           : !strcmp(sev, "info")   ? 1
                                    : 7;
}

static void cef_ext(strbuf *b, const char *key, const json_t *alert, const char *path)
{
    char v[SD_VALUE_MAX + 1];
    webhook_alert_text(alert, path, v, sizeof v);
    if (!*v)
        return;
    strbuf_printf(b, " %s=", key);
    escape_cef_ext(b, v, strlen(v));
}

static void cef_message(strbuf *b, const json_t *alert)
{
    char action[64], summary[MSG_MAX], sev[32];

    webhook_alert_text(alert, "action", action, sizeof action);
    webhook_alert_text(alert, "summary", summary, sizeof summary);
    webhook_alert_text(alert, "severity", sev, sizeof sev);
    strbuf_puts(b, "CEF:0|ADDecoy|decoysvc|" ADDECOY_VERSION "|");
    escape_cef_header(b, *action ? action : "alert", strlen(*action ? action : "alert"));
    strbuf_puts(b, "|");
    escape_cef_header(b, summary, strlen(summary));
    strbuf_printf(b, "|%d|", cef_severity(sev));
    strbuf_puts(b, "cat=addecoy");
    cef_ext(b, "externalId", alert, "id");
    cef_ext(b, "rt", alert, "@timestamp");
    cef_ext(b, "src", alert, "source.ip");
    cef_ext(b, "spt", alert, "source.port");
    cef_ext(b, "suser", alert, "user.name");
    cef_ext(b, "sntdom", alert, "user.domain");
    cef_ext(b, "duser", alert, "decoy.name");
    cef_ext(b, "dvchost", alert, "host.name");
    cef_ext(b, "cs1", alert, "threat.technique.id");
    if (json_object_get(json_object_get(alert, "threat"), "technique"))
        strbuf_puts(b, " cs1Label=technique");
    cef_ext(b, "msg", alert, "summary");
}

int syslog_format(const syslog_fmt *f, const char *doc, size_t len, strbuf *out)
{
    json_t *alert = json_loadb(doc, len, 0, NULL);
    char v[SD_VALUE_MAX + 1], msgid[40];
    size_t start = out->len;

    if (!json_is_object(alert)) {
        json_decref(alert);
        return -1;
    }
    /* a heartbeat is not an alert: same facility, severity informational (6) */
    strbuf_printf(out, "<%d>1 ", sink_doc_is_state(alert) ? (f->pri & ~7) | 6 : f->pri);
    timestamp(out, alert);
    strbuf_puts(out, " ");
    header_field(out, f->hostname ? f->hostname : "", 255);
    strbuf_puts(out, " ");
    header_field(out, f->app ? f->app : "decoysvc", 48);
    strbuf_printf(out, " %ld ", f->procid);
    webhook_alert_text(alert, "action", msgid, sizeof msgid);
    header_field(out, msgid, 32);
    strbuf_puts(out, " [addecoy@32473");
    for (size_t i = 0; i < sizeof SD / sizeof SD[0]; i++) {
        webhook_alert_text(alert, SD[i].path, v, sizeof v);
        if (!*v)
            continue;
        strbuf_printf(out, " %s=\"", SD[i].param);
        escape_sd_param(out, v, strlen(v));
        strbuf_puts(out, "\"");
    }
    strbuf_puts(out, "] ");
    if (f->cef)
        cef_message(out, alert);
    else {
        char summary[MSG_MAX];
        webhook_alert_text(alert, "summary", summary, sizeof summary);
        escape_utf8(out, summary, strlen(summary));
    }
    json_decref(alert);
    if (out->failed)
        return -1;
    for (size_t i = start; i < out->len; i++) /* no raw control character, whatever the escaper */
        if ((unsigned char)out->data[i] < 0x20 || out->data[i] == 0x7f)
            out->data[i] = ' ';
    return 0;
}
