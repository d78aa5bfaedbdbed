/* status_eval.c - the verdict and renderings of `decoysvc status` (see status_eval.h). */
#include "svc/health/status_eval.h"

#include <stdarg.h>
#include <string.h>

#define STALE_FACTOR 3 /* status.json older than 3 write intervals (and 15 s at least): stale */

static void problem(json_t *problems, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(problems, json_string(buf));
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_int_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Seconds since status.json was written. */
static int64_t doc_age_s(const status_input *in)
{
    int64_t w = num(in->doc, "written_ms");
    return in->now_ms > w ? (in->now_ms - w) / 1000 : 0;
}

static int64_t stale_after_s(const status_input *in)
{
    int64_t every = num(in->doc, "status_interval_seconds");
    return every * STALE_FACTOR > 15 ? every * STALE_FACTOR : 15;
}

static int eval_inputs(const status_input *in, json_t *problems)
{
    const json_t *inputs = json_object_get(in->doc, "inputs"), *i;
    size_t k;
    int code = STATUS_HEALTHY;

    json_array_foreach(inputs, k, i)
    {
        const char *state = str(i, "state");
        if (!strcmp(state, "blind") || !strcmp(state, "lost")) {
            problem(problems, "input %s is %s: %s", str(i, "name"), state, str(i, "reason"));
            code = STATUS_DEGRADED;
        }
    }
    return code;
}

static int eval_sinks(const status_input *in, json_t *problems)
{
    const json_t *sinks = json_object_get(in->doc, "sinks"), *s;
    size_t k;
    int code = STATUS_HEALTHY;

    json_array_foreach(sinks, k, s)
    {
        const json_t *age = json_object_get(s, "oldest_pending_age_seconds");
        if (json_is_true(json_object_get(s, "paused"))) {
            problem(problems, "sink %s is paused (configuration error): %s", str(s, "name"),
                    str(s, "last_error"));
            code = STATUS_DEGRADED;
        } else if (num(s, "failed_attempts") > 0) {
            problem(problems, "sink %s is failing (%lld attempts): %s", str(s, "name"),
                    (long long)num(s, "failed_attempts"), str(s, "last_error"));
            code = STATUS_DEGRADED;
        }
        if (json_is_integer(age) && json_integer_value(age) > in->max_pending_age_s) {
            problem(problems, "sink %s: %lld alerts pending, the oldest for %lld min (limit %lld min)",
                    str(s, "name"), (long long)num(s, "pending"), (long long)(json_integer_value(age) / 60),
                    (long long)(in->max_pending_age_s / 60));
            code = STATUS_DEGRADED;
        }
    }
    return code;
}

int status_evaluate(const status_input *in, json_t *problems)
{
    int code, c;

    if (in->lock == 0) {
        problem(problems, in->doc_missing ? "not running: decoysvc has never run with this state_dir"
                                          : "not running (the service is stopped)");
        return STATUS_DOWN;
    }
    if (!in->doc) {
        if (in->doc_missing && in->lock == 1) {
            problem(problems, "running but no status.json yet (starting?)");
            return STATUS_DEGRADED;
        }
        if (in->doc_missing)
            problem(problems, "not running: no status.json (decoysvc has never run with this state_dir?)");
        else
            problem(problems, "status.json unreadable: %s", in->doc_error ? in->doc_error : "?");
        return STATUS_DOWN;
    }
    if (in->lock < 0) { /* the lock cannot be checked: trust a fresh status.json that says running */
        if (!json_is_true(json_object_get(in->doc, "running")) || doc_age_s(in) > stale_after_s(in)) {
            problem(problems, "not running (cannot check the lock: %s; status.json is %lld s old)",
                    in->lock_error ? in->lock_error : "?", (long long)doc_age_s(in));
            return STATUS_DOWN;
        }
    }
    code = STATUS_HEALTHY;
    if (doc_age_s(in) > stale_after_s(in)) {
        problem(problems, "status.json not updated for %lld s while the service runs: it may be hung",
                (long long)doc_age_s(in));
        code = STATUS_DEGRADED;
    }
    c = eval_inputs(in, problems);
    code = c > code ? c : code;
    c = eval_sinks(in, problems);
    return c > code ? c : code;
}

static const char *verdict_word(int code)
{
    return code == STATUS_HEALTHY ? "healthy" : code == STATUS_DEGRADED ? "degraded" : "down";
}

json_t *status_report_json(const status_input *in, int code, const json_t *problems)
{
    json_t *o = json_object();

    json_object_set_new(o, "status", json_string(verdict_word(code)));
    json_object_set_new(o, "exit_code", json_integer(code));
    json_object_set_new(o, "running",
                        in->lock == 1   ? json_true()
                        : in->lock == 0 ? json_false()
                                        : json_null());
    json_object_set_new(o, "pid", in->lock == 1 && in->pid > 0 ? json_integer(in->pid) : json_null());
    json_object_set_new(o, "problems", json_deep_copy(problems));
    json_object_set_new(o, "status_age_seconds", in->doc ? json_integer(doc_age_s(in)) : json_null());
    json_object_set_new(o, "service", in->doc ? json_deep_copy(in->doc) : json_null());
    return o;
}
