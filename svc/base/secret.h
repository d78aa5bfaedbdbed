/* secret.h - secrets stored DPAPI-protected in the configuration. A value "dpapi:<base64>" (the
 * output of `decoysvc protect-secret`) is a CryptProtectData blob (machine scope, entropy "ADDecoy")
 * that only Windows can open (secret_win.c); elsewhere such a value is refused (secret_posix.c).
 * Messages never contain the secret or the blob. */
#ifndef ADDECOY_SVC_SECRET_H
#define ADDECOY_SVC_SECRET_H

#include <stddef.h>

#define SECRET_DPAPI_PREFIX "dpapi:"

/* Returns 0 and in *out a malloc'd plain copy of value: unprotected when it starts with "dpapi:",
 * a copy otherwise. -1 with a message (naming no field) in err. Free *out with opt_secret_free (svc/optmap.h). */
int secret_unprotect(const char *value, char **out, char *err, size_t errlen);

/* Protects len bytes of plain for this machine; returns 0 and in *out a malloc'd "dpapi:<base64>",
 * or -1 with a message in err ("only on Windows" elsewhere). */
int secret_protect(const char *plain, size_t len, char **out, char *err, size_t errlen);

#endif
