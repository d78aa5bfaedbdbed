/* config_validate.h - the one check of a loaded configuration that `decoysvc check`, `decoysvc run`
 * and a reload share, so that check refuses exactly what run refuses: the inventory loads, every
 * sink can be built, sink names are unique, every input type exists on this platform. */
#ifndef ADDECOY_SVC_CONFIG_VALIDATE_H
#define ADDECOY_SVC_CONFIG_VALIDATE_H

#include <stddef.h>

#include "svc/config.h"

/* 0, or -1 with a message naming the file and the field in err. */
int svc_config_validate(const svc_config *cfg, char *err, size_t errlen);
/* svc_config_load then svc_config_validate. On success cfg is loaded (free it); on error it is freed. */
int svc_config_load_valid(svc_config *cfg, const char *path, char *err, size_t errlen);

#endif
