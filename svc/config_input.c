/* config_input.c - the config's "inputs" array: the input option map (every key once, with the input
 * types it applies to) and the parsing of each entry into an svc_input_conf. */
#include "svc/base/analyzer.h"
#include "svc/config_int.h"

#include <stdlib.h>
#include <string.h>

/* Variants of INPUT_MAP (opt_def.scope bits), in svc_input_type order less one. */
#define IN_XML (1u << 0)
#define IN_JSON (1u << 1)
#define IN_SAMBA (1u << 2)
#define IN_EVENTLOG (1u << 3)

typedef struct input_opts {
    char *path, *auth_log, *kdc_log, *dsdb_log, *computer;
    int start, render;
    double blind_min, blind_sec;
} input_opts;

static const opt_def INPUT_OPTS[] = {
    OPT_C("type", OPT_NEEDED, "xml, json, samba or eventlog"),
    {"path", OPT_STR, OPT_NONEMPTY, offsetof(input_opts, path), NULL, 0, 0, 0, NULL, IN_XML | IN_JSON,
     "the file followed, \"-\" = standard input (required)"},
    {"format", OPT_CUSTOM, 0, 0, NULL, 0, 0, 0, NULL, IN_JSON, "auto, winlogbeat, elastic-agent or nxlog"},
    OPT_E(input_opts, start, "start", "beginning|end|oldest|future", 0, "where to begin without a checkpoint"),
    {"auth_log", OPT_STR, OPT_NONEMPTY, offsetof(input_opts, auth_log), NULL, 0, 0, 0, NULL, IN_SAMBA,
     "Samba's JSON authentication audit log"},
    {"kdc_log", OPT_STR, OPT_NONEMPTY, offsetof(input_opts, kdc_log), NULL, 0, 0, 0, NULL, IN_SAMBA,
     "Samba's KDC log"},
    {"dsdb_log", OPT_STR, OPT_NONEMPTY, offsetof(input_opts, dsdb_log), NULL, 0, 0, 0, NULL, IN_SAMBA,
     "Samba's directory change audit log"},
    {"computer", OPT_STR, OPT_NONEMPTY, offsetof(input_opts, computer), "samba-dc", 0, 0, 0, NULL, IN_SAMBA,
     "the DC's name, reported as host.name"},
    {"channels", OPT_CUSTOM, 0, 0, NULL, 0, 0, 0, NULL, IN_EVENTLOG, "event log channels (default [\"Security\"])"},
    {"render", OPT_ENUM, 0, offsetof(input_opts, render), NULL, 0, 0, 0, "xml|values", IN_EVENTLOG,
     "whole events as XML, or only the detector's values"},
    OPT_N(input_opts, blind_min, "blind_after_minutes", -1, 0, 10080,
          "no event for this long = sensor_blind (0 = off)"),
    {"blind_after_seconds", OPT_NUM, OPT_TESTS, offsetof(input_opts, blind_sec), NULL, -1, 0, 604800, NULL, 0,
     "the same in seconds, for tests"},
    OPT_END,
};
const opt_map CONFIG_INPUT_MAP = {"input", ".", "xml|json|samba|eventlog", INPUT_OPTS};

static int parse_json_format(const json_t *obj, evtx_json_format *out, const char *where, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, "format");
    if (!v)
        return 0;
    if (!json_is_string(v) || evtx_json_format_parse(json_string_value(v), out) != 0) {
        CFG_ERR("%s.format: must be \"auto\", \"winlogbeat\", \"elastic-agent\" or \"nxlog\"", where);
        return -1;
    }
    return 0;
}

/* -fanalyzer (gcc 12): in->channels[i] (an element of the caller's inputs array) is reported leaked (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
static int parse_channels(const json_t *obj, svc_input_conf *in, const char *where, char *err, size_t errlen)
{
    json_t *arr = json_object_get(obj, "channels");
    size_t i;
    json_t *v;

    if (!arr) {
        in->channels[0] = strdup("Security");
        in->nchannels = 1;
        return in->channels[0] ? 0 : -1;
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > SVC_MAX_CHANNELS) {
        CFG_ERR("%s.channels: must be an array of 1 to %d channel names", where, SVC_MAX_CHANNELS);
        return -1;
    }
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0) {
            CFG_ERR("%s.channels[%zu]: must be a channel name such as \"Security\"", where, i);
            return -1;
        }
        in->channels[in->nchannels++] = strdup(json_string_value(v));
    }
    return 0;
}
ANALYZER_LEAK_CHECK_ON

/* Default 60 minutes for a DC's Security channel and a Samba DC's logs (they log Kerberos traffic
 * all the time), off for an XML or JSON file; "blind_after_seconds" exists for tests. */
static int blind_after(const input_opts *o, svc_input_conf *in, const char *where, char *err, size_t errlen)
{
    double min = o->blind_min >= 0                                         ? o->blind_min
                 : in->type == SVC_INPUT_XML || in->type == SVC_INPUT_JSON ? 0
                                                                           : 60;

    if (o->blind_min >= 0 && o->blind_sec >= 0) {
        CFG_ERR("%s: give blind_after_minutes or blind_after_seconds (for tests), not both", where);
        return -1;
    }
    in->blind_after_ms = o->blind_sec >= 0 ? (int64_t)(o->blind_sec * 1000) : (int64_t)(min * 60000);
    return 0;
}

/* Moves a path of the map's settings into the input, resolved against the config's folder. */
static char *take_path(const char *cfgpath, char **p)
{
    char *r = *p ? svc_config_resolve(cfgpath, *p) : NULL;
    free(*p);
    *p = NULL;
    return r;
}

static int input_type(const json_t *obj, svc_input_type *t, const char *where, char *err, size_t errlen)
{
    static const char *const names[] = {"xml", "samba", "eventlog", "json"}; /* svc_input_type order */
    json_t *v = json_object_get(obj, "type");
    const char *s = json_string_value(v);

    if (!v || (json_is_string(v) && !*s)) {
        CFG_ERR("%s.type: missing (one of \"xml\", \"json\", \"samba\", \"eventlog\")", where);
        return -1;
    }
    if (!s) {
        CFG_ERR("%s.type: must be a non-empty string", where);
        return -1;
    }
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *t = (svc_input_type)(SVC_INPUT_XML + i);
            return 0;
        }
    CFG_ERR("%s.type: unknown input type '%.40s' (one of \"xml\", \"json\", \"samba\", \"eventlog\")", where, s);
    return -1;
}

/* -fanalyzer (gcc 12): in->name (an element of the caller's inputs array) is reported leaked (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
static int parse_input(const char *cfgpath, const json_t *obj, svc_input_conf *in, const char *where,
                       char *err, size_t errlen)
{
    static const opt_map *const maps[] = {&CONFIG_INPUT_MAP};
    static const int variant[] = {
        [SVC_INPUT_XML] = 0, [SVC_INPUT_JSON] = 1, [SVC_INPUT_SAMBA] = 2, [SVC_INPUT_EVENTLOG] = 3};
    input_opts o = {0};
    char name[600];
    int rc = -1;

    if (!json_is_object(obj)) {
        CFG_ERR("%s: must be an object", where);
        return -1;
    }
    if (opt_check_known(obj, maps, 1, 0, where, err, errlen) || input_type(obj, &in->type, where, err, errlen) ||
        opt_parse(&CONFIG_INPUT_MAP, obj, variant[in->type], &o, where, err, errlen))
        goto out;
    in->start = o.start % 2 ? SVC_START_END : SVC_START_BEGINNING; /* oldest = beginning, future = end */
    switch (in->type) {
    case SVC_INPUT_XML:
    case SVC_INPUT_JSON:
        if (!o.path) {
            CFG_ERR("%s.path: missing (a %s file, or \"-\" for standard input)", where,
                    in->type == SVC_INPUT_JSON ? "JSON lines (Winlogbeat, NXLog)" : "rendered event XML");
            goto out;
        }
        if (in->type == SVC_INPUT_JSON && parse_json_format(obj, &in->format, where, err, errlen))
            goto out;
        in->path = take_path(cfgpath, &o.path);
        snprintf(name, sizeof name, "%s:%s", in->type == SVC_INPUT_JSON ? "json" : "xml", in->path);
        break;
    case SVC_INPUT_SAMBA:
        if (!o.auth_log && !o.kdc_log && !o.dsdb_log) {
            CFG_ERR("%s: a samba input needs \"auth_log\", \"kdc_log\" and/or \"dsdb_log\"", where);
            goto out;
        }
        in->auth_log = take_path(cfgpath, &o.auth_log);
        in->kdc_log = take_path(cfgpath, &o.kdc_log);
        in->dsdb_log = take_path(cfgpath, &o.dsdb_log);
        in->computer = o.computer, o.computer = NULL;
        snprintf(name, sizeof name, "samba:%s", in->computer);
        break;
    case SVC_INPUT_EVENTLOG:
        if (parse_channels(obj, in, where, err, errlen))
            goto out;
        in->render_values = o.render == 1;
        snprintf(name, sizeof name, "eventlog");
        break;
    }
    in->name = strdup(name);
    rc = blind_after(&o, in, where, err, errlen);
out:
    opt_free(&CONFIG_INPUT_MAP, &o);
    return rc;
}
ANALYZER_LEAK_CHECK_ON

int config_parse_inputs(svc_config *cfg, const json_t *root, char *err, size_t errlen)
{
    json_t *arr = json_object_get(root, "inputs");
    json_t *v;
    size_t i;
    char where[512];

    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        CFG_ERR("%s: inputs: must be a non-empty array of input objects", cfg->path);
        return -1;
    }
    cfg->inputs = calloc(json_array_size(arr), sizeof *cfg->inputs);
    if (!cfg->inputs)
        return -1;
    json_array_foreach(arr, i, v)
    {
        snprintf(where, sizeof where, "%s: inputs[%zu]", cfg->path, i);
        cfg->ninputs = i + 1;
        if (parse_input(cfg->path, v, &cfg->inputs[i], where, err, errlen))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->inputs[j].name, cfg->inputs[i].name) == 0) {
                CFG_ERR("%s: duplicate of inputs[%zu]", where, j);
                return -1;
            }
    }
    return 0;
}
