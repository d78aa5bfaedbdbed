/* config_validate.c - the shared validation of a loaded configuration (see config_validate.h). */
#include "svc/config_validate.h"

#include <stdio.h>
#include <string.h>

#include "adseed/adseed.h"
#include "svc/detect/inventory_source.h"
#include "svc/base/platform.h"
#include "svc/sink/sink.h"

static int validate_sinks(const svc_config *cfg, char *err, size_t errlen)
{
    size_t n = json_array_size(cfg->sinks);

    for (size_t i = 0; i < n; i++) {
        char where[600];
        const char *name;
        sink *s;

        snprintf(where, sizeof where, "%s: sinks[%zu]", cfg->path, i);
        if (!(s = sink_new_from_json(json_array_get(cfg->sinks, i), where, err, errlen)))
            return -1;
        sink_free(s);
        /* the name is the key of the sink's spool cursor and quarantine file: it must be unique */
        name = json_string_value(json_object_get(json_array_get(cfg->sinks, i), "name"));
        if (!name)
            name = json_string_value(json_object_get(json_array_get(cfg->sinks, i), "type"));
        for (size_t j = 0; j < i; j++) {
            const json_t *o = json_array_get(cfg->sinks, j);
            const char *other = json_string_value(json_object_get(o, "name"));
            if (!other)
                other = json_string_value(json_object_get(o, "type"));
            if (other && strcmp(other, name) == 0) {
                snprintf(err, errlen, "%s: sinks[%zu]: name: \"%.100s\" is also the name of sinks[%zu]: give each sink "
                         "a unique \"name\"", cfg->path, i, name, j);
                return -1;
            }
        }
    }
    return 0;
}

static int validate_inputs(const svc_config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < cfg->ninputs && !svc_is_windows(); i++)
        if (cfg->inputs[i].type == SVC_INPUT_EVENTLOG) {
            snprintf(err, errlen, "%s: inputs[%zu]: type: the eventlog input exists only on Windows", cfg->path, i);
            return -1;
        }
    return 0;
}

int svc_config_validate(const svc_config *cfg, char *err, size_t errlen)
{
    adseed_inventory inv;
    int rc;

    /* an https:// inventory is fetched (and validated) by the inventory source when it is used */
    if (!inventory_is_url(cfg->inventory)) {
        adseed_inventory_init(&inv);
        rc = adseed_inventory_load(&inv, cfg->inventory, err, errlen);
        adseed_inventory_free(&inv);
        if (rc)
            return -1;
    }
    return validate_inputs(cfg, err, errlen) || validate_sinks(cfg, err, errlen) ? -1 : 0;
}

int svc_config_load_valid(svc_config *cfg, const char *path, char *err, size_t errlen)
{
    if (svc_config_load(cfg, path, err, errlen))
        return -1;
    if (svc_config_validate(cfg, err, errlen) == 0)
        return 0;
    svc_config_free(cfg);
    return -1;
}
