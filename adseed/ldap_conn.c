/*
 * ldap_conn.c - opens an authenticated connection to an AD domain controller: URI, TLS
 * (certificate verification always on), StartTLS, simple or Kerberos (ldap_gss.h: GSSAPI /
 * GSS-SPNEGO) bind, referrals off, and discovery of the domain from the RootDSE.
 */
#include "adseed/ldap_conn.h"
#include "adseed/ldap_gss.h"
#include "svc/base/timeval.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int adseed_bind_mech_parse(const char *s, adseed_bind_mech *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "simple"))
        *out = ADSEED_BIND_SIMPLE;
    else if (!strcmp(s, "gssapi"))
        *out = ADSEED_BIND_GSSAPI;
    else if (!strcmp(s, "spnego") || !strcmp(s, "gss-spnego"))
        *out = ADSEED_BIND_SPNEGO;
    else
        return -1;
    return 0;
}

/* SASL interaction: GSSAPI needs no prompts; answer defaults (empty authzid). */
/* A new per-handle TLS context starts empty: carry over the library defaults (LDAPTLS_CACERT,
 * ldap.conf TLS_CACERT/TLS_CACERTDIR) unless --ca-file replaces them. */
static void inherit_tls_default(LDAP *ld, int opt)
{
    char *v = NULL;
    if (ldap_get_option(NULL, opt, &v) == LDAP_OPT_SUCCESS && v && *v)
        ldap_set_option(ld, opt, v);
    ldap_memfree(v);
}

static int set_tls_options(LDAP *ld, const adseed_conn_opts *o, char *err, size_t errlen)
{
    int demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
    if (!o->ca_file) {
        inherit_tls_default(ld, LDAP_OPT_X_TLS_CACERTFILE);
        inherit_tls_default(ld, LDAP_OPT_X_TLS_CACERTDIR);
    }
    if (o->ca_file && ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file) != LDAP_OPT_SUCCESS) {
        snprintf(err, errlen, "--ca-file %s: cannot be used as the TLS trust anchor", o->ca_file);
        return -1;
    }
    if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) != LDAP_OPT_SUCCESS ||
        ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != LDAP_OPT_SUCCESS) {
        snprintf(err, errlen, "%s: TLS failure: cannot create the TLS context%s%s", o->uri,
                 o->ca_file ? " from --ca-file " : "", o->ca_file ? o->ca_file : "");
        return -1;
    }
    return 0;
}

static int on_connect(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr, struct ldap_conncb *ctx)
{
    (void)ld;
    (void)sb;
    (void)srv;
    (void)addr;
    ((adseed_conn *)ctx->lc_arg)->tcp_connected = 1;
    return 0;
}

static void on_close(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
    (void)ld;
    (void)sb;
    (void)ctx;
}

static int do_bind(adseed_conn *c, const adseed_conn_opts *o, char *err, size_t errlen)
{
    char pw[512];
    int rc;
    if (o->bind == ADSEED_BIND_SIMPLE) {
        if (!o->user || !*o->user) {
            snprintf(err, errlen, "--bind simple needs --user (UPN such as admin@corp.example or a DN)");
            return -1;
        }
        if (!c->tls) {
            snprintf(err, errlen,
                     "%s: refusing a simple bind over an unencrypted connection: the "
                     "password would travel in clear text (use ldaps:// or --starttls, or --bind gssapi)",
                     o->uri);
            return -1;
        }
        if (adseed_password_read(o->password_file, pw, sizeof pw, err, errlen))
            return -1;
        struct berval cred = {.bv_val = pw, .bv_len = strlen(pw)};
        rc = ldap_sasl_bind_s(c->ld, o->user, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
        memset(pw, 0, sizeof pw);
        if (rc != LDAP_SUCCESS) {
            char what[600];
            snprintf(what, sizeof what, "%s: simple bind as %s", o->uri, o->user);
            adseed_ldap_fail(c, err, errlen, what, rc);
            return -1;
        }
        return 0;
    }
    return adseed_gss_bind(c, o, err, errlen);
}

static char *domain_from_dn(const char *dn)
{
    size_t n = strlen(dn);
    char *out = calloc(n + 1, 1), *w = out;
    if (!out)
        return NULL;
    for (const char *p = dn; *p;) {
        if (!strncasecmp(p, "DC=", 3)) {
            p += 3;
            if (w != out)
                *w++ = '.';
            while (*p && *p != ',')
                *w++ = (char)tolower((unsigned char)*p++);
        } else {
            while (*p && *p != ',')
                p++;
        }
        if (*p == ',')
            p++;
    }
    return out;
}

static int read_rootdse(adseed_conn *c, const char *uri, char *err, size_t errlen)
{
    char *attrs[] = {"defaultNamingContext", NULL};
    LDAPMessage *res = NULL;
    int ret = -1;
    int rc =
        ldap_search_ext_s(c->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
    if (rc != LDAP_SUCCESS) {
        char what[300];
        snprintf(what, sizeof what, "%s: reading the RootDSE", uri);
        adseed_ldap_fail(c, err, errlen, what, rc);
        goto out;
    }
    LDAPMessage *e = ldap_first_entry(c->ld, res);
    c->base_dn = e ? adseed_entry_str(c->ld, e, "defaultNamingContext") : NULL;
    if (!c->base_dn) {
        snprintf(err, errlen, "%s: the RootDSE has no defaultNamingContext (not an AD domain controller?)", uri);
        goto out;
    }
    c->dns_domain = domain_from_dn(c->base_dn);
    c->realm = c->dns_domain ? strdup(c->dns_domain) : NULL;
    if (!c->realm) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (char *p = c->realm; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    ret = 0;
out:
    ldap_msgfree(res);
    return ret;
}

static void read_whoami(adseed_conn *c, const adseed_conn_opts *o)
{
    struct berval *authzid = NULL;
    if (ldap_whoami_s(c->ld, &authzid, NULL, NULL) == LDAP_SUCCESS && authzid && authzid->bv_len) {
        c->whoami = adseed_bv_str(authzid);
    } else if (o->user) {
        c->whoami = strdup(o->user);
    }
    if (authzid)
        ber_bvfree(authzid);
}

int adseed_conn_open(adseed_conn *c, const adseed_conn_opts *o, char *err, size_t errlen)
{
    int rc, v3 = LDAP_VERSION3;
    memset(c, 0, sizeof *c);
    if (!o->uri || (strncasecmp(o->uri, "ldaps://", 8) && strncasecmp(o->uri, "ldap://", 7))) {
        snprintf(err, errlen, "--uri %s: expected ldaps://host[:636] or ldap://host[:389]",
                 o->uri ? o->uri : "(missing)");
        return -1;
    }
    int ldaps = !strncasecmp(o->uri, "ldaps://", 8);
    if (ldaps && o->starttls) {
        snprintf(err, errlen, "--starttls goes with ldap://, not ldaps:// (already TLS)");
        return -1;
    }
    rc = ldap_initialize(&c->ld, o->uri);
    if (rc != LDAP_SUCCESS) {
        adseed_ldap_explain(err, errlen, o->uri, rc, NULL);
        return -1;
    }
    struct timeval tv = {.tv_sec = o->timeout_s > 0 ? o->timeout_s : 10};
    ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
    ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv);
    c->tls_wanted = ldaps || o->starttls;
    c->conncb = (ldap_conncb){.lc_add = on_connect, .lc_del = on_close, .lc_arg = c};
    ldap_set_option(c->ld, LDAP_OPT_CONNECT_CB, &c->conncb);
    if (set_tls_options(c->ld, o, err, errlen))
        goto fail;
    if (o->starttls) {
        rc = ldap_start_tls_s(c->ld, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            char what[300];
            snprintf(what, sizeof what, "%s: StartTLS", o->uri);
            adseed_ldap_fail(c, err, errlen, what, rc);
            goto fail;
        }
    }
    c->tls = ldaps || o->starttls;
    if (do_bind(c, o, err, errlen))
        goto fail;
    c->bound = 1;
    if (read_rootdse(c, o->uri, err, errlen))
        goto fail;
    read_whoami(c, o);
    return 0;
fail:
    adseed_conn_close(c);
    return -1;
}

void adseed_conn_close(adseed_conn *c)
{
    if (c->ld)
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    free(c->base_dn);
    free(c->dns_domain);
    free(c->realm);
    free(c->whoami);
    memset(c, 0, sizeof *c);
}

int adseed_conn_is_confidential(const adseed_conn *c) { return c->tls || c->sasl_ssf > 1; }
