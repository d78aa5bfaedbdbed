/* config.c - loads and validates decoysvc's JSON configuration. Strict: unknown keys are errors
 * (keys starting with "_" are comments), every error names the file, line or field. */
#include "svc/config.h"
#include "svc/detect/inventory_source.h"
#include "svc/base/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CFG_ERR(...) snprintf(err, errlen, __VA_ARGS__)

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *svc_config_resolve(const char *config_path, const char *p)
{
    const char *slash;
    size_t dirlen;
    char *out;

    if (!p || svc_path_is_absolute(p) || !config_path || strcmp(p, "-") == 0)
        return p ? dupstr(p) : NULL;
    slash = svc_path_last_sep(config_path);
    if (!slash)
        return dupstr(p);
    dirlen = (size_t)(slash - config_path);
    out = malloc(dirlen + strlen(p) + 2);
    if (out)
        sprintf(out, "%.*s/%s", (int)dirlen, config_path, p);
    return out;
}

/* Checks that obj has only the allowed keys (and "_comment"-style ones). */
static int check_keys(const json_t *obj, const char *const *allowed, const char *where,
                      char *err, size_t errlen)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        int ok = key[0] == '_';
        for (size_t i = 0; !ok && allowed[i]; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            CFG_ERR("%s: unknown key '%s'", where, key);
            return -1;
        }
    }
    return 0;
}

/* Optional string member; *out stays NULL when absent. */
static int get_str(const json_t *obj, const char *key, char **out, const char *where,
                   char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v) || json_string_length(v) == 0) {
        CFG_ERR("%s.%s: must be a non-empty string", where, key);
        return -1;
    }
    free(*out);
    *out = dupstr(json_string_value(v));
    return *out ? 0 : -1;
}

static int get_num(const json_t *obj, const char *key, double min, double max, double *out,
                   const char *where, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
        CFG_ERR("%s.%s: must be a number from %g to %g", where, key, min, max);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int parse_start(const json_t *obj, svc_input_start *out, const char *where, char *err,
                       size_t errlen)
{
    json_t *v = json_object_get(obj, "start");
    const char *s;
    if (!v)
        return 0;
    s = json_string_value(v);
    if (s && (strcmp(s, "beginning") == 0 || strcmp(s, "oldest") == 0))
        *out = SVC_START_BEGINNING;
    else if (s && (strcmp(s, "end") == 0 || strcmp(s, "future") == 0))
        *out = SVC_START_END;
    else {
        CFG_ERR("%s.start: must be \"beginning\" or \"end\"", where);
        return -1;
    }
    return 0;
}

static int parse_json_format(const json_t *obj, evtx_json_format *out, const char *where, char *err,
                             size_t errlen)
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

static int parse_channels(const json_t *obj, svc_input_conf *in, const char *where, char *err,
                          size_t errlen)
{
    json_t *arr = json_object_get(obj, "channels");
    size_t i;
    json_t *v;

    if (!arr) {
        in->channels[0] = dupstr("Security");
        in->nchannels = 1;
        return in->channels[0] ? 0 : -1;
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > SVC_MAX_CHANNELS) {
        CFG_ERR("%s.channels: must be an array of 1 to %d channel names", where, SVC_MAX_CHANNELS);
        return -1;
    }
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v) || json_string_length(v) == 0) {
            CFG_ERR("%s.channels[%zu]: must be a channel name such as \"Security\"", where, i);
            return -1;
        }
        in->channels[in->nchannels++] = dupstr(json_string_value(v));
    }
    return 0;
}

/* Default 60 minutes for a DC's Security channel and a Samba DC's logs (they log Kerberos traffic
 * all the time), off for an XML file; "blind_after_seconds" exists for tests. */
static int parse_blind_after(const json_t *obj, svc_input_conf *in, const char *where, char *err, size_t errlen)
{
    double min = in->type == SVC_INPUT_XML || in->type == SVC_INPUT_JSON ? 0 : 60, sec = -1;

    if (get_num(obj, "blind_after_minutes", 0, 10080, &min, where, err, errlen) ||
        get_num(obj, "blind_after_seconds", 0, 604800, &sec, where, err, errlen))
        return -1;
    if (json_object_get(obj, "blind_after_minutes") && json_object_get(obj, "blind_after_seconds")) {
        CFG_ERR("%s: give blind_after_minutes or blind_after_seconds (for tests), not both", where);
        return -1;
    }
    in->blind_after_ms = sec >= 0 ? (int64_t)(sec * 1000) : (int64_t)(min * 60000);
    return 0;
}

static int parse_heartbeat(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    static const char *const keys[] = {"interval_seconds", NULL};
    json_t *h = json_object_get(root, "heartbeat");
    double secs = 300;
    char where[512];

    snprintf(where, sizeof where, "%s: heartbeat", file);
    if (h && !json_is_object(h)) {
        CFG_ERR("%s: must be an object such as {\"interval_seconds\": 300}", where);
        return -1;
    }
    if (h && (check_keys(h, keys, where, err, errlen) ||
              get_num(h, "interval_seconds", 0, 86400, &secs, where, err, errlen)))
        return -1;
    cfg->heartbeat_ms = (int64_t)(secs * 1000);
    return 0;
}

static int parse_input(const char *cfgpath, const json_t *obj, svc_input_conf *in, const char *where,
                       char *err, size_t errlen)
{
    static const char *const keys[] = {"type", "path", "auth_log", "kdc_log", "dsdb_log", "computer",
                                       "channels", "start", "format", "render", "blind_after_minutes",
                                       "blind_after_seconds", NULL};
    char *type = NULL, *p = NULL;
    char name[600];
    int rc = -1;

    if (!json_is_object(obj)) {
        CFG_ERR("%s: must be an object", where);
        return -1;
    }
    if (check_keys(obj, keys, where, err, errlen) || get_str(obj, "type", &type, where, err, errlen))
        goto out;
    if (!type) {
        CFG_ERR("%s.type: missing (one of \"xml\", \"json\", \"samba\", \"eventlog\")", where);
        goto out;
    }
    if (parse_start(obj, &in->start, where, err, errlen))
        goto out;
    if (json_object_get(obj, "format") && strcmp(type, "json") != 0) {
        CFG_ERR("%s.format: only for a \"json\" input", where);
        goto out;
    }
    if (strcmp(type, "xml") == 0 || strcmp(type, "json") == 0) {
        int is_json = type[0] == 'j';
        in->type = is_json ? SVC_INPUT_JSON : SVC_INPUT_XML;
        if (get_str(obj, "path", &p, where, err, errlen))
            goto out;
        if (!p) {
            CFG_ERR("%s.path: missing (a %s file, or \"-\" for standard input)", where,
                    is_json ? "JSON lines (Winlogbeat, NXLog)" : "rendered event XML");
            goto out;
        }
        if (is_json && parse_json_format(obj, &in->format, where, err, errlen))
            goto out;
        in->path = svc_config_resolve(cfgpath, p);
        snprintf(name, sizeof name, "%s:%s", type, in->path);
    } else if (strcmp(type, "samba") == 0) {
        char *a = NULL, *k = NULL, *ds = NULL;
        in->type = SVC_INPUT_SAMBA;
        if (get_str(obj, "auth_log", &a, where, err, errlen) ||
            get_str(obj, "kdc_log", &k, where, err, errlen) ||
            get_str(obj, "dsdb_log", &ds, where, err, errlen) ||
            get_str(obj, "computer", &in->computer, where, err, errlen)) {
            free(a), free(k), free(ds);
            goto out;
        }
        if (!a && !k && !ds) {
            CFG_ERR("%s: a samba input needs \"auth_log\", \"kdc_log\" and/or \"dsdb_log\"", where);
            goto out;
        }
        in->auth_log = a ? svc_config_resolve(cfgpath, a) : NULL;
        in->kdc_log = k ? svc_config_resolve(cfgpath, k) : NULL;
        in->dsdb_log = ds ? svc_config_resolve(cfgpath, ds) : NULL;
        free(a), free(k), free(ds);
        if (!in->computer)
            in->computer = dupstr("samba-dc");
        snprintf(name, sizeof name, "samba:%s", in->computer);
    } else if (strcmp(type, "eventlog") == 0) {
        in->type = SVC_INPUT_EVENTLOG;
        if (parse_channels(obj, in, where, err, errlen) || get_str(obj, "render", &p, where, err, errlen))
            goto out;
        if (p && strcmp(p, "values") != 0 && strcmp(p, "xml") != 0) {
            CFG_ERR("%s.render: must be \"xml\" (the default) or \"values\"", where);
            goto out;
        }
        in->render_values = p && strcmp(p, "values") == 0;
        snprintf(name, sizeof name, "eventlog");
    } else {
        CFG_ERR("%s.type: unknown input type '%s' (one of \"xml\", \"json\", \"samba\", \"eventlog\")", where,
                type);
        goto out;
    }
    in->name = dupstr(name);
    rc = parse_blind_after(obj, in, where, err, errlen);
out:
    free(type);
    free(p);
    return rc;
}

static int parse_inputs(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    json_t *arr = json_object_get(root, "inputs");
    json_t *v;
    size_t i;
    char where[512];

    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        CFG_ERR("%s: inputs: must be a non-empty array of input objects", file);
        return -1;
    }
    cfg->inputs = calloc(json_array_size(arr), sizeof *cfg->inputs);
    if (!cfg->inputs)
        return -1;
    json_array_foreach(arr, i, v) {
        snprintf(where, sizeof where, "%s: inputs[%zu]", file, i);
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

static int parse_throttle(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    static const char *const keys[] = {"window_seconds", "allowlist", NULL};
    json_t *t = json_object_get(root, "throttle"), *arr, *v;
    char where[512];
    double win = 300;
    size_t i;

    if (!t)
        goto done;
    snprintf(where, sizeof where, "%s: throttle", file);
    if (!json_is_object(t)) {
        CFG_ERR("%s: must be an object", where);
        return -1;
    }
    if (check_keys(t, keys, where, err, errlen) ||
        get_num(t, "window_seconds", 0, 86400, &win, where, err, errlen))
        return -1;
    arr = json_object_get(t, "allowlist");
    if (arr && !json_is_array(arr)) {
        CFG_ERR("%s.allowlist: must be an array of IP addresses or CIDR blocks", where);
        return -1;
    }
    if (arr && json_array_size(arr)) {
        cfg->allowlist = calloc(json_array_size(arr), sizeof *cfg->allowlist);
        if (!cfg->allowlist)
            return -1;
        json_array_foreach(arr, i, v) {
            if (!json_is_string(v)) {
                CFG_ERR("%s.allowlist[%zu]: must be a string such as \"10.1.2.0/24\"", where, i);
                return -1;
            }
            cfg->allowlist[cfg->nallow++] = dupstr(json_string_value(v));
        }
    }
done:
    cfg->throttle_window_ms = (int64_t)(win * 1000);
    return 0;
}

static int parse_log_level(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    json_t *v = json_object_get(root, "log_level");
    const char *s;

    cfg->log_level = SVC_LOG_INFO;
    if (!v)
        return 0;
    s = json_string_value(v);
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            cfg->log_level = (svc_log_level)i;
            return 0;
        }
    CFG_ERR("%s: log_level: must be \"error\", \"warning\", \"info\" or \"debug\"", file);
    return -1;
}

/* Paths inside sink objects ("path", "*_file") are relative to the config file, like the others. */
static void resolve_sink_paths(const char *cfgpath, json_t *sinks)
{
    size_t i;
    json_t *sink;

    json_array_foreach(sinks, i, sink) {
        const char *key;
        json_t *v;
        if (!json_is_object(sink))
            continue;
        json_object_foreach(sink, key, v) {
            size_t n = strlen(key);
            char *abs;
            if (!json_is_string(v) || (strcmp(key, "path") != 0 && (n < 5 || strcmp(key + n - 5, "_file") != 0)))
                continue;
            abs = svc_config_resolve(cfgpath, json_string_value(v));
            if (abs)
                json_string_set(v, abs);
            free(abs);
        }
    }
}

/* "inventory": a file (relative to the config) or an https:// URL with its polling options. */
static int parse_inventory_source(svc_config *cfg, const json_t *root, const char *inv, char *err, size_t errlen)
{
    const char *file = cfg->path;
    char *ca = NULL, *tok = NULL, uerr[256];
    double poll = 300;
    int rc = -1;

    if (get_str(root, "inventory_ca_file", &ca, file, err, errlen) ||
        get_str(root, "inventory_token_file", &tok, file, err, errlen) ||
        get_num(root, "inventory_poll_seconds", 1, 86400, &poll, file, err, errlen))
        goto out;
    if (!inventory_is_url(inv)) {
        if (ca || tok || json_object_get(root, "inventory_poll_seconds")) {
            CFG_ERR("%s: inventory_ca_file, inventory_token_file and inventory_poll_seconds are only for an "
                    "https:// inventory", file);
            goto out;
        }
        cfg->inventory = svc_config_resolve(file, inv);
        rc = cfg->inventory ? 0 : -1;
        goto out;
    }
    if (inventory_url_check(inv, uerr, sizeof uerr)) {
        CFG_ERR("%s: inventory: %s", file, uerr);
        goto out;
    }
    cfg->inventory = dupstr(inv);
    cfg->inventory_ca_file = ca ? svc_config_resolve(file, ca) : NULL;
    cfg->inventory_token_file = tok ? svc_config_resolve(file, tok) : NULL;
    cfg->inventory_poll_ms = (int64_t)(poll * 1000);
    rc = 0;
out:
    free(ca);
    free(tok);
    return rc;
}

static int parse_self_test(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    static const char *const keys[] = {"interval_hours", "interval_seconds", "canary", "expect_within_seconds",
                                       "keytab", "principal", NULL};
    json_t *t = json_object_get(root, "self_test");
    svc_self_test_conf *c = &cfg->self_test;
    double hours = 0, secs = 0, expect = 120;
    char where[512], *kt = NULL;

    c->expect_ms = (int64_t)(expect * 1000);
    if (!t)
        return 0;
    snprintf(where, sizeof where, "%s: self_test", file);
    if (!json_is_object(t)) {
        CFG_ERR("%s: must be an object", where);
        return -1;
    }
    if (check_keys(t, keys, where, err, errlen) || get_num(t, "interval_hours", 0, 24 * 365, &hours, where, err, errlen) ||
        get_num(t, "interval_seconds", 0, 365 * 86400, &secs, where, err, errlen) ||
        get_num(t, "expect_within_seconds", 1, 86400, &expect, where, err, errlen) ||
        get_str(t, "canary", &c->canary, where, err, errlen) || get_str(t, "keytab", &kt, where, err, errlen) ||
        get_str(t, "principal", &c->principal, where, err, errlen))
        goto fail;
    if (hours > 0 && secs > 0) {
        CFG_ERR("%s: give interval_hours or interval_seconds (for tests), not both", where);
        goto fail;
    }
    c->interval_ms = (int64_t)(hours > 0 ? hours * 3600 * 1000 : secs * 1000);
    c->expect_ms = (int64_t)(expect * 1000);
    c->keytab = kt ? svc_config_resolve(file, kt) : NULL;
    free(kt);
    if (c->interval_ms > 0 && !c->canary) {
        CFG_ERR("%s.canary: missing (the name of a decoy with an SPN, from the inventory)", where);
        return -1;
    }
    if (!svc_is_windows() && c->interval_ms > 0 && (!c->keytab || !c->principal)) {
        CFG_ERR("%s: \"keytab\" and \"principal\" (a dedicated low-privilege principal) are needed on this platform",
                where);
        return -1;
    }
    if (c->interval_ms > 0 && c->interval_ms <= c->expect_ms) {
        CFG_ERR("%s: the interval must be longer than expect_within_seconds", where);
        return -1;
    }
    return 0;
fail:
    free(kt);
    return -1;
}

static int parse_root(svc_config *cfg, json_t *root, char *err, size_t errlen)
{
    static const char *const keys[] = {"inventory", "state_dir", "log_level", "inputs", "throttle",
                                       "spool", "sinks", "poll_ms", "inventory_poll_seconds",
                                       "inventory_ca_file", "inventory_token_file", "self_test", "heartbeat",
                                       NULL};
    const char *file = cfg->path;
    char *inv = NULL, *state = NULL;
    char where[512];
    double max_mb = 256, poll = 100;
    json_t *spool;
    int rc = -1;

    if (!json_is_object(root)) {
        CFG_ERR("%s: the configuration must be a JSON object", file);
        return -1;
    }
    snprintf(where, sizeof where, "%s", file);
    if (check_keys(root, keys, where, err, errlen) || get_str(root, "inventory", &inv, where, err, errlen) ||
        get_str(root, "state_dir", &state, where, err, errlen) || parse_log_level(cfg, root, file, err, errlen) ||
        get_num(root, "poll_ms", 10, 60000, &poll, where, err, errlen))
        goto out;
    if (!inv) {
        CFG_ERR("%s: inventory: missing (path of the decoy inventory written by adseed)", file);
        goto out;
    }
    if (!state) {
        CFG_ERR("%s: state_dir: missing (directory for the spool and input checkpoints)", file);
        goto out;
    }
    if (parse_inventory_source(cfg, root, inv, err, errlen))
        goto out;
    cfg->state_dir = svc_config_resolve(file, state);
    cfg->poll_ms = (int64_t)poll;
    spool = json_object_get(root, "spool");
    if (spool) {
        static const char *const skeys[] = {"max_mb", NULL};
        snprintf(where, sizeof where, "%s: spool", file);
        if (!json_is_object(spool) || check_keys(spool, skeys, where, err, errlen) ||
            get_num(spool, "max_mb", 1, 1024 * 1024, &max_mb, where, err, errlen)) {
            if (!json_is_object(spool))
                CFG_ERR("%s: must be an object such as {\"max_mb\": 256}", where);
            goto out;
        }
    }
    cfg->spool_max_bytes = (uint64_t)(max_mb * 1024 * 1024);
    if (parse_throttle(cfg, root, file, err, errlen) || parse_inputs(cfg, root, file, err, errlen) ||
        parse_self_test(cfg, root, file, err, errlen) || parse_heartbeat(cfg, root, file, err, errlen))
        goto out;
    cfg->sinks = json_object_get(root, "sinks");
    if (!json_is_array(cfg->sinks) || json_array_size(cfg->sinks) == 0) {
        cfg->sinks = NULL;
        CFG_ERR("%s: sinks: must be a non-empty array (where alerts are delivered)", file);
        goto out;
    }
    json_incref(cfg->sinks);
    resolve_sink_paths(file, cfg->sinks);
    rc = 0;
out:
    free(inv);
    free(state);
    return rc;
}

int svc_config_load(svc_config *cfg, const char *path, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root;
    int rc;

    memset(cfg, 0, sizeof *cfg);
    cfg->path = dupstr(path);
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* jansson ends a syntax error with " near '<the text there>'", which may be a token or a
         * secret URL: keep the line and column, never the text. */
        char *near = strstr(jerr.text, " near '");
        if (near)
            *near = '\0';
        if (jerr.line <= 0)
            CFG_ERR("%s: %s", path, jerr.text);
        else
            CFG_ERR("%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        svc_config_free(cfg);
        return -1;
    }
    rc = parse_root(cfg, root, err, errlen);
    json_decref(root);
    if (rc)
        svc_config_free(cfg);
    return rc;
}

void svc_config_free(svc_config *cfg)
{
    for (size_t i = 0; i < cfg->ninputs; i++) {
        svc_input_conf *in = &cfg->inputs[i];
        free(in->name), free(in->path), free(in->auth_log), free(in->kdc_log), free(in->dsdb_log), free(in->computer);
        for (size_t j = 0; j < in->nchannels; j++)
            free(in->channels[j]);
    }
    for (size_t i = 0; i < cfg->nallow; i++)
        free(cfg->allowlist[i]);
    free(cfg->allowlist);
    free(cfg->inputs);
    free(cfg->path);
    free(cfg->inventory);
    free(cfg->inventory_ca_file);
    free(cfg->inventory_token_file);
    free(cfg->state_dir);
    free(cfg->self_test.canary), free(cfg->self_test.keytab), free(cfg->self_test.principal);
    json_decref(cfg->sinks);
    memset(cfg, 0, sizeof *cfg);
}
