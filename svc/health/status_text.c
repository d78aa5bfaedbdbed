/* status_text.c - `decoysvc status`'s text for an operator: a Nagios-style first line (the verdict
 * and the first problem), then the service, each input and each sink on a line or two, then every
 * problem. Values come from status.json, which the daemon wrote: printed as text, never parsed. */
#include "svc/health/status_eval.h"

#include <stdlib.h>
#include <string.h>

static const char *s_(const json_t *o, const char *key, const char *def)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : def;
}

static long long n_(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* "3 s", "12 min", "5 h 02 min", "2 d 3 h" */
static void ago(long long s, char *buf, size_t len)
{
    if (s < 120)
        snprintf(buf, len, "%lld s", s);
    else if (s < 7200)
        snprintf(buf, len, "%lld min", s / 60);
    else if (s < 172800)
        snprintf(buf, len, "%lld h %02lld min", s / 3600, s / 60 % 60);
    else
        snprintf(buf, len, "%lld d %lld h", s / 86400, s / 3600 % 24);
}

static void print_service(FILE *out, const status_input *in)
{
    const json_t *d = in->doc, *svc = json_object_get(d, "service"), *hb = json_object_get(d, "heartbeat");
    char up[40], age[40];
    long long written = n_(d, "written_ms");

    ago(n_(svc, "uptime_seconds"), up, sizeof up);
    ago(in->now_ms > written ? (in->now_ms - written) / 1000 : 0, age, sizeof age);
    int running = in->lock == 1 || (in->lock < 0 && json_is_true(json_object_get(d, "running")));

    if (in->lock == 1 && in->pid > 0)
        fprintf(out, "service:   running (pid %ld) on %s", in->pid, s_(json_object_get(d, "host"), "name", "?"));
    else if (running)
        fprintf(out, "service:   running on %s", s_(json_object_get(d, "host"), "name", "?"));
    else
        fprintf(out, "service:   NOT running; last seen on %s", s_(json_object_get(d, "host"), "name", "?"));
    fprintf(out, ", version %s, %s %s, %lld decoys\n", s_(svc, "version", "?"),
            running ? "up" : "had been up", up, n_(json_object_get(d, "decoys"), "count"));
    fprintf(out, "status:    written %s ago (%s)\n", age, s_(d, "written", "?"));
    if (n_(hb, "interval_seconds") > 0)
        fprintf(out, "heartbeat: every %lld s, last sent %s\n", n_(hb, "interval_seconds"),
                s_(hb, "last_sent", "not yet"));
    else
        fprintf(out, "heartbeat: off\n");
}

static void print_inputs(FILE *out, const json_t *inputs)
{
    const json_t *i;
    size_t k;

    fprintf(out, "inputs:\n");
    json_array_foreach(inputs, k, i)
    {
        char silent[40], *pos = json_dumps(json_object_get(i, "position"), JSON_COMPACT | JSON_SORT_KEYS);
        const json_t *epm = json_object_get(i, "events_per_minute");
        ago(n_(i, "silent_seconds"), silent, sizeof silent);
        fprintf(out, "  %-8s %s (%s)\n", s_(i, "state", "?"), s_(i, "name", "?"), s_(i, "type", "?"));
        fprintf(out, "           last event %s (%s ago), %lld events since start, %.1f/min\n",
                s_(i, "last_event", "none since start"), silent, n_(i, "events"),
                json_is_number(epm) ? json_number_value(epm) : 0.0);
        if (json_is_string(json_object_get(i, "reason")))
            fprintf(out, "           why: %s\n", s_(i, "reason", ""));
        fprintf(out, "           position %s\n", pos ? pos : "null");
        free(pos);
    }
}

static void print_sinks(FILE *out, const json_t *sinks)
{
    const json_t *s, *age, *last;
    size_t k;

    fprintf(out, "sinks:\n");
    json_array_foreach(sinks, k, s)
    {
        char oldest[40] = "";
        age = json_object_get(s, "oldest_pending_age_seconds");
        last = json_object_get(s, "last_sent");
        if (json_is_integer(age))
            ago(json_integer_value(age), oldest, sizeof oldest);
        fprintf(out, "  %-8s %s (%s): %lld pending%s%s%s, %lld quarantined\n", s_(s, "state", "?"),
                s_(s, "name", "?"), s_(s, "type", "?"), n_(s, "pending"), *oldest ? " (oldest " : "", oldest,
                *oldest ? ")" : "", n_(s, "quarantined"));
        if (json_is_object(last))
            fprintf(out, "           last sent %s at %s\n", s_(last, "id", "?"), s_(last, "time", "?"));
        if (json_is_string(json_object_get(s, "last_error")))
            fprintf(out, "           last error (%s): %s\n", s_(s, "last_error_time", "?"),
                    s_(s, "last_error", ""));
    }
}

void status_print_text(FILE *out, const status_input *in, int code, const json_t *problems)
{
    static const char *const word[] = {"OK - healthy", "WARNING - degraded", "CRITICAL - down"};
    const json_t *p;
    size_t k;

    fprintf(out, "DECOYSVC %s", word[code < 0 || code > 2 ? 2 : code]);
    if (json_array_size(problems))
        fprintf(out, ": %s%s", json_string_value(json_array_get(problems, 0)),
                json_array_size(problems) > 1 ? " (and more below)" : "");
    fprintf(out, "\n");
    if (in->doc) {
        print_service(out, in);
        print_inputs(out, json_object_get(in->doc, "inputs"));
        print_sinks(out, json_object_get(in->doc, "sinks"));
    }
    if (json_array_size(problems)) {
        fprintf(out, "problems:\n");
        json_array_foreach(problems, k, p) fprintf(out, "  - %s\n", json_string_value(p));
    }
}
