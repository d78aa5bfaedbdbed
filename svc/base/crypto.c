/* crypto.c - crypto.h on OpenSSL's libcrypto (EVP digests, EVP_MAC HMAC, EVP base64 blocks, RAND_bytes,
 * OPENSSL_cleanse) and zlib (crc32_z); the same code natively and in the static MinGW build. */
#include "svc/base/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int crypto_sha256_init(crypto_sha256_ctx *c)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    c->md = md;
    c->failed = !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1;
    return c->failed ? -1 : 0;
}

void crypto_sha256_update(crypto_sha256_ctx *c, const void *data, size_t len)
{
    if (!c->failed && len && EVP_DigestUpdate(c->md, data, len) != 1)
        c->failed = 1;
}

int crypto_sha256_final(crypto_sha256_ctx *c, uint8_t out[CRYPTO_SHA256_LEN])
{
    unsigned int n = 0;
    int rc = -1;

    if (!c->failed && EVP_DigestFinal_ex(c->md, out, &n) == 1 && n == CRYPTO_SHA256_LEN)
        rc = 0;
    else
        memset(out, 0, CRYPTO_SHA256_LEN);
    EVP_MD_CTX_free(c->md);
    c->md = NULL;
    c->failed = 1;
    return rc;
}

int crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    crypto_sha256_ctx c;
    crypto_sha256_init(&c);
    crypto_sha256_update(&c, data, len);
    return crypto_sha256_final(&c, out);
}

int crypto_hmac_sha256_parts(const void *key, size_t keylen, const void *const *parts, const size_t *lens,
                             size_t nparts, uint8_t out[CRYPTO_SHA256_LEN])
{
    static const unsigned char nokey[1] = {0};
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    size_t n = 0;
    int rc = -1;

    params[0] = OSSL_PARAM_construct_utf8_string("digest", digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!ctx || EVP_MAC_init(ctx, keylen ? key : nokey, keylen, params) != 1)
        goto out;
    for (size_t i = 0; i < nparts; i++)
        if (lens[i] && EVP_MAC_update(ctx, parts[i], lens[i]) != 1)
            goto out;
    if (EVP_MAC_final(ctx, out, &n, CRYPTO_SHA256_LEN) == 1 && n == CRYPTO_SHA256_LEN)
        rc = 0;
out:
    EVP_MAC_CTX_free(ctx); /* frees its copy of the key with OPENSSL_cleanse */
    EVP_MAC_free(mac);
    if (rc)
        memset(out, 0, CRYPTO_SHA256_LEN);
    return rc;
}

int crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                       uint8_t out[CRYPTO_SHA256_LEN])
{
    const void *parts[1] = {data};
    return crypto_hmac_sha256_parts(key, keylen, parts, &len, 1, out);
}

size_t crypto_base64_len(size_t len) { return (len + 2) / 3 * 4; }

size_t crypto_base64_encode(const void *in, size_t len, char *out, size_t outcap)
{
    if (outcap < crypto_base64_len(len) + 1 || len > INT_MAX / 4 * 3) {
        if (outcap)
            out[0] = '\0';
        return 0;
    }
    return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static int b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int crypto_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap, size_t *outlen)
{
    unsigned char *padded = NULL, *raw = NULL;
    size_t plen, pad, n;
    int got, rc = -1;

    while (inlen > 0 && in[inlen - 1] == '=')
        inlen--;
    if (inlen % 4 == 1 || inlen > INT_MAX / 2)
        return -1;
    for (size_t i = 0; i < inlen; i++) /* EVP_DecodeBlock would skip blanks: be strict */
        if (!b64_char(in[i]))
            return -1;
    pad = (4 - inlen % 4) % 4;
    plen = inlen + pad;
    n = inlen * 3 / 4; /* the decoded length without the padding's zero bytes */
    if (n > outcap)
        return -1;
    padded = malloc(plen + 1);
    raw = malloc(plen / 4 * 3 + 1);
    if (!padded || !raw)
        goto out;
    memcpy(padded, in, inlen);
    memset(padded + inlen, '=', pad);
    got = plen ? EVP_DecodeBlock(raw, padded, (int)plen) : 0;
    if (got < 0 || (size_t)got < n)
        goto out;
    memcpy(out, raw, n);
    *outlen = n;
    rc = 0;
out:
    if (padded) /* these may hold a secret key (webhook secrets are base64) */
        crypto_wipe(padded, plen + 1);
    if (raw)
        crypto_wipe(raw, plen / 4 * 3 + 1);
    free(padded);
    free(raw);
    return rc;
}

uint32_t crypto_crc32(uint32_t crc, const void *data, size_t len)
{
    return (uint32_t)crc32_z(crc, data, len);
}

int crypto_random(void *buf, size_t len)
{
    unsigned char *p = buf;

    while (len > 0) {
        int n = len > 0x10000000 ? 0x10000000 : (int)len;
        if (RAND_bytes(p, n) != 1)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

void crypto_wipe(void *p, size_t len)
{
    if (p && len)
        OPENSSL_cleanse(p, len);
}
