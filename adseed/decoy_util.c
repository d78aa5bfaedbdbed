/*
 * decoy_util.c - small pure helpers of the decoy operations: random
 * decoy passwords and their unicodePwd encoding, and the current time in ISO 8601.
 */
#include "adseed/decoy.h"
#include "svc/base/crypto.h"
#include "svc/base/platform.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* No quote or backslash: the password may end up in a CSV or a shell by --show-password. */
static const char *const classes[4] = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789",
                                       "!#%+-.:=?@^_~"};

static int pick(const char *set, char *out)
{
    size_t n = strlen(set);
    uint32_t r;
    uint32_t limit = UINT32_MAX - UINT32_MAX % (uint32_t)n;
    do {
        if (crypto_random(&r, sizeof r))
            return -1;
    } while (r >= limit); /* no modulo bias */
    *out = set[r % n];
    return 0;
}

/* len characters from the upper/lower/digit classes and 'symbols', at least one of each class. */
static int password_from(char *out, size_t len, const char *symbols)
{
    const char *cls[4] = {classes[0], classes[1], classes[2], symbols};
    char all[128];
    snprintf(all, sizeof all, "%s%s%s%s", cls[0], cls[1], cls[2], cls[3]);
    for (size_t i = 0; i < len; i++)
        if (pick(i < 4 ? cls[i] : all, &out[i]))
            return -1;
    /* shuffle so the class-guaranteed characters are not always first */
    for (size_t i = len - 1; i > 0; i--) {
        uint32_t r;
        if (crypto_random(&r, sizeof r))
            return -1;
        size_t j = r % (i + 1);
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    out[len] = '\0';
    return 0;
}

int decoy_password_generate(char *out, size_t len)
{
    return len < 32 ? -1 : password_from(out, len, classes[3]);
}

/* Symbols that need no quoting in cmd.exe, batch files (no % ^ ! & | < >), PowerShell single
 * quotes, XML or LDAP descriptions: a lure's password is pasted into all of them. */
int decoy_password_generate_lure(char *out, size_t len)
{
    return len < 16 ? -1 : password_from(out, len, "#+-.:=?@_~");
}

uint8_t *decoy_unicodepwd(const char *password, size_t *outlen)
{
    size_t n = strlen(password) + 2;
    uint8_t *out = malloc(n * 2);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char ch = (i == 0 || i == n - 1) ? '"' : password[i - 1];
        out[2 * i] = (uint8_t)ch;
        out[2 * i + 1] = 0;
    }
    *outlen = n * 2;
    return out;
}

void decoy_time_format(time_t t, const char *fmt, char *out, size_t outlen)
{
    struct tm tm;
    svc_gmtime(t, &tm);
    strftime(out, outlen, fmt, &tm);
}

void decoy_now_iso(char *out, size_t outlen)
{
    decoy_time_format(time(NULL), "%Y-%m-%dT%H:%M:%SZ", out, outlen);
}
