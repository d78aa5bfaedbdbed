/* sink.h - the interface every alert destination implements (Splunk HEC, signed webhook / Slack /
 * Teams / PagerDuty, JSON lines file, syslog), built from one entry of the config's "sinks" array.
 * Sinks see alerts only as compact JSON texts. */
#ifndef ADDECOY_SVC_SINK_H
#define ADDECOY_SVC_SINK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "svc/base/log.h"

typedef struct sink sink;

typedef enum sink_status {
    SINK_OK = 0,       /* every document accepted (and acknowledged when acks are on) */
    SINK_RETRY,        /* transient: network, 429, 5xx; nothing known to be accepted */
    SINK_CONFIG_ERROR, /* authentication, authorisation, configuration (401/403/404, HEC 1-4, 7...):
                          the sink is paused; message has the reply */
    SINK_REJECTED      /* documents before rejected_index accepted, that one refused as such
                          (HEC 6/12/13/15 with invalid-event-number, webhook 400/413/422) */
} sink_status;

typedef struct sink_result {
    int64_t retry_after_ms; /* > 0 when the server asked for a delay (Retry-After) */
    long http_status;       /* 0 when not HTTP or no reply */
    size_t rejected_index;  /* SINK_REJECTED: index of the refused document */
    char message[512];      /* what happened, with the server's code and text; never secrets */
} sink_result;

/* Builds a sink from its config object, e.g. {"type":"hec","url":...}. `where` names the entry in
 * messages ("config.json: sinks[1]"). Types: hec, webhook, file, syslog. NULL + err on error. */
sink *sink_new_from_json(const json_t *conf, const char *where, char *err, size_t errlen);
/* Builds every sink of a config's "sinks" array (entries named "FILE: sinks[i]") and checks that
 * their names are unique. 0 with *out holding *n sinks (free with sink_free_all), or -1 with the
 * first error in err. The one validation of the sinks: `check`, `run` and a reload all use it. */
int sink_open_all(const json_t *sinks, const char *file, sink ***out, size_t *n, char *err, size_t errlen);
void sink_free_all(sink **v, size_t n);
/* Every sink option map, one key per line (optmap.h's opt_list): `decoysvc check --list-keys`. */
void sink_list_keys(FILE *out);
/* Unique name: the config's "name", default the type. */
const char *sink_name(const sink *s);
const char *sink_type(const sink *s);
/* How many times an alert the destination refused as such (SINK_REJECTED) is sent again before it
 * is moved to the sink's quarantine: the config's "reject_retries" (0-100, default 3). */
unsigned sink_reject_retries(const sink *s);
/* Largest batch the sink takes in one sink_send() call. */
size_t sink_max_batch(const sink *s);
/* 1 when the sink takes heartbeat documents (config "heartbeat"; default on for hec, file and
 * syslog, off for the webhook's paging formats). */
int sink_wants_heartbeat(const sink *s);
/* 1 when doc is a state document (heartbeat: "event.kind" is "state"), not an alert. */
int sink_doc_is_state(const json_t *doc);
/* The document's "@timestamp" as epoch milliseconds, -1 when it has none. */
int64_t sink_doc_time_ms(const json_t *doc);
/* Logger for the sink's own diagnostics (e.g. the loud warning when tls_verify is off). */
void sink_set_logger(sink *s, const svc_logger *lg);
/* A flag another thread sets (non-zero) to make a send in flight give up at once (HTTP transfers
 * are aborted, HEC ack waits end): the send then returns SINK_RETRY. NULL: none. */
void sink_set_cancel(sink *s, const atomic_int *flag);
/* Sends n documents (compact JSON alert texts). res is always filled. */
sink_status sink_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res);
const char *sink_status_name(sink_status st);
void sink_free(sink *s);

#endif
