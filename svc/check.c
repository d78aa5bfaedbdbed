/* check.c - `decoysvc check`: configuration and inventory validation with precise errors, input
 * readiness, and a marked test alert through every sink with the result of each. */
#include "svc/check.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/config.h"
#include "svc/config_validate.h"
#include "svc/detect/inventory_source.h"
#include "svc/base/crypto.h"
#include "svc/base/platform.h"
#include "svc/sink/sink.h"

char *check_test_alert(void)
{
    char host[256], when[32], id[40];
    uint8_t rnd[16];
    json_t *doc;
    char *text;

    svc_hostname(host, sizeof host);
    evtx_format_time(svc_now_ms(), when, sizeof when);
    if (crypto_random(rnd, sizeof rnd))
        memset(rnd, 0, sizeof rnd);
    for (int i = 0; i < 16; i++)
        snprintf(id + 2 * i, 3, "%02x", rnd[i]);
    doc = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:i, s:i, s:{s:s, s:s}, s:{s:s}, s:{s:i, s:s, s:s, s:s},"
                    " s:{s:s, s:s}}",
                    "id", id, "@timestamp", when, "test", 1, "action", "test", "severity", "low", "summary",
                    "ADDecoy test alert from `decoysvc check`: no decoy was touched", "count", 1,
                    "severity_score", 10, "decoy", "name", "(test)", "kind", "test", "host", "name", host,
                    "event", "code", 0, "kind", "alert", "dataset", "addecoy.alert", "action", "test",
                    "observer", "product", "ADDecoy", "version", ADDECOY_VERSION);
    if (!doc)
        return NULL;
    text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

static int check_inputs(const svc_config *cfg)
{
    for (size_t i = 0; i < cfg->ninputs; i++) {
        const svc_input_conf *in = &cfg->inputs[i];
        const char *paths[3] = {in->type == SVC_INPUT_XML || in->type == SVC_INPUT_JSON ? in->path : in->auth_log,
                                in->type == SVC_INPUT_SAMBA ? in->kdc_log : NULL,
                                in->type == SVC_INPUT_SAMBA ? in->dsdb_log : NULL};
        for (int j = 0; j < 3; j++) {
            if (!paths[j] || strcmp(paths[j], "-") == 0)
                continue;
            printf("input %-28s %s%s\n", in->name, paths[j],
                   svc_file_stamp(paths[j]) ? "" : "  (does not exist yet: it will be waited for)");
        }
        if (in->type == SVC_INPUT_EVENTLOG && !svc_is_windows()) {
            printf("input %-28s FAILED: the eventlog input exists only on Windows\n", in->name);
            return -1;
        }
    }
    return 0;
}

/* The sinks were validated with the configuration (svc_config_validate); they are built again here
 * to send the test alert through each. */
static int check_sinks(const svc_config *cfg, int send)
{
    char *doc = send ? check_test_alert() : NULL, err[1024];
    sink **v = NULL;
    size_t n = 0;
    int failed = 0;

    if (sink_open_all(cfg->sinks, cfg->path, &v, &n, err, sizeof err) < 0) {
        printf("sink  %-28s FAILED: %s\n", "?", err); /* e.g. a secret file removed since */
        failed = 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *docs[1] = {doc};
        size_t lens[1] = {doc ? strlen(doc) : 0};
        sink_result res;
        sink_status st;

        if (!doc) {
            printf("sink  %-28s configuration valid (not sent)\n", sink_name(v[i]));
            continue;
        }
        memset(&res, 0, sizeof res);
        st = sink_send(v[i], docs, lens, 1, &res);
        printf("sink  %-28s %s%s%s\n", sink_name(v[i]), st == SINK_OK ? "test alert accepted" : "FAILED",
               res.message[0] ? ": " : "", res.message);
        if (st != SINK_OK)
            failed = 1;
    }
    sink_free_all(v, n);
    free(doc);
    return failed ? -1 : 0;
}

void svc_check_list_keys(FILE *out)
{
    svc_config_list_keys(out);
    sink_list_keys(out);
}

int svc_check(const char *config_path, int send)
{
    svc_config cfg;
    adseed_pack *pack = NULL; /* loaded as the pipeline loads it */
    char err[1024];
    int rc = 2;

    if (svc_config_load(&cfg, config_path, err, sizeof err)) {
        printf("config %s: FAILED: %s\n", config_path, err);
        return 2;
    }
    if (svc_config_validate(&cfg, err, sizeof err)) { /* exactly what `decoysvc run` refuses */
        printf("config %s: FAILED: %s\n", config_path, err);
        goto out;
    }
    printf("config    %s: valid\n", config_path);
    { /* an https:// inventory is fetched (into the state directory's cache) as run would */
        svc_logger lg = svc_logger_stderr(SVC_LOG_WARN);
        inventory_source *src = NULL;
        char *path = NULL;
        int bad = inventory_source_open_for(&cfg, &lg, svc_now_ms(), &src, &path, err, sizeof err) ||
                  adseed_pack_load(&pack, path, err, sizeof err);
        inventory_source_free(src);
        free(path);
        if (bad) {
            printf("inventory FAILED: %s\n", err);
            goto out;
        }
    }
    printf("inventory %s: valid, %zu decoys\n", cfg.inventory, adseed_pack_count(pack));
    if (check_inputs(&cfg) || check_sinks(&cfg, send))
        goto out;
    rc = 0;
out:
    adseed_pack_free(pack);
    svc_config_free(&cfg);
    printf("%s\n", rc == 0 ? "check passed" : "check FAILED");
    return rc;
}
