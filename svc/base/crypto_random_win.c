/* crypto_random_win.c - crypto_random() from BCryptGenRandom (Windows builds). */
#include "svc/base/crypto.h"

#include <windows.h>
#include <bcrypt.h>

int crypto_random(void *buf, size_t len)
{
    unsigned char *p = buf;

    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return -1;
        p += n, len -= n;
    }
    return 0;
}
