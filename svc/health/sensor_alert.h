/* sensor_alert.h - the sensor_blind and sensor_restored alert documents (docs/alert-schema.md):
 * same envelope as a decoy alert (id, @timestamp, action, summary, severity, event.*, host.name,
 * observer) plus a "sensor" object naming the input and what is wrong. */
#ifndef ADDECOY_SVC_HEALTH_SENSOR_ALERT_H
#define ADDECOY_SVC_HEALTH_SENSOR_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "svc/health/stats.h"

/* t is BLIND_RAISE or BLIND_RESTORE; host is this machine's name. Malloc'd compact JSON or NULL. */
char *sensor_alert_json(const health_input *hi, blind_transition t, const char *host, int64_t now_ms);

/* 32 hex digits of SHA-256 over "addecoy-health-v1" and the NUL-terminated parts. */
void health_doc_id(const char *const *parts, size_t n, char out[33]);

#endif
