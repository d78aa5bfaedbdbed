/* hash.c - 64-bit FNV-1a (see hash.h). */
#include "svc/base/hash.h"

#define FNV1A_BASIS 0xcbf29ce484222325ULL
#define FNV1A_PRIME 0x100000001b3ULL

uint64_t hash_fnv1a(const void *p, size_t len)
{
    const unsigned char *s = p;
    uint64_t h = FNV1A_BASIS;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= FNV1A_PRIME;
    }
    return h;
}

uint64_t hash_fnv1a_lower(const char *s, size_t len)
{
    uint64_t h = FNV1A_BASIS;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        h ^= (c >= 'A' && c <= 'Z') ? c + 32u : c;
        h *= FNV1A_PRIME;
    }
    return h;
}
