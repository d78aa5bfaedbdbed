/* fuzz_config.c - the decoysvc config file (svc_config_load): never a crash; an error names why. */
#include "fuzz.h"

#include "svc/config.h"

FUZZ_TARGET(config)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = fuzz_temp_file("config", data, size);

    if (svc_config_load(&cfg, path, err, sizeof err) == 0)
        svc_config_free(&cfg);
    else
        FUZZ_CHECK(err[0] != '\0');
    return 0;
}
