/* status.c - `decoysvc status` (see status.h): the config gives state_dir; the instance lock says
 * whether a decoysvc runs there; status.json, which the daemon rewrites every few seconds, says how
 * it is doing; status_eval.c turns both into the verdict and its text or JSON. */
#include "svc/status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "svc/base/instance_lock.h"
#include "svc/base/platform.h"
#include "svc/config.h"
#include "svc/health/status_eval.h"
#include "svc/base/fs.h"

/* status.json holds texts from the network (sink replies) and the file system: no control
 * character reaches the operator's terminal. */
static void sanitize(json_t *v)
{
    const char *key;
    json_t *x;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, x) sanitize(x);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) sanitize(x);
    } else if (json_is_string(v)) {
        char *s = strdup(json_string_value(v));
        if (!s)
            return;
        for (char *p = s; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = ' ';
        json_string_set(v, s);
        free(s);
    }
}

int svc_status(const svc_status_opts *o)
{
    svc_config cfg;
    status_input in;
    char err[1024], lock_err[512] = "", doc_err[600] = "", path[4200];
    json_t *doc = NULL, *problems = json_array(), *report;
    json_error_t jerr;
    FILE *f;
    int code;

    if (svc_config_load(&cfg, o->config_path, err, sizeof err)) {
        if (o->json)
            printf("{\"status\":\"down\",\"exit_code\":2,\"problems\":[\"configuration unreadable\"]}\n");
        else
            printf("DECOYSVC CRITICAL - down: configuration unreadable\n");
        fprintf(stderr, "decoysvc status: %s\n", err);
        json_decref(problems);
        return 2;
    }
    memset(&in, 0, sizeof in);
    in.lock = instance_lock_probe(cfg.state_dir, &in.pid, lock_err, sizeof lock_err);
    in.lock_error = lock_err;
    snprintf(path, sizeof path, "%s/status.json", cfg.state_dir);
    if (!(f = fs_fopen(path, "rb"))) {
        if (errno == ENOENT)
            in.doc_missing = 1; /* an unreadable state_dir (permissions) is not "never ran" */
        else
            snprintf(doc_err, sizeof doc_err, "%.400s: %.160s", path, strerror(errno));
    } else {
        doc = json_loadf(f, 0, &jerr);
        fclose(f);
        if (!json_is_object(doc)) {
            snprintf(doc_err, sizeof doc_err, "%.400s: %.160s", path, doc ? "not a JSON object" : jerr.text);
            json_decref(doc);
            doc = NULL;
        }
    }
    if (doc)
        sanitize(doc);
    in.doc = doc;
    in.doc_error = doc_err;
    in.now_ms = svc_now_ms();
    in.max_pending_age_s = o->max_pending_age_s;
    code = status_evaluate(&in, problems);
    if (o->json) {
        char *text;
        report = status_report_json(&in, code, problems);
        json_object_set_new(report, "status_file", json_string(path));
        text = json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", text ? text : "{}");
        free(text);
        json_decref(report);
    } else {
        status_print_text(stdout, &in, code, problems);
    }
    json_decref(doc);
    json_decref(problems);
    svc_config_free(&cfg);
    return code;
}
