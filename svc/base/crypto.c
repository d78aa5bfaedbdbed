/* crypto.c - SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), base64 (RFC 4648) and CRC-32, written
 * from the specifications so that decoysvc needs no crypto library. Random bytes: crypto_random_*.c. */
#include "svc/base/crypto.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void crypto_sha256_init(crypto_sha256_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->total = 0;
    c->used = 0;
}

void crypto_sha256_update(crypto_sha256_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;

    c->total += len;
    while (len > 0) {
        size_t n = 64 - c->used;
        if (n > len)
            n = len;
        memcpy(c->buf + c->used, p, n);
        c->used += n, p += n, len -= n;
        if (c->used == 64) {
            sha256_block(c->h, c->buf);
            c->used = 0;
        }
    }
}

void crypto_sha256_final(crypto_sha256_ctx *c, uint8_t out[CRYPTO_SHA256_LEN])
{
    uint64_t bits = c->total * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    int i;

    crypto_sha256_update(c, &pad, 1);
    while (c->used != 56)
        crypto_sha256_update(c, &zero, 1);
    for (i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    crypto_sha256_update(c, len, 8);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
    memset(c, 0, sizeof *c);
}

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    crypto_sha256_ctx c;
    crypto_sha256_init(&c);
    crypto_sha256_update(&c, data, len);
    crypto_sha256_final(&c, out);
}

void crypto_hmac_sha256_parts(const void *key, size_t keylen, const void *const *parts,
                              const size_t *lens, size_t nparts, uint8_t out[CRYPTO_SHA256_LEN])
{
    uint8_t k[64] = {0}, pad[64], inner[CRYPTO_SHA256_LEN];
    crypto_sha256_ctx c;
    size_t i;

    if (keylen > 64)
        crypto_sha256(key, keylen, k);
    else if (keylen > 0)
        memcpy(k, key, keylen);
    for (i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    crypto_sha256_init(&c);
    crypto_sha256_update(&c, pad, 64);
    for (i = 0; i < nparts; i++)
        crypto_sha256_update(&c, parts[i], lens[i]);
    crypto_sha256_final(&c, inner);
    for (i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    crypto_sha256_init(&c);
    crypto_sha256_update(&c, pad, 64);
    crypto_sha256_update(&c, inner, sizeof inner);
    crypto_sha256_final(&c, out);
    memset(k, 0, sizeof k);
    memset(pad, 0, sizeof pad);
}

void crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                        uint8_t out[CRYPTO_SHA256_LEN])
{
    const void *parts[1] = {data};
    crypto_hmac_sha256_parts(key, keylen, parts, &len, 1, out);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t crypto_base64_len(size_t len)
{
    return (len + 2) / 3 * 4;
}

size_t crypto_base64_encode(const void *in, size_t len, char *out, size_t outcap)
{
    const uint8_t *p = in;
    size_t i, o = 0;

    if (outcap < crypto_base64_len(len) + 1) {
        if (outcap)
            out[0] = '\0';
        return 0;
    }
    for (i = 0; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = B64[v >> 18], out[o++] = B64[(v >> 12) & 63];
        out[o++] = B64[(v >> 6) & 63], out[o++] = B64[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
        out[o++] = B64[v >> 18], out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < len ? B64[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

int crypto_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap, size_t *outlen)
{
    uint32_t acc = 0;
    size_t i, o = 0, bits = 0;

    while (inlen > 0 && in[inlen - 1] == '=')
        inlen--;
    if (inlen % 4 == 1)
        return -1;
    for (i = 0; i < inlen; i++) {
        int v = b64_value(in[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= outcap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    *outlen = o;
    return 0;
}

uint32_t crypto_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;

    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}
