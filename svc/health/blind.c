/* blind.c - the blind-sensor state machine (see blind.h). */
#include "svc/health/blind.h"

void blind_init(blind_sensor *b, int64_t after_ms, int64_t now_ms)
{
    b->after_ms = after_ms > 0 ? after_ms : 0;
    b->last_event_ms = now_ms;
    b->blind_since_ms = 0;
    b->alerted = b->saved_alerted = 0;
    b->saved_since_ms = 0;
}

void blind_event(blind_sensor *b, int64_t now_ms)
{
    if (now_ms > b->last_event_ms)
        b->last_event_ms = now_ms;
}

int64_t blind_silent_ms(const blind_sensor *b, int64_t now_ms)
{
    return now_ms > b->last_event_ms ? now_ms - b->last_event_ms : 0;
}

blind_transition blind_check(const blind_sensor *b, int64_t now_ms)
{
    if (b->alerted)
        return b->last_event_ms > b->blind_since_ms ? BLIND_RESTORE : BLIND_NONE;
    if (b->after_ms > 0 && blind_silent_ms(b, now_ms) >= b->after_ms)
        return BLIND_RAISE;
    return BLIND_NONE;
}

void blind_apply(blind_sensor *b, blind_transition t)
{
    if (t == BLIND_RAISE) {
        b->alerted = 1;
        b->blind_since_ms = b->last_event_ms;
    } else if (t == BLIND_RESTORE) {
        b->alerted = 0;
    }
}

void blind_commit(blind_sensor *b, int ok)
{
    if (ok) {
        b->saved_alerted = b->alerted;
        b->saved_since_ms = b->blind_since_ms;
    } else {
        b->alerted = b->saved_alerted;
        b->blind_since_ms = b->saved_since_ms;
    }
}

json_t *blind_save(const blind_sensor *b)
{
    return json_pack("{s:b, s:I, s:I}", "alerted", b->saved_alerted, "blind_since_ms",
                     (json_int_t)b->saved_since_ms, "last_event_ms", (json_int_t)b->last_event_ms);
}

void blind_load(blind_sensor *b, const json_t *j, int64_t now_ms)
{
    json_t *since = json_object_get(j, "blind_since_ms"), *last = json_object_get(j, "last_event_ms");

    if (!json_is_object(j) || !json_is_integer(since) || !json_is_integer(last))
        return;
    if (json_is_true(json_object_get(j, "alerted"))) {
        b->alerted = b->saved_alerted = 1;
        b->blind_since_ms = b->saved_since_ms = json_integer_value(since);
        /* still blind: restored by the first event seen from now on, never re-paged */
        b->last_event_ms = b->blind_since_ms;
    }
    (void)now_ms; /* not blind: a fresh window from the start (a stopped service is not a blind sensor) */
    if (b->after_ms == 0) /* turned off since: forget it quietly */
        b->alerted = b->saved_alerted = 0;
}
