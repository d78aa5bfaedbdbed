/* pipeline.c - the detection core shared by `run` and `hunt`: event -> detector -> throttle ->
 * alert document -> emit callback; owns the inventory and reloads it when the file changes. */
#include "svc/detect/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/platform.h"
#include "svc/detect/event_ids.h"

size_t pipeline_event_ids(const char *channel, unsigned *out, size_t cap)
{
    return detect_event_ids_for_channel(channel, out, cap);
}

/* The inventory is loaded packed (its file read in blocks) and indexed: about 120 bytes a decoy
 * with a name, SID, GUID and SPN (docs/internals.md). */
static int load_index(pipeline *p, adseed_pack **pack, decoy_index **idx, detector **det, char *err, size_t errlen)
{
    *pack = NULL;
    if (adseed_pack_load(pack, p->inventory_path, err, errlen))
        goto fail;
    *idx = decoy_index_build_pack(*pack, err, errlen);
    if (!*idx)
        goto fail;
    *det = detector_new(*idx);
    if (!*det) {
        snprintf(err, errlen, "out of memory building the detector");
        decoy_index_free(*idx);
        *idx = NULL;
        goto fail;
    }
    return 0;
fail:
    adseed_pack_free(*pack);
    *pack = NULL;
    return -1;
}

int pipeline_open(pipeline *p, const pipeline_opts *o, char *err, size_t errlen)
{
    const detect_event_id *ids;
    size_t nids;

    memset(p, 0, sizeof *p);
    p->emit = o->emit;
    p->room = o->room;
    p->emit_ctx = o->emit_ctx;
    p->lg = o->lg;
    p->inventory_path = malloc(strlen(o->inventory_path) + 1);
    if (!p->inventory_path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    strcpy(p->inventory_path, o->inventory_path);
    ids = detect_event_ids(&nids); /* the events the detector understands: the rest is skipped unparsed */
    for (size_t i = 0; i < nids; i++)
        p->want_ids[ids[i].id / 8] |= (uint8_t)(1u << (ids[i].id % 8));
    p->inventory_stamp = svc_file_stamp(p->inventory_path);
    if (load_index(p, &p->pack, &p->index, &p->det, err, errlen))
        goto fail;
    p->thr = throttle_new(o->window_ms);
    if (!p->thr) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < o->nallow; i++)
        if (throttle_allow(p->thr, o->allowlist[i], err, errlen))
            goto fail;
    return 0;
fail:
    pipeline_close(p);
    return -1;
}

void pipeline_close(pipeline *p)
{
    if (p->thr)
        throttle_free(p->thr);
    if (p->det)
        detector_free(p->det);
    if (p->index)
        decoy_index_free(p->index);
    adseed_pack_free(p->pack);
    free(p->inventory_path);
    memset(p, 0, sizeof *p);
}

static int emit_alert(void *ctx, const alert *a)
{
    pipeline *p = ctx;
    char *json;
    int rc;

    if (a->suppressed) {
        p->stats.suppressed++;
        svc_log(p->lg, SVC_LOG_INFO, "allowlisted source %s touched decoy %s (%s, %llu events): not alerted",
                a->det.source_ip[0] ? a->det.source_ip : "-", a->det.decoy_name,
                detect_action_name(a->det.action), (unsigned long long)a->count);
        return 0;
    }
    json = alert_to_json(a);
    if (!json) {
        svc_log(p->lg, SVC_LOG_ERR, "cannot build the alert document for decoy %s", a->det.decoy_name);
        return -1;
    }
    rc = p->emit(p->emit_ctx, a, json, strlen(json));
    free(json);
    if (rc) {
        p->stats.emit_failures++;
        p->emit_failed = 1;
        return -1;
    }
    p->stats.alerts++;
    return 0;
}

int pipeline_clock(pipeline *p, int64_t now_ms)
{
    /* follow-ups whose window has passed go out before anything newer (O(1) when none is due) */
    return throttle_flush(p->thr, now_ms, 0, emit_alert, p) ? -1 : 0;
}

int pipeline_detected(pipeline *p, const detection *det, int64_t now_ms)
{
    alert a;

    if (pipeline_clock(p, now_ms))
        return -1;
    if (p->own && p->own(p->own_ctx, det, now_ms)) {
        p->stats.own++;
        return 0;
    }
    if (p->room && !p->room(p->emit_ctx)) { /* refused before the throttle saw it: no trace */
        p->stats.emit_failures++;
        p->emit_failed = 1;
        return -1;
    }
    p->stats.detections++;
    if (throttle_observe(p->thr, det, now_ms, &a) == 1)
        return emit_alert(p, &a);
    return 0;
}

int pipeline_event(pipeline *p, const evtx_event *ev, int64_t now_ms)
{
    detection det;

    p->stats.events++;
    if (pipeline_clock(p, now_ms))
        return -1;
    if (!detector_examine(p->det, ev, &det))
        return 0;
    return pipeline_detected(p, &det, now_ms);
}

void pipeline_set_own(pipeline *p, pipeline_own_fn own, void *ctx)
{
    p->own = own;
    p->own_ctx = ctx;
}

int pipeline_raise(pipeline *p, const detection *det)
{
    alert a;

    if (p->room && !p->room(p->emit_ctx)) {
        p->stats.emit_failures++;
        return -1;
    }
    p->stats.detections++;
    alert_from_detection(&a, det);
    return emit_alert(p, &a) ? -1 : 0;
}

int pipeline_flush(pipeline *p, int64_t now_ms, int force)
{
    return throttle_flush(p->thr, now_ms, force, emit_alert, p);
}

int pipeline_reload_if_changed(pipeline *p)
{
    uint64_t stamp = svc_file_stamp(p->inventory_path);
    adseed_pack *pack;
    decoy_index *idx = NULL;
    detector *det = NULL;
    char err[1024];

    if (stamp == p->inventory_stamp)
        return 0;
    p->inventory_stamp = stamp;
    if (load_index(p, &pack, &idx, &det, err, sizeof err)) {
        svc_log(p->lg, SVC_LOG_ERR, "inventory changed but is invalid, keeping the previous one: %s", err);
        return 0;
    }
    detector_free(p->det);
    decoy_index_free(p->index);
    adseed_pack_free(p->pack);
    p->pack = pack;
    p->index = idx;
    p->det = det;
    svc_log(p->lg, SVC_LOG_INFO, "inventory %s reloaded: %zu decoys", p->inventory_path,
            adseed_pack_count(p->pack));
    return 1;
}

int pipeline_prefilter(pipeline *p, unsigned event_id, const char *rec, size_t len)
{
    int keep = detect_prefilter(p->index, event_id, rec, len);
    if (!keep)
        p->stats.prefiltered++; /* seen all the same: the input is not blind */
    return keep;
}

int pipeline_prefilter_values(pipeline *p, unsigned event_id, const evtx_values *v)
{
    int keep = detect_prefilter_values(p->index, event_id, v);
    if (!keep)
        p->stats.prefiltered++;
    return keep;
}

const char *pipeline_resolve_spn(void *ctx, const char *spn)
{
    pipeline *p = ctx;
    adseed_decoy_view v; /* the name points into the pack, not into v */
    const adseed_decoy *d =
        decoy_index_decoy(p->index, decoy_index_find(p->index, DECOY_KEY_SPN, spn, spn ? strlen(spn) : 0), &v);
    return d ? d->name : NULL;
}
