/* hash.h - the one string hash of the tree: 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3), for hash tables and change detection, never for security. */
#ifndef ADDECOY_BASE_HASH_H
#define ADDECOY_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a of len bytes at p. */
uint64_t hash_fnv1a(const void *p, size_t len);
/* FNV-1a of s with ASCII letters folded to lower case (case-insensitive keys: account names). */
uint64_t hash_fnv1a_lower(const char *s, size_t len);

#endif
