/* pipeline.h - the detection core shared by `run` and `hunt`: event -> detector -> throttle ->
 * alert document -> emit callback (the spool for `run`, standard output for `hunt`).
 * It also owns the inventory and reloads it when the file changes. */
#ifndef ADDECOY_SVC_PIPELINE_H
#define ADDECOY_SVC_PIPELINE_H

#include <stdint.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/detect/alert.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "svc/base/log.h"
#include "svc/detect/throttle.h"

/* Receives each alert and its JSON document; returns 0, or non-zero to refuse it (spool full):
 * the caller must then rewind its input to the last checkpoint. */
typedef int (*pipeline_emit_fn)(void *ctx, const alert *a, const char *json, size_t len);
/* Optional: 0 when the destination cannot take another alert now (spool nearly full). Asked before
 * the throttle sees a detection, so a refused event leaves no trace and is examined again later. */
typedef int (*pipeline_room_fn)(void *ctx);
/* Optional: 1 when a detection is decoysvc's own doing (the self-trip's 4769) and must not page. */
typedef int (*pipeline_own_fn)(void *ctx, const detection *d, int64_t now_ms);

typedef struct pipeline_stats {
    uint64_t events, detections, alerts, suppressed, emit_failures;
    uint64_t own;         /* detections recognised as decoysvc's own self-trip (not alerted) */
    uint64_t prefiltered; /* records of a wanted event ID dropped by the prefilter (no decoy in them) */
} pipeline_stats;

typedef struct pipeline {
    char *inventory_path;
    uint64_t inventory_stamp;
    adseed_pack *pack; /* the inventory, packed (adseed_pack_count: its decoys) */
    decoy_index *index;
    detector *det;
    throttle *thr;
    pipeline_emit_fn emit;
    pipeline_room_fn room;
    pipeline_own_fn own;
    void *own_ctx;
    void *emit_ctx;
    const svc_logger *lg;
    uint8_t want_ids[65536 / 8];
    pipeline_stats stats;
    int emit_failed; /* set when emit refused an alert since the last pipeline_clear_failure */
} pipeline;

typedef struct pipeline_opts {
    const char *inventory_path;
    int64_t window_ms;
    char *const *allowlist;
    size_t nallow;
    pipeline_emit_fn emit;
    void *emit_ctx;
    const svc_logger *lg;
    pipeline_room_fn room; /* may be NULL */
} pipeline_opts;

int pipeline_open(pipeline *p, const pipeline_opts *o, char *err, size_t errlen);
void pipeline_close(pipeline *p);

/* Sets (or clears, with NULL) the self-trip recogniser consulted before the throttle. */
void pipeline_set_own(pipeline *p, pipeline_own_fn own, void *ctx);
/* Examines one event with 'now_ms' as the throttle's clock. -1 when emit refused an alert. */
int pipeline_event(pipeline *p, const evtx_event *ev, int64_t now_ms);
/* pipeline_event in parts, for a caller that matched the event itself (`hunt -j`: detector_match
 * on worker threads, the spraying tracker fed in order): the clock moves to now_ms (elapsed windows
 * are flushed), and a detection is throttled and alerted. -1 when emit refused an alert. */
int pipeline_clock(pipeline *p, int64_t now_ms);
int pipeline_detected(pipeline *p, const detection *det, int64_t now_ms);
/* Emits an alert decoysvc raises itself (audit_gap), not from an event: it bypasses the throttle,
 * its source raises it once per change. 0, or -1 when refused (spool full): raise it again later. */
int pipeline_raise(pipeline *p, const detection *det);
/* Emits the follow-up alerts whose window has elapsed (all of them when force). */
int pipeline_flush(pipeline *p, int64_t now_ms, int force);
/* Reloads the inventory when its file changed; keeps the old one (and says why) when the new
 * one is invalid. Returns 1 when reloaded, 0 when unchanged or kept. */
int pipeline_reload_if_changed(pipeline *p);
/* The event IDs the detector examines on 'channel' (for source-side filters such as an EvtSubscribe
 * XPath; svc/detect/event_ids.c). Writes at most cap IDs to out and returns how many. */
size_t pipeline_event_ids(const char *channel, unsigned *out, size_t cap);
/* The detector's cheap look at a raw record before full parsing (0: surely no decoy, skip it). */
int pipeline_prefilter(pipeline *p, unsigned event_id, const char *rec, size_t len);
/* The same for a binary .evtx record's values (evtx_xml_opts.value_prefilter). */
int pipeline_prefilter_values(pipeline *p, unsigned event_id, const evtx_values *v);
/* The SPN -> account name resolver handed to the Samba source. */
const char *pipeline_resolve_spn(void *p, const char *spn);

#endif
