/* blind.h - the blind-sensor state machine of one input (issue 12.2): an input that delivers no
 * event for after_ms raises ONE sensor_blind alert, and one sensor_restored when events flow
 * again; nothing in between. Pure logic on a caller-given clock (unit-tested with a fake one);
 * the state that must survive a restart is saved and loaded as JSON. */
#ifndef ADDECOY_SVC_HEALTH_BLIND_H
#define ADDECOY_SVC_HEALTH_BLIND_H

#include <jansson.h>
#include <stdint.h>

typedef enum blind_transition { BLIND_NONE = 0, BLIND_RAISE, BLIND_RESTORE } blind_transition;

typedef struct blind_sensor {
    int64_t after_ms;       /* 0: off */
    int64_t last_event_ms;  /* last time events flowed (or when watching began) */
    int64_t blind_since_ms; /* last event time when sensor_blind was raised */
    int alerted;            /* sensor_blind sent, sensor_restored not yet */
    int saved_alerted;      /* alerted as of the last commit (durable) */
    int64_t saved_since_ms;
} blind_sensor;

/* Starts watching at now_ms with nothing known. */
void blind_init(blind_sensor *b, int64_t after_ms, int64_t now_ms);
/* Events flowed at now_ms. */
void blind_event(blind_sensor *b, int64_t now_ms);
/* What is due at now_ms (the caller sends the alert, then blind_apply()s it). */
blind_transition blind_check(const blind_sensor *b, int64_t now_ms);
void blind_apply(blind_sensor *b, blind_transition t);
/* The alerts applied since the last commit are durable (ok) or were lost (!ok: due again). */
void blind_commit(blind_sensor *b, int ok);
/* Milliseconds without an event at now_ms. */
int64_t blind_silent_ms(const blind_sensor *b, int64_t now_ms);

/* {"alerted": bool, "blind_since_ms": n, "last_event_ms": n} */
json_t *blind_save(const blind_sensor *b);
/* Restores a saved state at start-up (now_ms). A sensor that was blind stays blind (no new page)
 * until events flow; one that was not gets a fresh window from now_ms. Ignores a malformed j. */
void blind_load(blind_sensor *b, const json_t *j, int64_t now_ms);

#endif
