/*
 * ldap_sspi_win.c - the GSS-SPNEGO SASL bind of adseed.exe as the logged-on Windows user, with
 * SSPI (cyrus-sasl has no GSSAPI plugin on Windows). Negotiate credentials of the current logon
 * session (no password anywhere), InitializeSecurityContextW towards ldap/<host of the URI> with
 * mutual authentication, each token carried by a libldap SASL bind request until both the
 * security context and the bind are complete. No SASL security layer is negotiated: the
 * connection must already be TLS (ldaps:// or StartTLS).
 */
#include <winsock2.h>
#include <windows.h>
#define SECURITY_WIN32
#include <security.h>
#include <sspi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/ldap_gss.h"
#include "svc/base/utf16.h"

#define SSPI_PACKAGE L"Negotiate"
#define SASL_MECH "GSS-SPNEGO"
#define MAX_ROUNDS 8

/* A few statuses an operator meets, with what to do about them (FormatMessage gives the text). */
static const struct {
    SECURITY_STATUS ss;
    const char *name, *hint;
} sspi_hints[] = {
    {SEC_E_NO_CREDENTIALS, "SEC_E_NO_CREDENTIALS",
     "the logged-on user has no domain credentials: run adseed as a domain account (klist lists its "
     "tickets)"},
    {SEC_E_NO_AUTHENTICATING_AUTHORITY, "SEC_E_NO_AUTHENTICATING_AUTHORITY",
     "no KDC of the user's domain could be contacted"},
    {SEC_E_TARGET_UNKNOWN, "SEC_E_TARGET_UNKNOWN",
     "the KDC knows no such service principal: give the DC's fully qualified host name in --uri, "
     "not an IP address or an alias"},
    {SEC_E_WRONG_PRINCIPAL, "SEC_E_WRONG_PRINCIPAL",
     "the server is not the principal named by the SPN: --uri must name the DC itself"},
    {SEC_E_TIME_SKEW, "SEC_E_TIME_SKEW", "this machine's clock differs from the DC's by more than 5 minutes"},
    {SEC_E_LOGON_DENIED, "SEC_E_LOGON_DENIED", "the domain refused the logon"},
    {SEC_E_MUTUAL_AUTH_FAILED, "SEC_E_MUTUAL_AUTH_FAILED", "the server failed to prove its identity"},
    {SEC_E_INVALID_TOKEN, "SEC_E_INVALID_TOKEN", "the server's reply is not a valid SPNEGO token"},
    {SEC_E_SECPKG_NOT_FOUND, "SEC_E_SECPKG_NOT_FOUND", "the Negotiate security package is not installed"},
    {SEC_E_INTERNAL_ERROR, "SEC_E_INTERNAL_ERROR", NULL},
    {SEC_E_UNSUPPORTED_FUNCTION, "SEC_E_UNSUPPORTED_FUNCTION", NULL},
};

/* "0x80090311 SEC_E_NO_AUTHENTICATING_AUTHORITY (system text): hint" */
static void sspi_describe(SECURITY_STATUS ss, char *buf, size_t len)
{
    char text[256] = "";
    const char *name = "", *hint = NULL;
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)ss,
                             MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), text, (DWORD)sizeof text, NULL);
    while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '.'))
        text[--n] = '\0';
    for (size_t i = 0; i < sizeof sspi_hints / sizeof sspi_hints[0]; i++) {
        if (sspi_hints[i].ss == ss) {
            name = sspi_hints[i].name;
            hint = sspi_hints[i].hint;
            break;
        }
    }
    snprintf(buf, len, "0x%08lX%s%s%s%s%s%s", (unsigned long)(DWORD)ss, *name ? " " : "", name, n ? " (" : "",
             n ? text : "", n ? ")" : "", hint ? ": " : "");
    if (hint) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s", hint);
    }
}

/* The SPN ldap/<host>, as UTF-16 for SSPI and UTF-8 for messages. */
static int make_spn(const char *uri, wchar_t *wspn, size_t wlen, char *spn, size_t len, char *err, size_t errlen)
{
    LDAPURLDesc *lud = NULL;
    int ret = -1;
    if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS || !lud->lud_host || !*lud->lud_host) {
        snprintf(err, errlen,
                 "%s: --bind spnego needs the DC's host name in --uri "
                 "(the Kerberos service principal is ldap/<host>)",
                 uri);
        goto out;
    }
    int n = snprintf(spn, len, "ldap/%s", lud->lud_host);
    if (n < 0 || (size_t)n >= len || utf16_from_utf8_buf(spn, wspn, wlen) < 0) {
        snprintf(err, errlen, "%s: the host name is too long or not valid UTF-8", uri);
        goto out;
    }
    ret = 0;
out:
    if (lud)
        ldap_free_urldesc(lud);
    return ret;
}

/* Name of the package Negotiate chose (Kerberos or NTLM), for messages; "?" when unknown. */
static void negotiated_package(CtxtHandle *ctx, char *buf, size_t len)
{
    SecPkgContext_NegotiationInfoW ni;
    snprintf(buf, len, "?");
    memset(&ni, 0, sizeof ni);
    if (QueryContextAttributesW(ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK && ni.PackageInfo) {
        if (ni.PackageInfo->Name)
            utf8_from_utf16_buf(ni.PackageInfo->Name, buf, len);
        FreeContextBuffer(ni.PackageInfo);
    }
}

static void sspi_fail(char *err, size_t errlen, const char *uri, const char *call, const char *spn,
                      SECURITY_STATUS ss)
{
    char desc[600];
    sspi_describe(ss, desc, sizeof desc);
    snprintf(err, errlen, "%s: SASL GSS-SPNEGO bind as the logged-on user: %s for %s failed: %s", uri, call,
             spn, desc);
}

/* One round trip: our token (may be empty) in a SASL bind request; the server's token out. */
static int send_token(adseed_conn *c, const char *uri, const SecBuffer *tok, struct berval **servercred,
                      int *ldap_done, char *err, size_t errlen)
{
    struct berval cred = {.bv_len = tok->cbBuffer, .bv_val = tok->pvBuffer};
    if (*servercred)
        ber_bvfree(*servercred);
    *servercred = NULL;
    int rc = ldap_sasl_bind_s(c->ld, NULL, SASL_MECH, &cred, NULL, NULL, servercred);
    if (rc == LDAP_SUCCESS) {
        *ldap_done = 1;
        return 0;
    }
    if (rc == LDAP_SASL_BIND_IN_PROGRESS)
        return 0;
    char what[400];
    snprintf(what, sizeof what, "%s: SASL GSS-SPNEGO bind as the logged-on user (SSPI Negotiate)", uri);
    adseed_ldap_fail(c, err, errlen, what, rc);
    return -1;
}

int adseed_gss_bind(adseed_conn *c, const adseed_conn_opts *o, char *err, size_t errlen)
{
    const char *uri = o->uri; /* gssapi and spnego alike: SSPI GSS-SPNEGO */
    wchar_t wspn[600];
    char spn[600], pkg[64];
    CredHandle cred;
    CtxtHandle ctx;
    TimeStamp expiry;
    struct berval *servercred = NULL;
    PSecPkgInfoW info = NULL;
    unsigned char *tokbuf = NULL;
    ULONG maxtoken = 0;
    int have_cred = 0, have_ctx = 0, ldap_done = 0, fed_final = 0, ret = -1;
    /* our own token buffer: Wine's Kerberos package does not support ISC_REQ_ALLOCATE_MEMORY */
    const ULONG want = ISC_REQ_MUTUAL_AUTH;

    if (!c->tls) {
        snprintf(err, errlen,
                 "%s: refusing --bind spnego without TLS: adseed.exe negotiates no SASL "
                 "signing or sealing layer, so the connection must be ldaps:// or ldap:// with --starttls",
                 uri);
        return -1;
    }
    if (make_spn(uri, wspn, sizeof wspn / sizeof wspn[0], spn, sizeof spn, err, errlen))
        return -1;
    SECURITY_STATUS ss = QuerySecurityPackageInfoW(SSPI_PACKAGE, &info);
    if (ss != SEC_E_OK) {
        sspi_fail(err, errlen, uri, "QuerySecurityPackageInfo(Negotiate)", "the token size", ss);
        goto out;
    }
    maxtoken = info->cbMaxToken;
    if (!(tokbuf = malloc(maxtoken ? maxtoken : 1))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    ss = AcquireCredentialsHandleW(NULL, SSPI_PACKAGE, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred,
                                   &expiry);
    if (ss != SEC_E_OK) {
        sspi_fail(err, errlen, uri, "AcquireCredentialsHandle(Negotiate)", "the current logon", ss);
        goto out;
    }
    have_cred = 1;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        SecBuffer inb = {.BufferType = SECBUFFER_TOKEN},
                  outb = {.BufferType = SECBUFFER_TOKEN, .cbBuffer = maxtoken, .pvBuffer = tokbuf};
        SecBufferDesc indesc = {SECBUFFER_VERSION, 1, &inb}, outdesc = {SECBUFFER_VERSION, 1, &outb};
        ULONG got = 0;
        if (servercred) {
            inb.cbBuffer = (ULONG)servercred->bv_len;
            inb.pvBuffer = servercred->bv_val;
        }
        ss = InitializeSecurityContextW(&cred, have_ctx ? &ctx : NULL, wspn, want, 0, SECURITY_NATIVE_DREP,
                                        have_ctx ? &indesc : NULL, 0, &ctx, &outdesc, &got, &expiry);
        if (ss == SEC_I_COMPLETE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE) {
            SECURITY_STATUS cs = CompleteAuthToken(&ctx, &outdesc);
            if (cs != SEC_E_OK)
                ss = cs;
            else
                ss = ss == SEC_I_COMPLETE_NEEDED ? SEC_E_OK : SEC_I_CONTINUE_NEEDED;
        }
        if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED) {
            sspi_fail(err, errlen, uri, "InitializeSecurityContext(Negotiate)", spn, ss);
            goto out;
        }
        have_ctx = 1;
        if (!ldap_done) {
            if (send_token(c, uri, &outb, &servercred, &ldap_done, err, errlen))
                goto out;
        }
        if (!ldap_done)
            continue;
        if (ss == SEC_E_OK) {
            if (!(got & ISC_RET_MUTUAL_AUTH)) {
                negotiated_package(&ctx, pkg, sizeof pkg);
                snprintf(err, errlen,
                         "%s: SASL GSS-SPNEGO bind as the logged-on user: the server was "
                         "not mutually authenticated (package %s; Kerberos is needed: give the DC's "
                         "fully qualified host name in --uri so that %s is a known SPN)",
                         uri, pkg, spn);
                goto out;
            }
            ret = 0;
            goto out;
        }
        /* the server accepted; its last token (the Kerberos AP-REP) completes our side */
        if (fed_final || !servercred || !servercred->bv_len) {
            snprintf(err, errlen,
                     "%s: SASL GSS-SPNEGO bind as the logged-on user: the server accepted "
                     "the bind without proving its identity to %s (mutual authentication incomplete)",
                     uri, spn);
            goto out;
        }
        fed_final = 1;
    }
    snprintf(err, errlen,
             "%s: SASL GSS-SPNEGO bind as the logged-on user: no result after %d round "
             "trips with %s",
             uri, MAX_ROUNDS, spn);
out:
    if (servercred)
        ber_bvfree(servercred);
    if (have_ctx)
        DeleteSecurityContext(&ctx);
    if (have_cred)
        FreeCredentialsHandle(&cred);
    if (info)
        FreeContextBuffer(info);
    free(tokbuf);
    return ret;
}
