/*
 * samba_kdc.c - Samba's KDC text log (log class "kerberos", level 3, Heimdal's audit lines) ->
 * 4769 service ticket events. The KDC states a TGS-REQ in two lines:
 *   TGS-REQ alice@R from ipv4:127.0.0.1:45714 for MSSQLSvc/db:1433@R [canonicalize, renewable]
 *   TGS-REQ SUCCESS ipv4:127.0.0.1:45714 alice@R MSSQLSvc/db:1433@R etype=18/23 ... flags=...
 * The request line is remembered by its address:port (a small bounded table) and completed by
 * the result line; a result line alone still makes an event. AS-REQ lines are left to the JSON
 * audit (it reports each AS exchange exactly once, including AS-REP roasting).
 */
#include "evtx/samba_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KDC_MAX_TOKENS 64

/* Splits on spaces not escaped by a backslash (Heimdal escapes spaces in principal names). */
static size_t kdc_tokenize(const char *s, samba_str *tok, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        const char *start;
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        start = s;
        while (*s && *s != ' ') {
            if (*s == '\\' && s[1])
                s++;
            s++;
        }
        tok[n].p = start;
        tok[n].len = (size_t)(s - start);
        n++;
    }
    return n;
}

static int tok_is(samba_str t, const char *word)
{
    return t.len == strlen(word) && memcmp(t.p, word, t.len) == 0;
}

static int tok_is_addr(samba_str t)
{
    return t.len > 5 && (memcmp(t.p, "ipv4:", 5) == 0 || memcmp(t.p, "ipv6:", 5) == 0);
}

/* Position of the realm separator: the last '@' not escaped by a backslash, or t.len. */
static size_t principal_at(samba_str t)
{
    size_t at = t.len;
    for (size_t i = 0; i < t.len; i++) {
        if (t.p[i] == '\\')
            i++;
        else if (t.p[i] == '@')
            at = i;
    }
    return at;
}

/* A principal's name part t[0..len) with Heimdal's escapes undone ("svc\\@corp.example" for the
 * enterprise principal svc@corp.example, "\\ " and "\\/" inside a component, "\\n", "\\t", "\\b";
 * an escaped NUL is dropped). Returns a malloc'd string, NULL when out of memory. */
static char *kdc_unescape(const char *t, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (c == '\\' && i + 1 < len) {
            c = t[++i];
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'b' ? '\b' : c == '0' ? '\0' : c;
        }
        if (c)
            *o++ = c;
    }
    *o = '\0';
    return out;
}

/* s (malloc'd) followed by t[0..len); frees s and returns NULL when out of memory. */
static char *kdc_append(char *s, const char *t, size_t len)
{
    size_t n = strlen(s);
    char *r = realloc(s, n + len + 1);
    if (!r) {
        free(s);
        return NULL;
    }
    memcpy(r + n, t, len);
    r[n + len] = '\0';
    return r;
}

/* TargetDomainName: the realm of a principal ("" when it has none). */
static int kdc_add_realm(evtx_event *ev, samba_str principal)
{
    size_t at = principal_at(principal);
    if (at == principal.len)
        return samba_add(ev, "TargetDomainName", "", 0);
    return samba_add(ev, "TargetDomainName", principal.p + at + 1, principal.len - at - 1);
}

/* Heimdal's error names (krb5_get_error_message of KRB5KDC_ERR_*, printed without the prefix)
 * -> the Kerberos error codes Windows puts in Status. */
static const struct {
    const char *name;
    uint32_t code;
} kdc_errors[] = {
    {"ERR_NAME_EXP", 0x1},
    {"ERR_SERVICE_EXP", 0x2},
    {"ERR_BAD_PVNO", 0x3},
    {"ERR_C_OLD_MAST_KVNO", 0x4},
    {"ERR_S_OLD_MAST_KVNO", 0x5},
    {"ERR_C_PRINCIPAL_UNKNOWN", 0x6},
    {"ERR_S_PRINCIPAL_UNKNOWN", 0x7},
    {"ERR_PRINCIPAL_NOT_UNIQUE", 0x8},
    {"ERR_NULL_KEY", 0x9},
    {"ERR_CANNOT_POSTDATE", 0xa},
    {"ERR_NEVER_VALID", 0xb},
    {"ERR_POLICY", 0xc},
    {"ERR_BADOPTION", 0xd},
    {"ERR_ETYPE_NOSUPP", 0xe},
    {"ERR_SUMTYPE_NOSUPP", 0xf},
    {"ERR_PADATA_TYPE_NOSUPP", 0x10},
    {"ERR_TRTYPE_NOSUPP", 0x11},
    {"ERR_CLIENT_REVOKED", 0x12},
    {"ERR_SERVICE_REVOKED", 0x13},
    {"ERR_TGT_REVOKED", 0x14},
    {"ERR_CLIENT_NOTYET", 0x15},
    {"ERR_SERVICE_NOTYET", 0x16},
    {"ERR_KEY_EXPIRED", 0x17},
    {"ERR_PREAUTH_FAILED", 0x18},
    {"ERR_PREAUTH_REQUIRED", 0x19},
    {"ERR_SERVER_NOMATCH", 0x1a},
    {"ERR_MUST_USE_USER2USER", 0x1b},
    {"ERR_PATH_NOT_ACCEPTED", 0x1c},
    {"ERR_SVC_UNAVAILABLE", 0x1d},
    {"KRB5KRB_AP_ERR_SKEW", 0x25},
    {"KRB5KRB_AP_ERR_BADMATCH", 0x24},
    {"KRB5KRB_AP_ERR_MODIFIED", 0x29},
    {"KRB5KDC_ERR_WRONG_REALM", 0x44},
    {"ERR_WRONG_REALM", 0x44},
};

static uint32_t kdc_status(samba_str t)
{
    for (size_t i = 0; i < sizeof kdc_errors / sizeof kdc_errors[0]; i++)
        if (tok_is(t, kdc_errors[i].name))
            return kdc_errors[i].code;
    if (t.len > 8 && memcmp(t.p, "UNKNOWN-", 8) == 0) {
        unsigned long v = strtoul(t.p + 8, NULL, 10);
        if (v > 0 && v < 0x100)
            return (uint32_t)v;
    }
    return 0x3c; /* KRB_ERR_GENERIC */
}

/* Heimdal's KDCOptions names -> the bits of 4769 TicketOptions (bit 0 = 0x80000000). */
uint32_t samba_ticket_options(const char *flags, size_t len)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {
        {"reserved", 0},
        {"forwardable", 1},
        {"forwarded", 2},
        {"proxiable", 3},
        {"proxy", 4},
        {"allow-postdate", 5},
        {"postdated", 6},
        {"renewable", 8},
        {"cname-in-addl-tkt", 14},
        {"canonicalize", 15},
        {"request-anonymous", 16},
        {"disable-transited-check", 26},
        {"renewable-ok", 27},
        {"enc-tkt-in-skey", 28},
        {"renew", 30},
        {"validate", 31},
    };
    uint32_t v = 0;
    size_t i = 0;

    while (i < len) {
        size_t start, n;
        while (i < len && (flags[i] == ' ' || flags[i] == ','))
            i++;
        start = i;
        while (i < len && flags[i] != ' ' && flags[i] != ',')
            i++;
        n = i - start;
        for (size_t k = 0; n && k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k].name) == n && memcmp(names[k].name, flags + start, n) == 0)
                v |= 0x80000000u >> names[k].bit;
    }
    return v;
}

/* ---- the request/result pairing table ---------------------------------------------------------- */

static samba_pending *pending_find(evtx_samba *p, samba_str addr)
{
    for (size_t i = 0; i < SAMBA_PENDING_MAX; i++)
        if (p->pending[i].seq && strlen(p->pending[i].addr) == addr.len &&
            memcmp(p->pending[i].addr, addr.p, addr.len) == 0)
            return &p->pending[i];
    return NULL;
}

static void pending_put(evtx_samba *p, samba_str addr, samba_str flags)
{
    samba_pending *slot = pending_find(p, addr);
    if (addr.len >= SAMBA_ADDR_MAX)
        return; /* not a real address: nothing will pair with it */
    for (size_t i = 0; !slot && i < SAMBA_PENDING_MAX; i++)
        if (!p->pending[i].seq)
            slot = &p->pending[i];
    if (!slot) { /* full: forget the oldest (its result line never came) */
        slot = &p->pending[0];
        for (size_t i = 1; i < SAMBA_PENDING_MAX; i++)
            if (p->pending[i].seq < slot->seq)
                slot = &p->pending[i];
    }
    slot->seq = ++p->seq;
    memcpy(slot->addr, addr.p, addr.len);
    slot->addr[addr.len] = '\0';
    if (flags.len >= SAMBA_FLAGS_MAX)
        flags.len = SAMBA_FLAGS_MAX - 1;
    memcpy(slot->flags, flags.p, flags.len);
    slot->flags[flags.len] = '\0';
}

/* "TGS-REQ alice@R from ipv4:a:p for SPN@R [flag, flag]": remember the flags by address. */
static int kdc_tgs_request(evtx_samba *p, const char *rest)
{
    samba_str tok[KDC_MAX_TOKENS], flags = {"", 0};
    size_t n = kdc_tokenize(rest, tok, KDC_MAX_TOKENS);
    const char *open = strrchr(rest, '[');

    if (n < 5 || !tok_is(tok[1], "from") || !tok_is_addr(tok[2]))
        return 0;
    if (open && open[strlen(open) - 1] == ']') {
        flags.p = open + 1;
        flags.len = strlen(open) - 2;
    }
    pending_put(p, tok[2], flags);
    return 0;
}

/* Finds "key=" among tokens [from, n) and returns its value. */
static int kdc_kv(const samba_str *tok, size_t from, size_t n, const char *key, samba_str *val)
{
    size_t klen = strlen(key);
    for (size_t i = from; i < n; i++)
        if (tok[i].len > klen && memcmp(tok[i].p, key, klen) == 0 && tok[i].p[klen] == '=') {
            val->p = tok[i].p + klen + 1;
            val->len = tok[i].len - klen - 1;
            return 1;
        }
    return 0;
}

static int kdc_add_etypes(evtx_event *ev, samba_str etype)
{
    char buf[64];
    char *slash, *end;
    unsigned long session, ticket;

    if (etype.len == 0 || etype.len >= sizeof buf)
        return 0;
    memcpy(buf, etype.p, etype.len);
    buf[etype.len] = '\0';
    slash = strchr(buf, '/');
    if (!slash)
        return 0;
    session = strtoul(buf, &end, 10);
    if (end != slash)
        return 0;
    ticket = strtoul(slash + 1, &end, 10);
    if (*end || end == slash + 1 || ticket > 0xffff || session > 0xffff)
        return 0;
    if (samba_add_hex(ev, "TicketEncryptionType", (uint32_t)ticket) != 0 ||
        samba_add_hex(ev, "SessionKeyEncryptionType", (uint32_t)session) != 0)
        return -1;
    return 0;
}

/* "TGS-REQ STATUS addr client server key=value...": the 4769. */
static int kdc_tgs_result(evtx_samba *p, const char *rest, int64_t time_ms, evtx_event *ev, char *err,
                          size_t errlen)
{
    samba_str tok[KDC_MAX_TOKENS], v, client;
    size_t n = kdc_tokenize(rest, tok, KDC_MAX_TOKENS), at;
    samba_pending *req;
    uint32_t status = 0;
    const char *account = NULL;
    char *spn_z = NULL, *client_z = NULL;
    int rc = -1;

    if (tok_is(tok[0], "KRB5KRB_ERR_RESPONSE_TOO_BIG"))
        return 0; /* UDP reply too big: the client retries over TCP, which is logged again */
    if (n < 4 || principal_at(tok[3]) == tok[3].len) {
        snprintf(err, errlen, "TGS-REQ result line without client and service principals");
        return -1;
    }
    if (!tok_is(tok[0], "SUCCESS"))
        status = kdc_status(tok[0]);
    client = tok[2];
    at = principal_at(client);
    /* names as Windows writes them: "user@REALM", the SPN without its realm, escapes undone */
    if (!(client_z = kdc_unescape(client.p, at)) ||
        !(client_z = kdc_append(client_z, client.p + at, client.len - at)) || /* "@REALM" as is */
        !(spn_z = kdc_unescape(tok[3].p, principal_at(tok[3]))))
        goto oom;
    if (p->resolve_spn)
        account = p->resolve_spn(p->resolve_ctx, spn_z);

    if (samba_event_begin(p, ev, 4769, time_ms) != 0 ||
        samba_add(ev, "TargetUserName", client_z, (size_t)-1) != 0 || kdc_add_realm(ev, client) != 0 ||
        samba_add(ev, "ServiceName", account ? account : spn_z, (size_t)-1) != 0 ||
        samba_add(ev, "ServicePrincipal", spn_z, (size_t)-1) != 0 ||
        samba_add_address(ev, tok[1].p, tok[1].len) != 0 || samba_add_hex(ev, "Status", status) != 0)
        goto oom;
    if (kdc_kv(tok, 4, n, "etype", &v) && kdc_add_etypes(ev, v) != 0)
        goto oom;
    req = pending_find(p, tok[1]);
    if (kdc_kv(tok, 4, n, "flags", &v)) {
        if (samba_add_hex(ev, "TicketOptions", samba_ticket_options(v.p, v.len)) != 0)
            goto oom;
    } else if (req && req->flags[0]) {
        if (samba_add_hex(ev, "TicketOptions", samba_ticket_options(req->flags, strlen(req->flags))) != 0)
            goto oom;
    }
    if (req)
        req->seq = 0;
    if (status && samba_add(ev, "FailureReason", tok[0].p, tok[0].len) != 0)
        goto oom;
    rc = 1;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    free(spn_z);
    free(client_z);
    return rc;
}

int samba_kdc_message(evtx_samba *p, const char *msg, int64_t time_ms, evtx_event *ev, char *err, size_t errlen)
{
    samba_str first[2];
    size_t n;
    const char *rest;

    if (strncmp(msg, "TGS-REQ ", 8) != 0)
        return 0; /* AS-REQ (the JSON audit has it) and Heimdal's chatter */
    rest = msg + 8;
    n = kdc_tokenize(rest, first, 2);
    if (n < 2)
        return 0;
    if (tok_is(first[1], "from"))
        return kdc_tgs_request(p, rest);
    if (tok_is_addr(first[1])) {
        for (size_t i = 0; i < first[0].len; i++)
            if (!isupper((unsigned char)first[0].p[i]) && !isdigit((unsigned char)first[0].p[i]) &&
                first[0].p[i] != '_' && first[0].p[i] != '-')
                return 0;
        return kdc_tgs_result(p, rest, time_ms, ev, err, errlen);
    }
    return 0; /* "TGS-REQ authtime: ..." and the like */
}
