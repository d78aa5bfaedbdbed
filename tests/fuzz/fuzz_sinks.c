/* fuzz_sinks.c - every sink formatter over an alert made of attacker text (fuzz_event): Slack,
 * Teams and PagerDuty bodies and the HEC envelope are valid JSON (the envelope carries the alert
 * unchanged), a syslog record (plain and CEF) is one line whose structured data parses into
 * exactly the formatter's parameters and whose CEF header has its seven fields: no attacker byte
 * escapes its field. */
#include "fuzz.h"

#include <string.h>

#include <jansson.h>

#include "svc/detect/alert.h"
#include "svc/detect/detector.h"
#include "svc/sink/escape.h"
#include "svc/sink/sink_int.h"

static void check_json_body(char *body)
{
    FUZZ_CHECK(body != NULL);
    FUZZ_CHECK(fuzz_json_ok(body, strlen(body)));
    free(body);
}

/* RFC 5424: HEADER SP STRUCTURED-DATA [SP MSG]; the SD element is [addecoy@32473 k="v" ...] with
 * '"', '\' and ']' escaped in values (control characters as \xHH). Returns the message part. */
static const char *check_syslog(const char *s, size_t n)
{
    size_t i = 0, spaces = 0, params = 0;

    FUZZ_CHECK(memchr(s, '\n', n) == NULL && memchr(s, '\r', n) == NULL && strlen(s) == n);
    while (i < n && spaces < 6) /* PRI+VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID */
        spaces += s[i++] == ' ';
    FUZZ_CHECK(spaces == 6 && i < n && s[i] == '[');
    i++;
    while (i < n && s[i] != ' ' && s[i] != ']')
        i++;
    while (i < n && s[i] == ' ') {
        i++;
        while (i < n && s[i] != '=') {
            FUZZ_CHECK(s[i] != ' ' && s[i] != ']' && s[i] != '"');
            i++;
        }
        FUZZ_CHECK(i + 1 < n && s[i + 1] == '"');
        for (i += 2; i < n && s[i] != '"'; i++) {
            FUZZ_CHECK(s[i] != ']');
            if (s[i] == '\\') { /* \" \\ \] (RFC 5424), or \xHH for a control character */
                FUZZ_CHECK(i + 1 < n &&
                           (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == ']' || s[i + 1] == 'x'));
                i++;
            }
        }
        FUZZ_CHECK(i < n);
        i++;
        params++;
    }
    FUZZ_CHECK(i < n && s[i] == ']' && params > 0);
    return s + i + 1;
}

static void check_cef(const char *m)
{
    size_t pipes = 0;
    const char *ext;
    FUZZ_CHECK(strncmp(m, " CEF:0|", 7) == 0);
    for (m += 1; *m && pipes < 7; m++) {
        if (*m == '\\') {
            FUZZ_CHECK(m[1] == '|' || m[1] == '\\');
            m++;
        } else {
            pipes += *m == '|';
        }
    }
    FUZZ_CHECK(pipes == 7);
    ext = m;
    for (; *m; m++) { /* extension: key=value pairs, '=' and '\' escaped inside values */
        if (*m == '\\') {
            FUZZ_CHECK(m[1] == '=' || m[1] == '\\' || m[1] == 'n' || m[1] == 'r');
            m++;
        } else if (*m == '=') { /* an unescaped '=' ends a key: letters and digits after a space */
            const char *k = m;
            while (k > ext && k[-1] != ' ')
                k--;
            FUZZ_CHECK(k < m);
            for (; k < m; k++)
                FUZZ_CHECK((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9'));
        }
    }
}

FUZZ_TARGET(sinks)
{
    evtx_event ev;
    detector *det = detector_new(fuzz_index());
    detection d;
    alert a;
    char *doc = NULL;
    json_t *alert_j = NULL, *env_j = NULL;

    if (!det)
        abort();
    evtx_event_init(&ev);
    if (fuzz_event(data, size, "svc_backup_legacy", &ev) == 0 && detector_examine(det, &ev, &d)) {
        syslog_fmt sf = {33, 0, "dc1", "decoysvc", 42};
        strbuf out = {0};
        alert_from_detection(&a, &d);
        doc = alert_to_json(&a);
        FUZZ_CHECK(doc != NULL);
        alert_j = json_loads(doc, 0, NULL);
        FUZZ_CHECK(alert_j != NULL);
        check_json_body(webhook_body_slack(alert_j));
        check_json_body(webhook_body_teams(alert_j));
        check_json_body(webhook_body_pagerduty(alert_j, "R0UTINGKEY"));
        FUZZ_CHECK(hec_format_envelope("addecoy", "addecoy:alert", "addecoy:heartbeat", NULL, doc,
                                       strlen(doc), &out) == 0);
        env_j = json_loadb(out.data, out.len, 0, NULL);
        FUZZ_CHECK(env_j != NULL && json_equal(json_object_get(env_j, "event"), alert_j));
        out.len = 0;
        FUZZ_CHECK(syslog_format(&sf, doc, strlen(doc), &out) == 0);
        strbuf_append(&out, "", 1);
        check_syslog(out.data, out.len - 1);
        out.len = 0;
        sf.cef = 1;
        FUZZ_CHECK(syslog_format(&sf, doc, strlen(doc), &out) == 0);
        strbuf_append(&out, "", 1);
        check_cef(check_syslog(out.data, out.len - 1));
        strbuf_free(&out);
    }
    json_decref(alert_j);
    json_decref(env_j);
    free(doc);
    evtx_event_free(&ev);
    detector_free(det);
    return 0;
}
