/*
 * ldap_error.c - turns LDAP result codes and AD diagnostic strings into messages an operator can
 * act on: invalid credentials, password policy, insufficient rights, already exists, no such OU,
 * server unreachable, TLS failure.
 */
#include "adseed/ldap_conn.h"

#include <stdio.h>
#include <string.h>

static int contains(const char *s, const char *needle) { return s && strstr(s, needle) != NULL; }

/* AD puts a Win32 error in "AcceptSecurityContext error, data 52e" for bind failures. */
static const char *bind_subcode(const char *diag)
{
    if (contains(diag, "data 525"))
        return "no such user";
    if (contains(diag, "data 52e"))
        return "wrong user name or password";
    if (contains(diag, "data 530"))
        return "logon not permitted at this time";
    if (contains(diag, "data 531"))
        return "logon not permitted from this workstation";
    if (contains(diag, "data 532"))
        return "password expired";
    if (contains(diag, "data 533"))
        return "account disabled";
    if (contains(diag, "data 701"))
        return "account expired";
    if (contains(diag, "data 773"))
        return "password must be changed";
    if (contains(diag, "data 775"))
        return "account locked out";
    return "wrong user name or password";
}

static int tls_like(const char *diag)
{
    return contains(diag, "TLS") || contains(diag, "SSL") || contains(diag, "certificate") ||
           contains(diag, "verify");
}

void adseed_ldap_explain(char *err, size_t errlen, const char *what, int rc, const char *diag)
{
    const char *msg;
    char buf[200];
    if (diag && (!*diag || !strcmp(diag, "(unknown error code)")))
        diag = NULL;
    switch (rc) {
    case LDAP_INVALID_CREDENTIALS:
        snprintf(buf, sizeof buf, "invalid credentials (%s)", bind_subcode(diag));
        msg = buf;
        break;
    case LDAP_CONSTRAINT_VIOLATION:
        msg = contains(diag, "password") || contains(diag, "052D") || contains(diag, "052d")
                  ? "password policy violation (length, complexity or history rejected by the domain)"
                  : "constraint violation (a value breaks a schema or domain constraint)";
        break;
    case LDAP_INSUFFICIENT_ACCESS:
        msg = "insufficient rights: the bound account may not do this (see docs/adseed.md, "
              "required rights)";
        break;
    case LDAP_ALREADY_EXISTS: msg = "entry already exists"; break;
    case LDAP_NO_SUCH_OBJECT: msg = "no such object: the OU or container does not exist (check --ou)"; break;
    case LDAP_STRONG_AUTH_REQUIRED:
        msg = "the server requires an encrypted connection or a signed/sealed bind (use ldaps://, "
              "--starttls or --bind gssapi)";
        break;
    case LDAP_CONFIDENTIALITY_REQUIRED:
        msg = "the server requires confidentiality (TLS or a sealed SASL bind)";
        break;
    case LDAP_UNWILLING_TO_PERFORM:
        msg = contains(diag, "unicodePwd") || contains(diag, "password")
                  ? "the server refuses to set the password (it needs TLS or a sealed bind, or the "
                    "password breaks the policy)"
                  : "the server is unwilling to perform the operation";
        break;
    case LDAP_NO_SUCH_ATTRIBUTE: msg = "no such attribute value"; break;
    case LDAP_OBJECT_CLASS_VIOLATION: msg = "object class violation (missing or forbidden attribute)"; break;
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
        msg = tls_like(diag) ? "TLS failure: the server certificate could not be verified or the "
                               "TLS handshake failed (check --ca-file and the host name in --uri)"
                             : "server unreachable (nothing answers at that address and port, or "
                               "the connection was closed)";
        break;
    case LDAP_TIMEOUT: msg = "server unreachable (timed out)"; break;
    case LDAP_LOCAL_ERROR:
    case LDAP_AUTH_UNKNOWN:
    case LDAP_NOT_SUPPORTED:
        msg = contains(diag, "SASL") || contains(diag, "GSS") || contains(diag, "Kerberos")
                  ? "Kerberos/SASL failure (run kinit first, check KRB5_CONFIG and the DC's "
                    "ldap/<host> SPN)"
                  : ldap_err2string(rc);
        break;
    default: msg = ldap_err2string(rc); break;
    }
    if (diag)
        snprintf(err, errlen, "%s: %s (LDAP %d; server: %s)", what, msg, rc, diag);
    else
        snprintf(err, errlen, "%s: %s (LDAP %d)", what, msg, rc);
}

void adseed_ldap_fail(const adseed_conn *c, char *err, size_t errlen, const char *what, int rc)
{
    char *diag = NULL;
    if (c && c->ld)
        ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
    /* the TCP connection was made but the session died: the TLS handshake failed */
    if (c && c->tls_wanted && c->tcp_connected && !c->bound &&
        (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)) {
        char why[300];
        int useful = diag && *diag && strcmp(diag, "(unknown error code)");
        snprintf(why, sizeof why, "TLS handshake failed%s%s", useful ? ": " : "", useful ? diag : "");
        adseed_ldap_explain(err, errlen, what, rc, why);
    } else {
        adseed_ldap_explain(err, errlen, what, rc, diag);
    }
    ldap_memfree(diag);
}
