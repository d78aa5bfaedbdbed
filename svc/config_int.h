/* config_int.h - private to svc/'s configuration files (config.c, config_input.c): the option maps
 * of the config's sections and the shared error helper. */
#ifndef ADDECOY_SVC_CONFIG_INT_H
#define ADDECOY_SVC_CONFIG_INT_H

#include <stdio.h>

#include "svc/config.h"
#include "svc/optmap.h"

#define CFG_ERR(...) snprintf(err, errlen, __VA_ARGS__)

/* The keys of one entry of "inputs" (config_input.c). */
extern const opt_map CONFIG_INPUT_MAP;

/* Parses root's "inputs" into cfg->inputs (cfg->path names the file in messages). */
int config_parse_inputs(svc_config *cfg, const json_t *root, char *err, size_t errlen);

#endif
