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
    sink **v;
    size_t n;

    if (sink_open_all(cfg->sinks, cfg->path, &v, &n, err, errlen) < 0)
        return -1;
    sink_free_all(v, n);
    return 0;
}

static int validate_inputs(const svc_config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < cfg->ninputs && !svc_is_windows(); i++)
        if (cfg->inputs[i].type == SVC_INPUT_EVENTLOG) {
            snprintf(err, errlen, "%s: inputs[%zu]: type: the eventlog input exists only on Windows",
                     cfg->path, i);
            return -1;
        }
    return 0;
}

int svc_config_validate(const svc_config *cfg, char *err, size_t errlen)
{
    adseed_pack *pack = NULL; /* loaded as the pipeline loads it */
    int rc;

    /* an https:// inventory is fetched (and validated) by the inventory source when it is used */
    if (!inventory_is_url(cfg->inventory)) {
        rc = adseed_pack_load(&pack, cfg->inventory, err, errlen);
        adseed_pack_free(pack);
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
