/* audit_policy_guid.c - GUID text -> the 16 bytes of a Windows GUID struct, so audit_policy_win.c
 * needs no ole32 (CLSIDFromString) and the parsing is tested everywhere. */
#include "svc/base/audit_policy.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int audit_policy_parse_guid(const char *s, unsigned char out[16])
{
    /* byte order of a GUID in memory: Data1 (4, LE), Data2 (2, LE), Data3 (2, LE), Data4 (8) */
    static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    unsigned char raw[16];
    size_t n, k = 0;

    if (!s)
        return -1;
    n = strlen(s);
    if (n == 38 && s[0] == '{' && s[37] == '}')
        s++, n -= 2;
    if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return -1;
    for (size_t i = 0; i < 36; i++) {
        int hi, lo;
        if (i == 8 || i == 13 || i == 18 || i == 23)
            continue;
        hi = hexval(s[i]);
        lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        raw[k++] = (unsigned char)(hi << 4 | lo);
        i++;
    }
    for (size_t i = 0; i < 16; i++)
        out[i] = raw[order[i]];
    return 0;
}
