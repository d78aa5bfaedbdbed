/* secret_posix.c - secret_unprotect/secret_protect outside Windows: plain values pass through,
 * DPAPI-protected ones ("dpapi:...") are a configuration error, since only Windows can open them. */
#include "svc/base/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int secret_unprotect(const char *value, char **out, char *err, size_t errlen)
{
    *out = NULL;
    if (strncmp(value, SECRET_DPAPI_PREFIX, strlen(SECRET_DPAPI_PREFIX)) == 0) {
        snprintf(err, errlen,
                 "DPAPI-protected secrets can only be read on Windows; give the secret in "
                 "clear here (preferably through a *_file or *_env key)");
        return -1;
    }
    if (!(*out = strdup(value))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int secret_protect(const char *plain, size_t len, char **out, char *err, size_t errlen)
{
    (void)plain, (void)len;
    *out = NULL;
    snprintf(err, errlen, "protecting a secret with DPAPI is possible only on Windows");
    return -1;
}
