/* crypto.h - the few primitives decoysvc needs, all from OpenSSL's libcrypto (no crypto written in
 * the tree): SHA-256, HMAC-SHA256 (webhook signatures), base64, random bytes, wiping secrets; and
 * CRC-32 (spool framing, not a security check) from zlib. */
#ifndef ADDECOY_SVC_CRYPTO_H
#define ADDECOY_SVC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SHA256_LEN 32

/* An incremental SHA-256 (an EVP digest context inside). Every call tolerates a failed init: final
 * then returns -1 and zeroes out. final also frees the context; call it exactly once after init. */
typedef struct crypto_sha256_ctx {
    void *md; /* EVP_MD_CTX */
    int failed;
} crypto_sha256_ctx;

int crypto_sha256_init(crypto_sha256_ctx *c);
void crypto_sha256_update(crypto_sha256_ctx *c, const void *data, size_t len);
int crypto_sha256_final(crypto_sha256_ctx *c, uint8_t out[CRYPTO_SHA256_LEN]);
/* One-shot SHA-256; 0, or -1 (out zeroed) when libcrypto fails (out of memory). */
int crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);

/* HMAC-SHA256 (RFC 2104) of the concatenation of nparts message parts; 0, or -1 (out zeroed). */
int crypto_hmac_sha256_parts(const void *key, size_t keylen, const void *const *parts, const size_t *lens,
                             size_t nparts, uint8_t out[CRYPTO_SHA256_LEN]);
int crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                       uint8_t out[CRYPTO_SHA256_LEN]);

/* Length of the base64 text of len bytes, without the NUL. */
size_t crypto_base64_len(size_t len);
/* Standard base64 with padding; out needs crypto_base64_len(len) + 1 bytes. Returns chars written
 * (excluding the NUL) or 0 when out is too small (and len > 0). */
size_t crypto_base64_encode(const void *in, size_t len, char *out, size_t outcap);
/* Decodes standard base64 (padding optional, no whitespace). Returns 0 and the byte count in
 * *outlen, -1 on invalid input or when out (outcap bytes) is too small. */
int crypto_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap, size_t *outlen);

/* CRC-32 (IEEE 802.3, zlib's crc32); pass 0 as crc to start, the previous value to continue. */
uint32_t crypto_crc32(uint32_t crc, const void *data, size_t len);

/* Fills buf with cryptographically secure random bytes; 0 on success, -1 on failure. */
int crypto_random(void *buf, size_t len);

/* Overwrites len bytes at p with zeros in a way the compiler cannot drop (for buffers that held a
 * secret: a token, a webhook key, a secret file's contents). */
void crypto_wipe(void *p, size_t len);

#endif
