/*
 * ldap_conn.h - private: an authenticated LDAP connection to an AD domain controller (URI, TLS,
 * simple/GSSAPI/GSS-SPNEGO bind, RootDSE discovery), LDAP error -> operator message, small
 * search helpers shared by the decoy operations.
 */
#ifndef ADDECOY_ADSEED_LDAP_CONN_H
#define ADDECOY_ADSEED_LDAP_CONN_H

#include <stddef.h>
#include <stdint.h>

#define LDAP_DEPRECATED 0
#include <ldap.h>

typedef enum adseed_bind_mech {
    ADSEED_BIND_SIMPLE = 0,
    ADSEED_BIND_GSSAPI,
    ADSEED_BIND_SPNEGO,
} adseed_bind_mech;

typedef struct adseed_conn_opts {
    const char *uri; /* ldaps://host:636 or ldap://host:389 */
    int starttls;    /* ldap:// + StartTLS */
    adseed_bind_mech bind;
    const char *user;          /* simple bind: UPN or DN */
    const char *ca_file;       /* NULL: libldap defaults (LDAPTLS_CACERT, ldap.conf, system store) */
    const char *password_file; /* simple bind password: file, else ADSEED_BIND_PASSWORD, else prompt */
    int timeout_s;             /* network timeout, default 10 */
} adseed_conn_opts;

typedef struct adseed_conn {
    LDAP *ld;
    char *base_dn;     /* defaultNamingContext */
    char *dns_domain;  /* decoy.test, derived from base_dn */
    char *realm;       /* DECOY.TEST */
    char *whoami;      /* authzId of the bound identity (u:DOMAIN\user or dn:...) */
    int tls;           /* ldaps or StartTLS active */
    unsigned sasl_ssf; /* SASL security strength: > 1 means sealed */
    int tls_wanted;    /* ldaps:// or --starttls asked for */
    int tcp_connected; /* set by the connect callback: tells a TLS failure from "unreachable" */
    int bound;         /* the bind succeeded (later connection losses are not TLS failures) */
    ldap_conncb conncb;
} adseed_conn;

int adseed_bind_mech_parse(const char *s, adseed_bind_mech *out);

/* Connects, binds, reads the RootDSE. On failure the message says what failed and why. */
int adseed_conn_open(adseed_conn *c, const adseed_conn_opts *o, char *err, size_t errlen);
void adseed_conn_close(adseed_conn *c);
/* 1 when a password may be sent: TLS or a sealed SASL layer. */
int adseed_conn_is_confidential(const adseed_conn *c);

/* Formats "what: <precise explanation> (server: diag)" for an LDAP result code. Pure. */
void adseed_ldap_explain(char *err, size_t errlen, const char *what, int rc, const char *diag);
/* Same, reading the diagnostic message from the handle. */
void adseed_ldap_fail(const adseed_conn *c, char *err, size_t errlen, const char *what, int rc);

/* Bind password: file, then ADSEED_BIND_PASSWORD, then a no-echo prompt (when stdin is a tty). */
int adseed_password_read(const char *file, char *buf, size_t len, char *err, size_t errlen);
/* Platform: prompt on the terminal without echo; -1 when there is no terminal. *_posix.c/_win.c */
int adseed_prompt_noecho(const char *prompt, char *buf, size_t len);

/* Escapes a value for an LDAP filter (RFC 4515). Returns a malloc'd string. */
char *adseed_filter_escape(const char *s);
/* Escapes binary data as \xx for a filter (objectSid/objectGUID searches). malloc'd. */
char *adseed_filter_escape_bin(const void *data, size_t len);

/* Finds the user entry with sAMAccountName=name under the base DN (subtree, referrals skipped).
 * Returns 1 found (*res owned by caller, *entry points into it), 0 absent, -1 error. */
int adseed_find_account(adseed_conn *c, const char *name, char **attrs, LDAPMessage **res,
                        LDAPMessage **entry, char *err, size_t errlen);
/* A berval as a malloc'd NUL-terminated string (portable strndup). */
char *adseed_bv_str(const struct berval *bv);
/* First value of attr as a malloc'd string (NULL when absent). */
char *adseed_entry_str(LDAP *ld, LDAPMessage *e, const char *attr);

#endif
