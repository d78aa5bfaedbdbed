/* secret_win.c - DPAPI for secrets in the configuration: secret_protect (CryptProtectData, machine
 * scope, no UI, entropy "ADDecoy") for `decoysvc protect-secret`, and secret_unprotect
 * (CryptUnprotectData) when a sink is created. Messages never contain the secret or the blob. */
#include "svc/base/secret.h"

#include "svc/base/crypto.h"

#include <windows.h>
#include <wincrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ENTROPY[] = "ADDecoy";

static DATA_BLOB entropy_blob(void)
{
    DATA_BLOB e;
    e.pbData = (BYTE *)ENTROPY;
    e.cbData = (DWORD)(sizeof ENTROPY - 1);
    return e;
}

static void free_blob(DATA_BLOB *b)
{
    if (b->pbData) {
        SecureZeroMemory(b->pbData, b->cbData);
        LocalFree(b->pbData);
    }
    b->pbData = NULL;
}

int secret_unprotect(const char *value, char **out, char *err, size_t errlen)
{
    size_t plen = strlen(SECRET_DPAPI_PREFIX), b64len, cap, n = 0;
    const char *b64;
    uint8_t *raw = NULL;
    DATA_BLOB in, ent = entropy_blob(), plain = {0, NULL};
    int rc = -1;

    *out = NULL;
    if (strncmp(value, SECRET_DPAPI_PREFIX, plen) != 0) {
        if (!(*out = strdup(value)))
            snprintf(err, errlen, "out of memory");
        return *out ? 0 : -1;
    }
    b64 = value + plen;
    b64len = strlen(b64);
    while (b64len > 0 && (b64[b64len - 1] == ' ' || b64[b64len - 1] == '\t'))
        b64len--;
    cap = b64len / 4 * 3 + 3;
    if (!(raw = malloc(cap))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (b64len == 0 || b64len > 0x100000 || crypto_base64_decode(b64, b64len, raw, cap, &n) < 0 || n == 0) {
        snprintf(err, errlen,
                 "the value after \"dpapi:\" is not valid base64; paste the whole line that "
                 "`decoysvc protect-secret` printed");
        goto out;
    }
    in.pbData = raw;
    in.cbData = (DWORD)n;
    if (!CryptUnprotectData(&in, NULL, &ent, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &plain)) {
        snprintf(err, errlen,
                 "cannot unprotect the DPAPI-protected secret (Windows error %lu): it is "
                 "damaged or was protected on another machine; run `decoysvc protect-secret` "
                 "on this machine again",
                 (unsigned long)GetLastError());
        goto out;
    }
    if (plain.cbData == 0 || memchr(plain.pbData, '\0', plain.cbData)) {
        snprintf(err, errlen, "the DPAPI-protected secret is empty or contains a NUL byte");
        goto out;
    }
    if (!(*out = malloc((size_t)plain.cbData + 1))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    memcpy(*out, plain.pbData, plain.cbData);
    (*out)[plain.cbData] = '\0';
    rc = 0;
out:
    free_blob(&plain);
    free(raw);
    return rc;
}

int secret_protect(const char *plain, size_t len, char **out, char *err, size_t errlen)
{
    DATA_BLOB in, ent = entropy_blob(), blob = {0, NULL};
    size_t plen = strlen(SECRET_DPAPI_PREFIX), cap;
    int rc = -1;

    *out = NULL;
    if (len == 0 || len > 0x10000) {
        snprintf(err, errlen, "the secret must be 1 to 65536 bytes long");
        return -1;
    }
    in.pbData = (BYTE *)plain;
    in.cbData = (DWORD)len;
    if (!CryptProtectData(&in, L"ADDecoy", &ent, NULL, NULL,
                          CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &blob)) {
        snprintf(err, errlen, "CryptProtectData failed (Windows error %lu)", (unsigned long)GetLastError());
        goto out;
    }
    cap = plen + crypto_base64_len(blob.cbData) + 1;
    if (!(*out = malloc(cap))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    memcpy(*out, SECRET_DPAPI_PREFIX, plen);
    crypto_base64_encode(blob.pbData, blob.cbData, *out + plen, cap - plen);
    rc = 0;
out:
    free_blob(&blob);
    return rc;
}
