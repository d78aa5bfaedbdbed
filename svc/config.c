/* config.c - loads and validates decoysvc's JSON configuration. Strict: unknown keys are errors
 * (keys starting with "_" are comments), every error names the file, line or field. Each section's
 * keys are an option map (svc/optmap.h); the inputs are in config_input.c. */
#include "svc/config_int.h"
#include "svc/detect/inventory_source.h"
#include "svc/base/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The settings of the top level and its small sections, filled by their option maps. */
typedef struct root_opts {
    char *inventory, *state_dir, *inventory_ca_file, *inventory_token_file;
    int log_level;
    double poll_ms, inventory_poll_seconds;
} root_opts;
typedef struct section_opts {
    double interval_seconds, max_mb, window_seconds; /* heartbeat, spool, throttle */
    double interval_hours, st_seconds, expect_within_seconds;
    char *canary, *keytab, *principal; /* self_test */
} section_opts;

static const opt_def ROOT_OPTS[] = {
    OPT_S(root_opts, inventory, "inventory", OPT_NEEDED | OPT_NONEMPTY, NULL,
          "the decoy inventory: a file or an https:// URL"),
    OPT_N(root_opts, inventory_poll_seconds, "inventory_poll_seconds", 300, 1, 86400,
          "URL inventory: poll interval"),
    OPT_S(root_opts, inventory_ca_file, "inventory_ca_file", OPT_NONEMPTY, NULL, "URL inventory: PEM CA bundle"),
    OPT_S(root_opts, inventory_token_file, "inventory_token_file", OPT_NONEMPTY, NULL,
          "URL inventory: bearer token file"),
    OPT_S(root_opts, state_dir, "state_dir", OPT_NEEDED | OPT_NONEMPTY, NULL, "spool and checkpoints"),
    OPT_C("inputs", OPT_NEEDED, "event sources (CONFIG_INPUT_MAP)"),
    OPT_C("sinks", OPT_NEEDED, "alert destinations (svc/sink)"),
    OPT_E(root_opts, log_level, "log_level", "error|warning|info|debug", SVC_LOG_INFO, "diagnostics level"),
    OPT_C("throttle", 0, "{window_seconds, allowlist}"),
    OPT_C("spool", 0, "{max_mb}"),
    OPT_N(root_opts, poll_ms, "poll_ms", 100, 10, 60000, "how often followed files are checked"),
    OPT_C("self_test", 0, "the scheduled self-trip"),
    OPT_C("heartbeat", 0, "{interval_seconds}"),
    OPT_END,
};
static const opt_def HEARTBEAT_OPTS[] = {
    OPT_N(section_opts, interval_seconds, "interval_seconds", 300, 0, 86400, "heartbeat interval, 0 = off"),
    OPT_END,
};
static const opt_def SPOOL_OPTS[] = {
    OPT_N(section_opts, max_mb, "max_mb", 256, 1, 1024 * 1024, "spool size bound"),
    OPT_END,
};
static const opt_def THROTTLE_OPTS[] = {
    OPT_N(section_opts, window_seconds, "window_seconds", 300, 0, 86400, "repeats within it are folded"),
    OPT_C("allowlist", 0, "source IPs or CIDRs counted and logged, not alerted"),
    OPT_END,
};
static const opt_def SELF_TEST_OPTS[] = {
    OPT_N(section_opts, interval_hours, "interval_hours", 0, 0, 24 * 365, "how often the self-trip runs (0 = off)"),
    {"interval_seconds", OPT_NUM, OPT_TESTS, offsetof(section_opts, st_seconds), NULL, 0, 0, 365 * 86400,
     NULL, 0, "the same in seconds, for tests"},
    OPT_S(section_opts, canary, "canary", OPT_NONEMPTY, NULL, "a decoy with an SPN"),
    OPT_N(section_opts, expect_within_seconds, "expect_within_seconds", 120, 1, 86400, "wait for the 4769"),
    OPT_S(section_opts, keytab, "keytab", OPT_NONEMPTY, NULL, "POSIX: the self-test principal's keytab"),
    OPT_S(section_opts, principal, "principal", OPT_NONEMPTY, NULL, "POSIX: that principal"),
    OPT_END,
};
static const opt_map ROOT_MAP = {"config", ": ", NULL, ROOT_OPTS};
static const opt_map HEARTBEAT_MAP = {"heartbeat", ".", NULL, HEARTBEAT_OPTS};
static const opt_map SPOOL_MAP = {"spool", ".", NULL, SPOOL_OPTS};
static const opt_map THROTTLE_MAP = {"throttle", ".", NULL, THROTTLE_OPTS};
static const opt_map SELF_TEST_MAP = {"self_test", ".", NULL, SELF_TEST_OPTS};

void svc_config_list_keys(FILE *out)
{
    static const opt_map *const maps[] = {&ROOT_MAP,     &HEARTBEAT_MAP, &SPOOL_MAP,
                                          &THROTTLE_MAP, &SELF_TEST_MAP, &CONFIG_INPUT_MAP};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        opt_list(out, maps[i]);
}

/* A section of the top level: absent (defaults), or an object with the map's keys only. */
static int parse_section(const json_t *root, const opt_map *m, section_opts *o, const char *example,
                         const char *file, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, m->name);
    char where[512];

    snprintf(where, sizeof where, "%s: %s", file, m->name);
    if (v && !json_is_object(v)) {
        CFG_ERR("%s: must be an object%s%s", where, example ? " such as " : "", example ? example : "");
        return -1;
    }
    return (v && opt_check_known(v, &m, 1, 0, where, err, errlen)) || opt_parse(m, v, -1, o, where, err, errlen);
}

static int parse_throttle(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    json_t *arr = json_object_get(json_object_get(root, "throttle"), "allowlist"), *v;
    section_opts o = {0};
    size_t i;

    if (parse_section(root, &THROTTLE_MAP, &o, NULL, file, err, errlen))
        return -1;
    cfg->throttle_window_ms = (int64_t)(o.window_seconds * 1000);
    if (arr && !json_is_array(arr)) {
        CFG_ERR("%s: throttle.allowlist: must be an array of IP addresses or CIDR blocks", file);
        return -1;
    }
    if (arr && json_array_size(arr)) {
        cfg->allowlist = calloc(json_array_size(arr), sizeof *cfg->allowlist);
        if (!cfg->allowlist)
            return -1;
        json_array_foreach(arr, i, v)
        {
            if (!json_is_string(v)) {
                CFG_ERR("%s: throttle.allowlist[%zu]: must be a string such as \"10.1.2.0/24\"", file, i);
                return -1;
            }
            cfg->allowlist[cfg->nallow++] = dupstr(json_string_value(v));
        }
    }
    return 0;
}

/* Paths inside sink objects ("path", "*_file") are relative to the config file, like the others. */
static void resolve_sink_paths(const char *cfgpath, json_t *sinks)
{
    size_t i;
    json_t *sink;

    json_array_foreach(sinks, i, sink)
    {
        const char *key;
        json_t *v;
        if (!json_is_object(sink))
            continue;
        json_object_foreach(sink, key, v)
        {
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
static int parse_inventory_source(svc_config *cfg, const json_t *root, const root_opts *o, char *err, size_t errlen)
{
    const char *file = cfg->path;
    char uerr[256];

    if (!inventory_is_url(o->inventory)) {
        if (o->inventory_ca_file || o->inventory_token_file || json_object_get(root, "inventory_poll_seconds")) {
            CFG_ERR("%s: inventory_ca_file, inventory_token_file and inventory_poll_seconds are only for an "
                    "https:// inventory",
                    file);
            return -1;
        }
        cfg->inventory = svc_config_resolve(file, o->inventory);
        return cfg->inventory ? 0 : -1;
    }
    if (inventory_url_check(o->inventory, uerr, sizeof uerr)) {
        CFG_ERR("%s: inventory: %s", file, uerr);
        return -1;
    }
    cfg->inventory = dupstr(o->inventory);
    cfg->inventory_ca_file = o->inventory_ca_file ? svc_config_resolve(file, o->inventory_ca_file) : NULL;
    cfg->inventory_token_file =
        o->inventory_token_file ? svc_config_resolve(file, o->inventory_token_file) : NULL;
    cfg->inventory_poll_ms = (int64_t)(o->inventory_poll_seconds * 1000);
    return 0;
}

static int parse_self_test(svc_config *cfg, const json_t *root, const char *file, char *err, size_t errlen)
{
    svc_self_test_conf *c = &cfg->self_test;
    section_opts o = {0};
    char where[512];
    int rc = -1;

    snprintf(where, sizeof where, "%s: self_test", file);
    if (parse_section(root, &SELF_TEST_MAP, &o, NULL, file, err, errlen))
        goto out;
    if (o.interval_hours > 0 && o.st_seconds > 0) {
        CFG_ERR("%s: give interval_hours or interval_seconds (for tests), not both", where);
        goto out;
    }
    c->interval_ms = (int64_t)(o.interval_hours > 0 ? o.interval_hours * 3600 * 1000 : o.st_seconds * 1000);
    c->expect_ms = (int64_t)(o.expect_within_seconds * 1000);
    c->keytab = o.keytab ? svc_config_resolve(file, o.keytab) : NULL;
    c->canary = o.canary, o.canary = NULL;
    c->principal = o.principal, o.principal = NULL;
    if (c->interval_ms > 0 && !c->canary) {
        CFG_ERR("%s.canary: missing (the name of a decoy with an SPN, from the inventory)", where);
        goto out;
    }
    if (!svc_is_windows() && c->interval_ms > 0 && (!c->keytab || !c->principal)) {
        CFG_ERR("%s: \"keytab\" and \"principal\" (a dedicated low-privilege principal) are needed on this platform",
                where);
        goto out;
    }
    if (c->interval_ms > 0 && c->interval_ms <= c->expect_ms) {
        CFG_ERR("%s: the interval must be longer than expect_within_seconds", where);
        goto out;
    }
    rc = 0;
out:
    opt_free(&SELF_TEST_MAP, &o);
    return rc;
}

static int parse_root(svc_config *cfg, json_t *root, char *err, size_t errlen)
{
    static const opt_map *const maps[] = {&ROOT_MAP};
    const char *file = cfg->path;
    root_opts o = {0};
    section_opts so = {0};
    int rc = -1;

    if (!json_is_object(root)) {
        CFG_ERR("%s: the configuration must be a JSON object", file);
        return -1;
    }
    if (opt_check_known(root, maps, 1, 0, file, err, errlen) ||
        opt_parse(&ROOT_MAP, root, -1, &o, file, err, errlen))
        goto out;
    cfg->log_level = (svc_log_level)o.log_level;
    if (!o.inventory) {
        CFG_ERR("%s: inventory: missing (path of the decoy inventory written by adseed)", file);
        goto out;
    }
    if (!o.state_dir) {
        CFG_ERR("%s: state_dir: missing (directory for the spool and input checkpoints)", file);
        goto out;
    }
    if (parse_inventory_source(cfg, root, &o, err, errlen))
        goto out;
    cfg->state_dir = svc_config_resolve(file, o.state_dir);
    cfg->poll_ms = (int64_t)o.poll_ms;
    if (parse_section(root, &SPOOL_MAP, &so, "{\"max_mb\": 256}", file, err, errlen))
        goto out;
    cfg->spool_max_bytes = (uint64_t)(so.max_mb * 1024 * 1024);
    if (parse_throttle(cfg, root, file, err, errlen) || config_parse_inputs(cfg, root, err, errlen) ||
        parse_self_test(cfg, root, file, err, errlen) ||
        parse_section(root, &HEARTBEAT_MAP, &so, "{\"interval_seconds\": 300}", file, err, errlen))
        goto out;
    cfg->heartbeat_ms = (int64_t)(so.interval_seconds * 1000);
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
    opt_free(&ROOT_MAP, &o);
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
        free(in->name), free(in->path), free(in->auth_log), free(in->kdc_log), free(in->dsdb_log),
            free(in->computer);
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
