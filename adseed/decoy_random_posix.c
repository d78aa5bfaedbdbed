/* decoy_random_posix.c - cryptographic random bytes for decoy passwords (getrandom / urandom). */
#include "adseed/decoy.h"

#include <stdio.h>

int decoy_random_bytes(void *buf, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f)
        return -1;
    size_t got = fread(buf, 1, len, f);
    fclose(f);
    return got == len ? 0 : -1;
}
