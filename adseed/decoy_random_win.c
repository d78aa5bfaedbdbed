/* decoy_random_win.c - cryptographic random bytes for decoy passwords (BCryptGenRandom). */
#include "adseed/decoy.h"

#include <windows.h>
#include <bcrypt.h>

int decoy_random_bytes(void *buf, size_t len)
{
    NTSTATUS st = BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    return st == 0 ? 0 : -1;
}
