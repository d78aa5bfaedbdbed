/* health.c - drives statistics, status.json, heartbeat and blind-sensor alerts from the daemon's
 * loop (see health.h). The heartbeat is handed to each sink's delivery thread, which sends it when
 * the sink is ready (not paused, not waiting after a failure), never spooled: it is a state,
 * superseded by the next one, and a spooled heartbeat would fill the spool during an outage and
 * arrive stale. */
#include "svc/health/health.h"
#include "svc/health/self_trip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/base/platform.h"
#include "svc/health/sensor_alert.h"
#include "svc/health/stats.h"

struct health {
    health_env env;
    health_input *in;
    size_t nin;
    char host[256];
    char status_path[4200], sensors_path[4200];
    int64_t start_ms, next_status_ms, next_heartbeat_ms, last_heartbeat_ms;
    int emitted; /* alerts emitted since the last commit */
};

static const char *input_type_name(svc_input_type t)
{
    return t == SVC_INPUT_XML     ? "xml"
           : t == SVC_INPUT_JSON  ? "json"
           : t == SVC_INPUT_SAMBA ? "samba"
                                  : "eventlog";
}

static void load_sensors(health *h, int64_t now_ms)
{
    json_t *root = json_load_file(h->sensors_path, 0, NULL);
    json_t *inputs = json_object_get(root, "inputs");

    for (size_t i = 0; i < h->nin; i++) {
        blind_load(&h->in[i].blind, json_object_get(inputs, h->in[i].name), now_ms);
        if (h->in[i].blind.alerted)
            svc_log(h->env.lg, SVC_LOG_WARN,
                    "input %s: still blind since the last run (sensor_blind was sent): "
                    "sensor_restored follows its first event",
                    h->in[i].name);
    }
    json_decref(root);
}

static void save_sensors(health *h)
{
    json_t *root = json_object(), *inputs = json_object();
    char err[512], *text;

    for (size_t i = 0; i < h->nin; i++)
        json_object_set_new(inputs, h->in[i].name, blind_save(&h->in[i].blind));
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "inputs", inputs);
    text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text || adseed_write_file_atomic(h->sensors_path, text, strlen(text), 0600, err, sizeof err))
        svc_log(h->env.lg, SVC_LOG_ERR, "cannot write %s: %s", h->sensors_path, text ? err : "out of memory");
    free(text);
    json_decref(root);
}

health *health_open(const health_env *env, int64_t now_ms, char *err, size_t errlen)
{
    health *h = calloc(1, sizeof *h);

    if (!h || !(h->in = calloc(env->cfg->ninputs ? env->cfg->ninputs : 1, sizeof *h->in))) {
        snprintf(err, errlen, "out of memory");
        health_close(h, NULL, now_ms);
        return NULL;
    }
    h->env = *env;
    h->nin = env->cfg->ninputs;
    svc_hostname(h->host, sizeof h->host);
    snprintf(h->status_path, sizeof h->status_path, "%s/status.json", env->cfg->state_dir);
    snprintf(h->sensors_path, sizeof h->sensors_path, "%s/sensors.json", env->cfg->state_dir);
    for (size_t i = 0; i < h->nin; i++) {
        health_input_init(&h->in[i], env->cfg->inputs[i].name, input_type_name(env->cfg->inputs[i].type),
                          env->cfg->inputs[i].blind_after_ms, now_ms);
        h->in[i].last_poll_ms = now_ms;
    }
    load_sensors(h, now_ms);
    h->start_ms = h->next_status_ms = now_ms;
    h->next_heartbeat_ms = env->cfg->heartbeat_ms > 0 ? now_ms + env->cfg->heartbeat_ms : -1;
    return h;
}

void health_input_polled(health *h, size_t i, uint64_t nevents, const char *lost, int64_t now_ms)
{
    if (i < h->nin)
        health_input_record(&h->in[i], nevents, lost, now_ms);
}

/* ---- sinks ---------------------------------------------------------------------------------- */
static int64_t oldest_pending_ms(health *h, const char *name)
{
    spool_batch b;
    int64_t t = -1;

    if (spool_read(h->env.sp, name, 1, &b) == 1) {
        json_t *doc = json_loadb(b.docs[0], b.lens[0], 0, NULL);
        t = sink_doc_time_ms(doc);
        json_decref(doc);
    }
    spool_batch_free(&b);
    return t;
}

static json_t *sink_json(health *h, size_t i, int64_t now_ms, int full)
{
    sink *s = h->env.sinks[i];
    delivery_sink_info info;
    int64_t pending = spool_pending(h->env.sp, sink_name(s)), oldest = -1;
    json_t *o = json_object();

    memset(&info, 0, sizeof info);
    delivery_sink_get_info(h->env.dl, i, &info);
    if (pending > 0)
        oldest = oldest_pending_ms(h, sink_name(s));
    json_object_set_new(o, "name", json_string(sink_name(s)));
    json_object_set_new(o, "type", json_string(sink_type(s)));
    json_object_set_new(o, "state", json_string(info.paused ? "paused" : info.attempts ? "retrying" : "ok"));
    json_object_set_new(o, "pending", json_integer(pending > 0 ? pending : 0));
    json_object_set_new(o, "oldest_pending_age_seconds",
                        oldest >= 0 ? json_integer(now_ms > oldest ? (now_ms - oldest) / 1000 : 0) : json_null());
    if (!full)
        return o;
    json_object_set_new(o, "paused", json_boolean(info.paused));
    json_object_set_new(o, "failed_attempts", json_integer(info.attempts));
    json_object_set_new(o, "last_error", info.last_error[0] ? json_string(info.last_error) : json_null());
    json_object_set_new(o, "last_error_time", health_time_json(info.last_error_ms));
    json_object_set_new(o, "quarantined", json_integer((json_int_t)info.quarantined));
    json_object_set_new(o, "last_sent",
                        info.last_sent_ms ? json_pack("{s:s, s:o}", "id", info.last_id, "time",
                                                      health_time_json(info.last_sent_ms))
                                          : json_null());
    json_object_set_new(o, "heartbeat", json_boolean(sink_wants_heartbeat(s)));
    return o;
}

/* ---- documents ------------------------------------------------------------------------------ */
static json_t *common_json(health *h, int64_t now_ms)
{
    json_t *o = json_object();
    json_object_set_new(o, "host", json_pack("{s:s}", "name", h->host));
    json_object_set_new(o, "service",
                        json_pack("{s:s, s:o, s:I}", "version", ADDECOY_VERSION, "started",
                                  health_time_json(h->start_ms), "uptime_seconds",
                                  (json_int_t)((now_ms - h->start_ms) / 1000)));
    json_object_set_new(o, "decoys",
                        json_pack("{s:I}", "count", (json_int_t)adseed_pack_count(h->env.pipe->pack)));
    json_object_set_new(o, "self_test", self_trip_result_json(h->env.trip)); /* null when off or not yet run */
    return o;
}

static json_t *status_json(health *h, const json_t *cp_inputs, int64_t now_ms, int running)
{
    json_t *o = common_json(h, now_ms), *inputs = json_array(), *sinks = json_array();

    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(o, "written", health_time_json(now_ms));
    json_object_set_new(o, "written_ms", json_integer(now_ms));
    json_object_set_new(o, "running", json_boolean(running));
    json_object_set_new(o, "status_interval_seconds", json_integer(HEALTH_STATUS_EVERY_MS / 1000));
    json_object_set_new(o, "config", json_string(h->env.cfg->path));
    json_object_set_new(o, "heartbeat",
                        json_pack("{s:I, s:o}", "interval_seconds", (json_int_t)(h->env.cfg->heartbeat_ms / 1000),
                                  "last_sent", health_time_json(h->last_heartbeat_ms)));
    for (size_t i = 0; i < h->nin; i++)
        json_array_append_new(inputs, health_input_json(&h->in[i], json_object_get(cp_inputs, h->in[i].name),
                                                        h->start_ms, now_ms));
    for (size_t i = 0; i < h->env.nsinks; i++)
        json_array_append_new(sinks, sink_json(h, i, now_ms, 1));
    json_object_set_new(o, "inputs", inputs);
    json_object_set_new(o, "sinks", sinks);
    return o;
}

static void write_status(health *h, const json_t *cp_inputs, int64_t now_ms, int running)
{
    json_t *st = status_json(h, cp_inputs, now_ms, running);
    char *text = json_dumps(st, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    char err[512];

    if (!text || adseed_write_file_atomic(h->status_path, text, strlen(text), 0644, err, sizeof err))
        svc_log(h->env.lg, SVC_LOG_WARN, "cannot write %s: %s", h->status_path, text ? err : "out of memory");
    free(text);
    json_decref(st);
}

static json_t *heartbeat_json(health *h, int64_t now_ms)
{
    json_t *o = json_object(), *c = common_json(h, now_ms), *inputs = json_array(), *sinks = json_array();
    char id[33], now[40], ms[32], text[512];
    const char *parts[3] = {h->host, "heartbeat", ms};
    size_t ok = 0, pending = 0;

    snprintf(ms, sizeof ms, "%lld", (long long)now_ms);
    health_doc_id(parts, 3, id);
    evtx_format_time(now_ms, now, sizeof now);
    for (size_t i = 0; i < h->nin; i++) {
        const health_input *hi = &h->in[i];
        ok += strcmp(health_input_state(hi, now_ms), "ok") == 0;
        json_array_append_new(
            inputs, json_pack("{s:s, s:s, s:s, s:o, s:I, s:f}", "name", hi->name, "type", hi->type, "state",
                              health_input_state(hi, now_ms), "last_event", health_time_json(hi->last_event_ms),
                              "events", (json_int_t)hi->events, "events_per_minute",
                              (double)(int64_t)(health_input_rate(hi, h->start_ms, now_ms) * 10) / 10));
    }
    for (size_t i = 0; i < h->env.nsinks; i++) {
        json_t *sj = sink_json(h, i, now_ms, 0);
        pending += (size_t)json_integer_value(json_object_get(sj, "pending"));
        json_array_append_new(sinks, sj);
    }
    snprintf(text, sizeof text,
             "decoysvc on %s is running (up %lld min): %zu of %zu inputs ok, %zu alerts pending", h->host,
             (long long)((now_ms - h->start_ms) / 60000), ok, h->nin, pending);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "@timestamp", json_string(now));
    json_object_set_new(o, "action", json_string("heartbeat"));
    json_object_set_new(o, "summary", json_string(text));
    json_object_set_new(o, "severity", json_string("info"));
    json_object_set_new(o, "event",
                        json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "state", "action", "heartbeat",
                                  "category", "host", "dataset", "addecoy.heartbeat", "created", now));
    json_object_update(o, c);
    json_object_set_new(o, "inputs", inputs);
    json_object_set_new(o, "sinks", sinks);
    json_object_set_new(o, "heartbeat",
                        json_pack("{s:I}", "interval_seconds", (json_int_t)(h->env.cfg->heartbeat_ms / 1000)));
    json_object_set_new(
        o, "observer",
        json_pack("{s:s, s:s, s:s}", "product", "ADDecoy", "vendor", "ADDecoy", "version", ADDECOY_VERSION));
    json_decref(c);
    return o;
}

static void send_heartbeat(health *h, int64_t now_ms)
{
    json_t *doc = heartbeat_json(h, now_ms);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    size_t len = text ? strlen(text) : 0;

    json_decref(doc);
    if (!text)
        return;
    /* sent by each sink's delivery thread when that sink is ready: never waited for here */
    delivery_offer_heartbeat(h->env.dl, text, len);
    h->last_heartbeat_ms = now_ms;
    free(text);
}

/* ---- the loop's entry points ---------------------------------------------------------------- */
static int check_blind(health *h, int64_t now_ms)
{
    int emitted = 0;

    for (size_t i = 0; i < h->nin; i++) {
        health_input *hi = &h->in[i];
        blind_transition t = blind_check(&hi->blind, now_ms);
        char *doc;
        if (t == BLIND_NONE)
            continue;
        /* not read lately (input paused while the spool is full): its silence says nothing */
        if (t == BLIND_RAISE && now_ms - hi->last_poll_ms > 2 * h->env.cfg->poll_ms + 5000)
            continue;
        if (t == BLIND_RAISE) /* the alert names the time the input went silent */
            hi->blind.blind_since_ms = hi->blind.last_event_ms;
        doc = sensor_alert_json(hi, t, h->host, now_ms);
        if (!doc || h->env.emit(h->env.emit_ctx, doc, strlen(doc))) {
            free(doc);
            continue; /* due again at the next pass */
        }
        svc_log(h->env.lg, t == BLIND_RAISE ? SVC_LOG_ERR : SVC_LOG_INFO, "input %s: %s", hi->name,
                t == BLIND_RAISE ? "sensor_blind: no event within the blind limit (alert sent)"
                                 : "sensor_restored: events flow again (alert sent)");
        blind_apply(&hi->blind, t);
        emitted = 1;
        free(doc);
    }
    return emitted;
}

int health_tick(health *h, const json_t *cp_inputs, int64_t now_ms)
{
    int emitted = check_blind(h, now_ms);

    h->emitted |= emitted;
    if (h->next_heartbeat_ms >= 0 && now_ms >= h->next_heartbeat_ms) {
        send_heartbeat(h, now_ms);
        h->next_heartbeat_ms = now_ms + h->env.cfg->heartbeat_ms;
    }
    if (now_ms >= h->next_status_ms) {
        write_status(h, cp_inputs, now_ms, 1);
        h->next_status_ms = now_ms + HEALTH_STATUS_EVERY_MS;
    }
    return emitted;
}

void health_committed(health *h, int ok)
{
    if (!h->emitted)
        return;
    for (size_t i = 0; i < h->nin; i++)
        blind_commit(&h->in[i].blind, ok);
    h->emitted = 0;
    save_sensors(h);
}

void health_close(health *h, const json_t *cp_inputs, int64_t now_ms)
{
    if (!h)
        return;
    if (h->in && h->env.cfg) {
        write_status(h, cp_inputs, now_ms, 0);
        save_sensors(h);
    }
    free(h->in);
    free(h);
}
