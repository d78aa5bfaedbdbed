/* alert.h - one alert: a detection plus what the throttle folded into it (count, first and last
 * event time, follow-up sequence), and its JSON document (ECS-style field names; see
 * docs/alert-schema.md). */
#ifndef ADDECOY_SVC_ALERT_H
#define ADDECOY_SVC_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "svc/detect/detector.h"

typedef struct alert {
    detection det;         /* the latest event folded into this alert */
    uint64_t count;        /* events this alert stands for (1 for a first alert) */
    int64_t first_seen_ms; /* event time of the first and last of them (-1 unknown) */
    int64_t last_seen_ms;
    int followup;   /* 0: first alert of its (decoy, action, source); 1: follow-up */
    uint32_t seq;   /* 0 for the first alert, 1, 2, ... for its follow-ups */
    int suppressed; /* the source is allowlisted: log and count, do not page */
} alert;

/* Fills a first alert (count 1, seq 0) from a detection. */
void alert_from_detection(alert *a, const detection *d);
/* Stable id: the first 32 hex digits of SHA-256 over host, channel, record id, event time, decoy,
 * action, source ip and seq (NUL-separated). Replaying the same events gives the same ids. */
void alert_id(const alert *a, char out[33]);
/* One human sentence, e.g. "Kerberoasting: admmig@OFFSEC.LAN requested an RC4-HMAC service ticket
 * for decoy Svc-SQL-DB01 from 10.23.23.9". Always NUL-terminated valid UTF-8 (a character cut by
 * truncation is dropped); returns out. */
const char *alert_summary(const alert *a, char *out, size_t len);
/* Internal (alert.c -> alert_tamper.c): the summary of a tampering or audit alert ('who' is the
 * actor phrase); returns 0 when d->action is not one of them. */
int alert_summary_tamper(const detection *d, const char *who, char *out, size_t len);
/* The alert as compact JSON (malloc'd, valid UTF-8 whatever the input); NULL on allocation failure. */
char *alert_to_json(const alert *a);

#endif
