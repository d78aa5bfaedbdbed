/* stats.c - per-input runtime statistics (see stats.h). */
#include "svc/health/stats.h"

#include <stdio.h>
#include <string.h>

#include "evtx/evtx.h"

void health_input_init(health_input *hi, const char *name, const char *type, int64_t blind_after_ms, int64_t now_ms)
{
    memset(hi, 0, sizeof *hi);
    hi->name = name;
    hi->type = type;
    for (int i = 0; i < HEALTH_RATE_MINUTES; i++)
        hi->bucket_min[i] = -1;
    blind_init(&hi->blind, blind_after_ms, now_ms);
}

void health_input_record(health_input *hi, uint64_t nevents, const char *lost, int64_t now_ms)
{
    hi->last_poll_ms = now_ms;
    if (nevents) {
        int64_t minute = now_ms / 60000;
        int k = (int)(minute % HEALTH_RATE_MINUTES);
        if (hi->bucket_min[k] != minute) {
            hi->bucket_min[k] = minute;
            hi->bucket_n[k] = 0;
        }
        hi->bucket_n[k] += nevents;
        hi->events += nevents;
        hi->last_event_ms = now_ms;
        blind_event(&hi->blind, now_ms);
    }
    if (lost && *lost) {
        if (!hi->lost[0])
            hi->lost_since_ms = now_ms;
        snprintf(hi->lost, sizeof hi->lost, "%s", lost);
    } else {
        hi->lost[0] = '\0';
        hi->lost_since_ms = 0;
    }
}

double health_input_rate(const health_input *hi, int64_t start_ms, int64_t now_ms)
{
    int64_t minute = now_ms / 60000;
    /* the buckets cover the current minute and the HEALTH_RATE_MINUTES - 1 before it */
    int64_t span_ms = (int64_t)(HEALTH_RATE_MINUTES - 1) * 60000 + now_ms % 60000;
    uint64_t n = 0;

    for (int i = 0; i < HEALTH_RATE_MINUTES; i++)
        if (hi->bucket_min[i] >= 0 && minute - hi->bucket_min[i] < HEALTH_RATE_MINUTES)
            n += hi->bucket_n[i];
    if (now_ms - start_ms < span_ms)
        span_ms = now_ms - start_ms;
    if (span_ms < 60000)
        span_ms = 60000;
    return (double)n * 60000.0 / (double)span_ms;
}

const char *health_input_state(const health_input *hi, int64_t now_ms)
{
    if (hi->blind.alerted)
        return "blind";
    if (hi->lost[0])
        return "lost";
    if (hi->blind.after_ms > 0 && blind_silent_ms(&hi->blind, now_ms) >= hi->blind.after_ms / 2)
        return "silent";
    return "ok";
}

json_t *health_time_json(int64_t ms)
{
    char buf[40];
    if (ms <= 0)
        return json_null();
    evtx_format_time(ms, buf, sizeof buf);
    return json_string(buf);
}

void health_duration(int64_t ms, char *buf, size_t len)
{
    long long s = (long long)(ms / 1000);
    if (s < 120)
        snprintf(buf, len, "%lld s", s);
    else if (s < 7200)
        snprintf(buf, len, "%lld min", s / 60);
    else
        snprintf(buf, len, "%lld h %02lld min", s / 3600, s / 60 % 60);
}

static json_t *reason_json(const health_input *hi, int64_t now_ms)
{
    char buf[512], silent[40], limit[40];

    if (hi->lost[0])
        return json_string(hi->lost);
    if (!strcmp(health_input_state(hi, now_ms), "ok"))
        return json_null();
    health_duration(blind_silent_ms(&hi->blind, now_ms), silent, sizeof silent);
    health_duration(hi->blind.after_ms, limit, sizeof limit);
    snprintf(buf, sizeof buf, "no event for %s (blind after %s)", silent, limit);
    return json_string(buf);
}

json_t *health_input_json(const health_input *hi, const json_t *position, int64_t start_ms, int64_t now_ms)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", json_string(hi->name));
    json_object_set_new(o, "type", json_string(hi->type));
    json_object_set_new(o, "state", json_string(health_input_state(hi, now_ms)));
    json_object_set_new(o, "reason", reason_json(hi, now_ms));
    json_object_set_new(o, "position", position ? json_deep_copy(position) : json_null());
    json_object_set_new(o, "last_event", health_time_json(hi->last_event_ms));
    json_object_set_new(o, "events", json_integer((json_int_t)hi->events));
    json_object_set_new(o, "events_per_minute",
                        json_real((double)(int64_t)(health_input_rate(hi, start_ms, now_ms) * 10) / 10));
    json_object_set_new(o, "silent_seconds", json_integer(blind_silent_ms(&hi->blind, now_ms) / 1000));
    json_object_set_new(o, "blind_after_seconds", json_integer(hi->blind.after_ms / 1000));
    json_object_set_new(o, "lost_since", health_time_json(hi->lost_since_ms));
    return o;
}
