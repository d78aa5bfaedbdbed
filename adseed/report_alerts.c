/* report_alerts.c - reads decoysvc's alerts (JSON lines: the file sink's documents or Splunk HEC
 * envelopes) for the estate report, and parses their ISO 8601 times. */
#include "adseed/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int report_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    const char *p = s;
    if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d) ||
        (*p != 'T' && *p != ' ') || (p++, digits(&p, 2, &h)) || *p++ != ':' || digits(&p, 2, &mi) ||
        *p++ != ':' || digits(&p, 2, &sec))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    int sign = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    return 0;
}

static char *dup_str(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2)
        v = json_object_get(v, path2);
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static void alert_free(report_alert *x)
{
    free(x->decoy);
    free(x->action);
    free(x->severity);
    free(x->source);
    free(x->user);
    free(x->timestamp);
}

static void skip(report_alerts *a, size_t line, const char *reason)
{
    a->skipped++;
    if (!a->first_bad_line) {
        a->first_bad_line = line;
        snprintf(a->first_bad_reason, sizeof a->first_bad_reason, "%s", reason);
    }
}

/* Adds the alert in doc; 1 when it is not an alert document, -1 when out of memory. */
static int add_alert(report_alerts *a, json_t *doc)
{
    json_t *ev = json_object_get(doc, "event");
    if (json_is_object(ev) && json_is_object(json_object_get(ev, "decoy")))
        doc = ev; /* a Splunk HEC envelope */
    if (!json_is_string(json_object_get(json_object_get(doc, "decoy"), "name")) ||
        !json_is_string(json_object_get(doc, "action")))
        return 1;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        report_alert *v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    /* filled on the stack, then stored: gcc 12's -fanalyzer loses strings stored through
     * &array[n] and reports leaks */
    report_alert alert = {0}, *x = &alert;
    x->decoy = dup_str(doc, "decoy", "name");
    x->action = dup_str(doc, "action", NULL);
    x->severity = dup_str(doc, "severity", NULL);
    x->source = dup_str(doc, "source", "ip");
    if (!x->source)
        x->source = dup_str(doc, "source", "workstation");
    x->user = dup_str(doc, "user", "name");
    x->timestamp = dup_str(doc, "@timestamp", NULL);
    json_t *count = json_object_get(doc, "count");
    x->count = json_is_integer(count) && json_integer_value(count) > 0 ? json_integer_value(count) : 1;
    x->suppressed = json_is_true(json_object_get(doc, "suppressed"));
    if (report_parse_time(x->timestamp, &x->t))
        x->t = INT64_MIN;
    if (!x->decoy || !x->action) {
        alert_free(x);
        return -1;
    }
    a->v[a->n++] = alert;
    return 0;
}

int report_alerts_parse(report_alerts *a, const char *text, size_t len, char *err, size_t errlen)
{
    size_t line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < le) {
            json_error_t je;
            json_t *doc = json_loadb(p, (size_t)(le - p), JSON_REJECT_DUPLICATES, &je);
            int rc = 1;
            if (!doc)
                skip(a, line, je.text);
            else if (!json_is_object(doc) || (rc = add_alert(a, doc)) > 0)
                skip(a, line, "not an alert document (no decoy.name / action)");
            json_decref(doc);
            if (rc < 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

int report_alerts_load(report_alerts *a, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = adseed_read_file(path, &len, err, errlen);
    if (!text)
        return -1;
    int rc = report_alerts_parse(a, text, len, err, errlen);
    free(text);
    return rc;
}

void report_alerts_free(report_alerts *a)
{
    for (size_t i = 0; i < a->n; i++)
        alert_free(&a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}
