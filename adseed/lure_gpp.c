/*
 * lure_gpp.c - the Group Policy Preferences cpassword (MS-GPPREF 2.2.1.1.4 "Password Encryption"):
 * AES-256-CBC with the 32-byte key Microsoft published, an all-zero IV and PKCS#7 padding, over the
 * UTF-16LE password, then base64 with the '=' padding removed. This is what every GPP password
 * tool (Get-GPPPassword, gpp-decrypt) reverses, which is the point of the lure. The cipher, digest
 * and base64 are OpenSSL libcrypto's (EVP); nothing here is hand-written crypto.
 */
#include "adseed/lure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* MS-GPPREF 2.2.1.1.4 */
static const unsigned char gpp_key[32] = {0x4e, 0x99, 0x06, 0xe8, 0xfc, 0xb6, 0x6c, 0xc9, 0xfa, 0xf4, 0x93,
                                          0x10, 0x62, 0x0f, 0xfe, 0xe8, 0xf4, 0x96, 0xe8, 0x06, 0xcc, 0x05,
                                          0x79, 0x90, 0x20, 0x9b, 0x09, 0xa4, 0x33, 0xb6, 0x6c, 0x1b};

#define GPP_MAX_CHARS 256

/* One AES-256-CBC pass (enc 1 encrypt, 0 decrypt); returns the output length or -1. */
static int aes_cbc(int enc, const unsigned char *in, int inlen, unsigned char *out)
{
    static const unsigned char iv[16] = {0};
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0, ret = -1;
    if (!ctx)
        return -1;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, gpp_key, iv, enc) == 1 &&
        EVP_CipherUpdate(ctx, out, &n, in, inlen) == 1 && EVP_CipherFinal_ex(ctx, out + n, &m) == 1)
        ret = n + m;
    EVP_CIPHER_CTX_free(ctx);
    return ret;
}

int lure_gpp_cpassword(const char *password, char *out, size_t outlen, char *err, size_t errlen)
{
    unsigned char plain[GPP_MAX_CHARS * 2], cipher[GPP_MAX_CHARS * 2 + 16];
    unsigned char b64[(sizeof cipher + 2) / 3 * 4 + 1];
    size_t n = strlen(password);
    int clen, blen;

    if (n == 0 || n > GPP_MAX_CHARS) {
        snprintf(err, errlen, "GPP cpassword: the password must have 1 to %d characters", GPP_MAX_CHARS);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)password[i] >= 0x80) {
            snprintf(err, errlen, "GPP cpassword: only ASCII passwords are supported");
            return -1;
        }
        plain[2 * i] = (unsigned char)password[i];
        plain[2 * i + 1] = 0;
    }
    clen = aes_cbc(1, plain, (int)(2 * n), cipher);
    OPENSSL_cleanse(plain, sizeof plain);
    if (clen < 0) {
        snprintf(err, errlen, "GPP cpassword: AES-256-CBC encryption failed (OpenSSL)");
        return -1;
    }
    blen = EVP_EncodeBlock(b64, cipher, clen);
    while (blen > 0 && b64[blen - 1] == '=')
        blen--;
    if ((size_t)blen >= outlen) {
        snprintf(err, errlen, "GPP cpassword: output buffer too small");
        return -1;
    }
    memcpy(out, b64, (size_t)blen);
    out[blen] = '\0';
    return 0;
}

int lure_gpp_decrypt(const char *cpassword, char *out, size_t outlen, char *err, size_t errlen)
{
    unsigned char b64[GPP_MAX_CHARS * 3 + 8], cipher[GPP_MAX_CHARS * 3], plain[GPP_MAX_CHARS * 3];
    size_t n = strlen(cpassword), pad = (4 - n % 4) % 4;
    int clen, plen;

    if (n == 0 || n + pad >= sizeof b64 || pad == 3) {
        snprintf(err, errlen, "GPP cpassword: not a base64 value of a sensible length");
        return -1;
    }
    memcpy(b64, cpassword, n);
    memset(b64 + n, '=', pad);
    clen = EVP_DecodeBlock(cipher, b64, (int)(n + pad));
    if (clen < 0 || clen - (int)pad <= 0 || (clen - (int)pad) % 16 != 0) {
        snprintf(err, errlen, "GPP cpassword: invalid base64 or not whole AES blocks");
        return -1;
    }
    plen = aes_cbc(0, cipher, clen - (int)pad, plain);
    if (plen < 0 || plen % 2 != 0 || (size_t)plen / 2 >= outlen) {
        snprintf(err, errlen, "GPP cpassword: decryption failed (wrong key or padding)");
        return -1;
    }
    for (int i = 0; i < plen / 2; i++) {
        if (plain[2 * i + 1] != 0 || plain[2 * i] == 0) {
            snprintf(err, errlen, "GPP cpassword: the password is not printable ASCII");
            return -1;
        }
        out[i] = (char)plain[2 * i];
    }
    out[plen / 2] = '\0';
    OPENSSL_cleanse(plain, sizeof plain);
    return 0;
}

int lure_fingerprint(const char *s, char out[72])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return -1;
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    return 0;
}
