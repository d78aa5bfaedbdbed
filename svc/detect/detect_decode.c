/*
 * detect_decode.c - decoders for the values Windows and Samba put in security events: hex codes in
 * either form ("0x00000017" from evtx, "0x17" from NXLog/JSON), Kerberos ticket encryption types,
 * Kerberos (RFC 4120) and NTSTATUS failure codes, and source addresses ("::ffff:10.0.0.5").
 */
#include "svc/detect/detector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int detect_parse_hex(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    int base = 10, digits = 0;

    if (!s)
        return -1;
    while (*s == ' ' || *s == '\t')
        s++;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++, digits++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            break;
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > 0xffffffffULL)
            return -1;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (!digits || *s)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

typedef struct code_name {
    uint32_t code;
    const char *name;
} code_name;

static const char *lookup(const code_name *t, size_t n, uint32_t code, const char *dflt)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].name;
    return dflt;
}
#define LOOKUP(t, code, dflt) lookup(t, sizeof t / sizeof t[0], code, dflt)

const char *detect_ticket_enc_name(uint32_t code)
{
    static const code_name t[] = {
        {0x1, "DES-CBC-CRC"},
        {0x3, "DES-CBC-MD5"},
        {0x11, "AES128-CTS-HMAC-SHA1-96"},
        {0x12, "AES256-CTS-HMAC-SHA1-96"},
        {0x17, "RC4-HMAC"},
        {0x18, "RC4-HMAC-EXP"},
        {0xffffffffu, "none (request failed)"},
    };
    return LOOKUP(t, code, "unknown");
}

const char *detect_kerberos_status_meaning(uint32_t code)
{
    static const code_name t[] = {
        {0x0, "success"},
        {0x6, "client not found in Kerberos database (no such account)"},
        {0x7, "server not found in Kerberos database"},
        {0xc, "policy rejects the request (workstation or logon-hours restriction)"},
        {0xe, "encryption type not supported by the account"},
        {0x12, "client credentials revoked (account disabled, locked out or outside logon hours)"},
        {0x17, "password has expired"},
        {0x18, "pre-authentication failed (bad password)"},
        {0x19, "additional pre-authentication required"},
        {0x1f, "integrity check on decrypted field failed"},
        {0x20, "ticket expired"},
        {0x25, "clock skew too great"},
        {0x3c, "generic error"},
    };
    return LOOKUP(t, code, "unknown Kerberos status");
}

const char *detect_ntstatus_meaning(uint32_t code)
{
    static const code_name t[] = {
        {0x0, "success"},
        {0xc0000064u, "no such user"},
        {0xc000006au, "bad password"},
        {0xc000006du, "bad user name or password"},
        {0xc000006eu, "account restriction"},
        {0xc000006fu, "outside the allowed logon hours (the password was correct)"},
        {0xc0000070u, "workstation restriction (the password was correct)"},
        {0xc0000071u, "password expired (the password was correct)"},
        {0xc0000072u, "account disabled"},
        {0xc0000133u, "clock skew between client and server"},
        {0xc000015bu, "logon type not granted (the password was correct)"},
        {0xc0000193u, "account expired (the password was correct)"},
        {0xc0000224u, "password must change at next logon (the password was correct)"},
        {0xc0000234u, "account locked out"},
        {0xc0000413u, "authentication firewall: not allowed to authenticate to this machine"},
    };
    return LOOKUP(t, code, "unknown NTSTATUS");
}

static int ip_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

const char *detect_normalise_ip(const char *in, char *out, size_t outlen)
{
    size_t n;
    if (!outlen)
        return out;
    out[0] = '\0';
    if (!in || !*in || strcmp(in, "-") == 0)
        return out;
    if (in[0] == '[') { /* "[fe80::1]" */
        const char *end = strchr(in, ']');
        n = end ? (size_t)(end - in - 1) : strlen(in + 1);
        in++;
    } else {
        n = strlen(in);
    }
    if (n > 7 && in[0] == ':' && in[1] == ':' && (in[2] == 'f' || in[2] == 'F') &&
        (in[3] == 'f' || in[3] == 'F') && (in[4] == 'f' || in[4] == 'F') && (in[5] == 'f' || in[5] == 'F') &&
        in[6] == ':' && memchr(in + 7, '.', n - 7)) {
        in += 7; /* IPv4-mapped IPv6 */
        n -= 7;
    }
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '%' && i > 0) { /* a zone id such as fe80::1%12 or %eth0 */
            for (size_t j = i + 1; j < n; j++)
                if (!((in[j] >= '0' && in[j] <= '9') || (in[j] >= 'a' && in[j] <= 'z') ||
                      (in[j] >= 'A' && in[j] <= 'Z')))
                    return out;
            break;
        }
        if (!ip_char(in[i]))
            return out; /* not an address: dropped rather than carried as an IP */
    }
    if (n >= outlen)
        return out;
    for (size_t i = 0; i < n; i++)
        out[i] = (in[i] >= 'A' && in[i] <= 'F') ? (char)(in[i] + 32) : in[i];
    out[n] = '\0';
    return out;
}

const char *detect_action_name(detect_action a)
{
    switch (a) {
    case DETECT_KERBEROAST: return "kerberoast";
    case DETECT_ASREP_ROAST: return "asrep_roast";
    case DETECT_PASSWORD_GUESS: return "password_guess";
    case DETECT_DECOY_LOGON: return "decoy_logon";
    case DETECT_RECON: return "recon";
    case DETECT_TAMPERING: return "tampering";
    case DETECT_LOG_CLEARED: return "log_cleared";
    case DETECT_AUDIT_POLICY_CHANGED: return "audit_policy_changed";
    case DETECT_DECOY_DISABLED: return "decoy_disabled";
    case DETECT_DECOY_DELETED: return "decoy_deleted";
    case DETECT_DECOY_PASSWORD_RESET: return "decoy_password_reset";
    case DETECT_DECOY_PASSWORD_CHANGED: return "decoy_password_changed";
    case DETECT_DECOY_RENAMED: return "decoy_renamed";
    case DETECT_DECOY_GROUP_ADDED: return "decoy_group_added";
    case DETECT_DECOY_SACL_CHANGED: return "decoy_sacl_changed";
    case DETECT_AUDIT_GAP: return "audit_gap";
    case DETECT_AUDIT_RESTORED: return "audit_restored";
    case DETECT_BREADCRUMB_USED: return "breadcrumb_used";
    case DETECT_NONE: break;
    }
    return "none";
}

int detect_ntstatus_password_correct(uint32_t code)
{
    switch (code) {
    case 0xc000006fu:
    case 0xc0000070u:
    case 0xc0000071u:
    case 0xc000015bu:
    case 0xc0000193u:
    case 0xc0000224u: return 1;
    default: return 0;
    }
}
