/*
 * samba_json.c - Samba's JSON authentication audit (log class auth_json_audit, level 3) ->
 * Windows-equivalent events:
 *   serviceDescription "Kerberos KDC": NT_STATUS_OK -> 4768 (a TGT; PreAuthType 0 when the
 *     client sent no pre-authentication = AS-REP roasting), failures -> 4771 (Kerberos status);
 *   NTLM (passwordType NTLMv1/NTLMv2, whatever the service: LDAP NTLMSSP, SMB, SamLogon) -> 4776,
 *     the DC's NTLM credential validation (Status 0 or the NTSTATUS);
 *   any other service (LDAP simple bind, SMB with Kerberos): OK -> 4624, failure -> 4625.
 * Directory change audits (dsdbChange, passwordChange, groupChange) go to samba_dsdb.c; other
 * types ("Authorization", ...) are not events.
 */
#include "evtx/samba_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* NT status -> Kerberos error code (4768/4771 Status) and NTSTATUS value (4625 SubStatus). */
static const struct {
    const char *name;
    uint32_t krb;
    uint32_t nt;
} nt_statuses[] = {
    {"NT_STATUS_WRONG_PASSWORD", 0x18, 0xC000006A},
    {"NT_STATUS_NO_SUCH_USER", 0x6, 0xC0000064},
    {"NT_STATUS_LOGON_FAILURE", 0x18, 0xC000006D},
    {"NT_STATUS_ACCOUNT_DISABLED", 0x12, 0xC0000072},
    {"NT_STATUS_ACCOUNT_LOCKED_OUT", 0x12, 0xC0000234},
    {"NT_STATUS_ACCOUNT_EXPIRED", 0x12, 0xC0000193},
    {"NT_STATUS_ACCOUNT_RESTRICTION", 0x12, 0xC000006E},
    {"NT_STATUS_INVALID_LOGON_HOURS", 0x12, 0xC000006F},
    {"NT_STATUS_INVALID_WORKSTATION", 0x12, 0xC0000070},
    {"NT_STATUS_PASSWORD_EXPIRED", 0x17, 0xC0000071},
    {"NT_STATUS_PASSWORD_MUST_CHANGE", 0x17, 0xC0000224},
    {"NT_STATUS_TIME_DIFFERENCE_AT_DC", 0x25, 0xC0000133},
    {"NT_STATUS_NO_LOGON_SERVERS", 0x3c, 0xC000005E},
};

static const char *jstr(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s ? s : NULL;
}

static size_t jlen(const json_t *obj, const char *key)
{
    return json_string_length(json_object_get(obj, key));
}

/* The bare account name: mappedAccount when Samba resolved one, else clientAccount without
 * "@realm" or a "DOMAIN\" prefix. */
static int add_account(evtx_event *ev, const json_t *a, const char *name)
{
    const char *s = jstr(a, "mappedAccount"), *at, *bs;
    size_t len;

    if (s)
        return samba_add(ev, name, s, jlen(a, "mappedAccount"));
    s = jstr(a, "clientAccount");
    if (!s)
        return samba_add(ev, name, "-", 1);
    len = jlen(a, "clientAccount");
    at = memchr(s, '@', len);
    if (at)
        len = (size_t)(at - s);
    bs = memchr(s, '\\', len);
    if (bs) {
        len -= (size_t)(bs + 1 - s);
        s = bs + 1;
    }
    return samba_add(ev, name, s, len);
}

/* The domain: the realm of clientAccount "user@REALM", else mappedDomain / clientDomain. */
static int add_domain(evtx_event *ev, const json_t *a)
{
    const char *s = jstr(a, "clientAccount"), *at;
    size_t len = jlen(a, "clientAccount");

    if (s && (at = memchr(s, '@', len)) != NULL)
        return samba_add(ev, "TargetDomainName", at + 1, len - (size_t)(at + 1 - s));
    if ((s = jstr(a, "mappedDomain")) != NULL)
        return samba_add(ev, "TargetDomainName", s, jlen(a, "mappedDomain"));
    if ((s = jstr(a, "clientDomain")) != NULL)
        return samba_add(ev, "TargetDomainName", s, jlen(a, "clientDomain"));
    return samba_add(ev, "TargetDomainName", "-", 1);
}

static int add_opt(evtx_event *ev, const json_t *a, const char *key, const char *name)
{
    const char *s = jstr(a, key);
    return s ? samba_add(ev, name, s, jlen(a, key)) : 0;
}

static int add_address(evtx_event *ev, const json_t *a)
{
    const char *s = jstr(a, "remoteAddress");
    if (!s)
        return samba_add(ev, "IpAddress", "-", 1);
    return samba_add_address(ev, s, jlen(a, "remoteAddress"));
}

/* 4768 PreAuthType from authDescription: ENC-TS 2, PKINIT 16, FAST encrypted challenge 138;
 * a TGT issued without any pre-authentication (AS-REP roasting) 0. */
static unsigned preauth_type(const json_t *a)
{
    const char *d = jstr(a, "authDescription");
    if (d && strstr(d, "ENC-TS"))
        return 2;
    if (d && (strstr(d, "PKINIT") || strstr(d, "PK-INIT")))
        return 16;
    if (d && (strstr(d, "ENC-CHAL") || strstr(d, "FAST")))
        return 138;
    if (!d || (strstr(d, "Unknown") && !jstr(a, "passwordType")))
        return 0;
    return 2;
}

static int map_kdc(evtx_event *ev, const json_t *a, const char *status, int ok)
{
    uint32_t krb = 0x3c;
    if (ok)
        krb = 0;
    else
        for (size_t i = 0; i < sizeof nt_statuses / sizeof nt_statuses[0]; i++)
            if (strcmp(status, nt_statuses[i].name) == 0)
                krb = nt_statuses[i].krb;
    ev->event_id = ok ? 4768 : 4771;
    if (add_account(ev, a, "TargetUserName") != 0 || add_domain(ev, a) != 0 ||
        add_opt(ev, a, "becameSid", "TargetSid") != 0 || add_address(ev, a) != 0 ||
        samba_add(ev, "ServiceName", "krbtgt", 6) != 0 || samba_add_hex(ev, "Status", krb) != 0 ||
        samba_add_hex(ev, "PreAuthType", preauth_type(a)) != 0)
        return -1;
    return 0;
}

/* 4776: PackageName, TargetUserName, Workstation, Status (as the DC logs NTLM validation). */
static int map_ntlm(evtx_event *ev, const json_t *a, const char *status, int ok)
{
    uint32_t st = 0;
    if (!ok) {
        st = 0xC000006D;
        for (size_t i = 0; i < sizeof nt_statuses / sizeof nt_statuses[0]; i++)
            if (strcmp(status, nt_statuses[i].name) == 0)
                st = nt_statuses[i].nt;
    }
    ev->event_id = 4776;
    if (samba_add(ev, "PackageName", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", (size_t)-1) != 0 ||
        add_account(ev, a, "TargetUserName") != 0 || add_domain(ev, a) != 0 ||
        add_opt(ev, a, "workstation", "Workstation") != 0 || add_address(ev, a) != 0 ||
        add_opt(ev, a, "serviceDescription", "LogonProcessName") != 0 || samba_add_hex(ev, "Status", st) != 0)
        return -1;
    return 0;
}

static int is_ntlm(const json_t *a)
{
    const char *pw = jstr(a, "passwordType");
    return pw && strncmp(pw, "NTLM", 4) == 0;
}

static int map_logon(evtx_event *ev, const json_t *a, const char *status, int ok)
{
    char num[24];
    json_int_t lt = json_integer_value(json_object_get(a, "logonType"));
    const char *pw = jstr(a, "passwordType");
    const char *pkg = pw && strstr(pw, "NTLM") ? "NTLM" : "Negotiate";

    ev->event_id = ok ? 4624 : 4625;
    snprintf(num, sizeof num, "%lld", (long long)(lt > 0 ? lt : 3));
    if (add_account(ev, a, "TargetUserName") != 0 || add_domain(ev, a) != 0 ||
        add_opt(ev, a, "becameSid", "TargetUserSid") != 0 || add_address(ev, a) != 0 ||
        samba_add(ev, "LogonType", num, (size_t)-1) != 0 ||
        add_opt(ev, a, "workstation", "WorkstationName") != 0 ||
        add_opt(ev, a, "serviceDescription", "LogonProcessName") != 0 ||
        samba_add(ev, "AuthenticationPackageName", pkg, (size_t)-1) != 0)
        return -1;
    if (!ok) {
        uint32_t sub = 0xC000006D;
        for (size_t i = 0; i < sizeof nt_statuses / sizeof nt_statuses[0]; i++)
            if (strcmp(status, nt_statuses[i].name) == 0)
                sub = nt_statuses[i].nt;
        if (samba_add_hex(ev, "Status", 0xC000006D) != 0 || samba_add_hex(ev, "SubStatus", sub) != 0)
            return -1;
    }
    return 0;
}

int samba_json_message(evtx_samba *p, const char *json, size_t len, evtx_event *ev, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr), *a;
    const char *type, *status, *service, *ts;
    int64_t time_ms = p->header_ms;
    int ok, rc = -1;

    if (!root) {
        snprintf(err, errlen, "JSON audit line: %s (column %d)", jerr.text, jerr.column);
        return -1;
    }
    type = json_string_value(json_object_get(root, "type"));
    if ((ts = json_string_value(json_object_get(root, "timestamp"))) != NULL) {
        int64_t t = samba_parse_iso_time(ts, json_string_length(json_object_get(root, "timestamp")));
        if (t >= 0)
            time_ms = t;
    }
    if (type && (strcmp(type, "dsdbChange") == 0 || strcmp(type, "passwordChange") == 0 ||
                 strcmp(type, "groupChange") == 0)) {
        rc = samba_dsdb_message(p, root, type, time_ms, ev, err, errlen);
        goto out;
    }
    if (!type || strcmp(type, "Authentication") != 0) {
        rc = 0; /* Authorization, dsdbTransaction, ... */
        goto out;
    }
    a = json_object_get(root, "Authentication");
    status = jstr(a, "status");
    if (!json_is_object(a) || !status) {
        snprintf(err, errlen, "JSON Authentication line without an Authentication.status");
        goto out;
    }
    service = jstr(a, "serviceDescription");
    ok = strcmp(status, "NT_STATUS_OK") == 0;
    if (samba_event_begin(p, ev, 0, time_ms) != 0)
        goto oom;
    if (service && strcmp(service, "Kerberos KDC") == 0 ? map_kdc(ev, a, status, ok)
        : is_ntlm(a)                                    ? map_ntlm(ev, a, status, ok)
                                                        : map_logon(ev, a, status, ok))
        goto oom;
    if (samba_add(ev, "SambaStatus", status, (size_t)-1) != 0 ||
        add_opt(ev, a, "authDescription", "SambaAuthDescription") != 0 ||
        add_opt(ev, a, "clientAccount", "SambaClientAccount") != 0)
        goto oom;
    rc = 1;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    json_decref(root);
    return rc;
}
