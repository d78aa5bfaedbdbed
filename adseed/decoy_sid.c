/*
 * decoy_sid.c - pure binary <-> text conversions for AD identifiers (objectSid, objectGUID) and the
 * self-relative SECURITY_DESCRIPTOR carrying the --audit-reads SACL.
 */
#include "adseed/decoy.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* x500uniqueIdentifier schemaIDGUID d07da11f-8a3d-42b6-b0aa-76c962be719a, on-the-wire order. */
const uint8_t decoy_x500uid_guid[16] = {0x1f, 0xa1, 0x7d, 0xd0, 0x3d, 0x8a, 0xb6, 0x42,
                                        0xb0, 0xaa, 0x76, 0xc9, 0x62, 0xbe, 0x71, 0x9a};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

int decoy_sid_to_text(const uint8_t *b, size_t len, char *out, size_t outlen)
{
    if (len < 8 || b[0] != 1 || b[1] > 15 || len != 8 + 4 * (size_t)b[1])
        return -1;
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++)
        auth = auth << 8 | b[i];
    int n = snprintf(out, outlen, "S-1-%" PRIu64, auth);
    for (int i = 0; i < b[1]; i++) {
        if (n < 0 || (size_t)n >= outlen)
            return -1;
        n += snprintf(out + n, outlen - (size_t)n, "-%" PRIu32, le32(b + 8 + 4 * i));
    }
    return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int decoy_sid_from_text(const char *s, uint8_t *out, size_t outlen)
{
    if (strncasecmp(s, "S-1-", 4) || outlen < 8)
        return -1;
    const char *p = s + 4;
    char *end;
    if (!isdigit((unsigned char)*p))
        return -1;
    unsigned long long auth = strtoull(p, &end, 10);
    if (auth > 0xffffffffffffULL)
        return -1;
    out[0] = 1;
    out[1] = 0;
    for (int i = 0; i < 6; i++)
        out[2 + i] = (uint8_t)(auth >> (8 * (5 - i)));
    p = end;
    while (*p == '-') {
        p++;
        if (!isdigit((unsigned char)*p) || out[1] == 15)
            return -1;
        unsigned long long v = strtoull(p, &end, 10); /* long is 32-bit on Win64 */
        if (v > 0xffffffffULL || 8 + 4 * (size_t)(out[1] + 1) > outlen)
            return -1;
        put32(out + 8 + 4 * out[1], (uint32_t)v);
        out[1]++;
        p = end;
    }
    return *p ? -1 : 8 + 4 * out[1];
}

int decoy_guid_to_text(const uint8_t *b, size_t len, char *out, size_t outlen)
{
    if (len != 16 || outlen < 37)
        return -1;
    snprintf(out, outlen, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[3], b[2],
             b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

int decoy_guid_from_text(const char *s, uint8_t out[16])
{
    static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    uint8_t raw[16];
    size_t k = 0;
    if (strlen(s) != 36)
        return -1;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            continue;
        }
        if (!isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]))
            return -1;
        char hex[3] = {s[i], s[i + 1], 0};
        raw[k++] = (uint8_t)strtoul(hex, NULL, 16);
        i++;
    }
    for (int i = 0; i < 16; i++)
        out[order[i]] = raw[i];
    return 0;
}

#define SD_HDR 20
#define ACL_HDR 8
#define EVERYONE_LEN 12
#define ACE_READ_PROP 0x10u
#define SYSTEM_AUDIT_ACE 0x02
#define SYSTEM_AUDIT_OBJECT_ACE 0x07
#define AUDIT_FLAGS 0xC0 /* SUCCESSFUL_ACCESS | FAILED_ACCESS */

int decoy_sd_build_read_audit(const uint8_t *object_type, uint8_t *out, size_t outlen)
{
    static const uint8_t everyone[EVERYONE_LEN] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    size_t ace_len = 4 + 4 + (object_type ? 4 + 16 : 0) + EVERYONE_LEN;
    size_t total = SD_HDR + ACL_HDR + ace_len;
    if (outlen < total)
        return -1;
    memset(out, 0, total);
    out[0] = 1;                      /* revision */
    put16(out + 2, 0x8000 | 0x0010); /* SE_SELF_RELATIVE | SE_SACL_PRESENT */
    put32(out + 12, SD_HDR);         /* OffsetSacl; owner, group, DACL absent */
    uint8_t *acl = out + SD_HDR;
    acl[0] = object_type ? 4 : 2; /* ACL_REVISION_DS for object ACEs */
    put16(acl + 2, (uint16_t)(ACL_HDR + ace_len));
    put16(acl + 4, 1);
    uint8_t *ace = acl + ACL_HDR;
    ace[0] = object_type ? SYSTEM_AUDIT_OBJECT_ACE : SYSTEM_AUDIT_ACE;
    ace[1] = AUDIT_FLAGS;
    put16(ace + 2, (uint16_t)ace_len);
    put32(ace + 4, ACE_READ_PROP);
    uint8_t *p = ace + 8;
    if (object_type) {
        put32(p, 1); /* ACE_OBJECT_TYPE_PRESENT */
        memcpy(p + 4, object_type, 16);
        p += 20;
    }
    memcpy(p, everyone, EVERYONE_LEN);
    return (int)total;
}

int decoy_sd_has_read_audit(const uint8_t *sd, size_t len)
{
    static const uint8_t everyone[EVERYONE_LEN] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    if (len < SD_HDR || sd[0] != 1 || !(le16(sd + 2) & 0x0010))
        return 0;
    uint32_t off = le32(sd + 12);
    if (!off || off > len || len - off < ACL_HDR)
        return 0;
    const uint8_t *acl = sd + off;
    size_t acl_len = le16(acl + 2), count = le16(acl + 4), pos = ACL_HDR;
    if (acl_len > len - off)
        return 0;
    for (size_t i = 0; i < count && pos + 8 <= acl_len; i++) {
        const uint8_t *ace = acl + pos;
        size_t ace_len = le16(ace + 2);
        if (ace_len < 8 || pos + ace_len > acl_len)
            return 0;
        size_t sid_off = 8;
        if (ace[0] == SYSTEM_AUDIT_OBJECT_ACE) {
            uint32_t flags = ace_len >= 12 ? le32(ace + 8) : 0;
            sid_off = 12 + (flags & 1 ? 16 : 0) + (flags & 2 ? 16 : 0);
        }
        if ((ace[0] == SYSTEM_AUDIT_ACE || ace[0] == SYSTEM_AUDIT_OBJECT_ACE) && (le32(ace + 4) & ACE_READ_PROP) &&
            sid_off + EVERYONE_LEN <= ace_len && !memcmp(ace + sid_off, everyone, EVERYONE_LEN))
            return 1;
        pos += ace_len;
    }
    return 0;
}
