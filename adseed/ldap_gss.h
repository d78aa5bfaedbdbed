/*
 * ldap_gss.h - private: the Kerberos binds (--bind gssapi | spnego). On POSIX a SASL GSSAPI or
 * GSS-SPNEGO bind with cyrus-sasl and the caller's ticket cache (kinit / KRB5CCNAME), in
 * ldap_gss_posix.c. cyrus-sasl has no GSSAPI plugin on Windows, so there both are a GSS-SPNEGO bind
 * done with SSPI (package Negotiate, the logged-on user's own Kerberos credentials, no password),
 * in ldap_sspi_win.c.
 */
#ifndef ADDECOY_ADSEED_LDAP_GSS_H
#define ADDECOY_ADSEED_LDAP_GSS_H

#include "adseed/ldap_conn.h"

/* Binds c as o->bind says (ADSEED_BIND_GSSAPI or ADSEED_BIND_SPNEGO). On Windows: mutual
 * authentication and no SASL security layer, so refused unless the connection is TLS (ldaps:// or
 * StartTLS, c->tls). 0 bound, -1 with the SASL/SSPI status or the LDAP error in err. */
int adseed_gss_bind(adseed_conn *c, const adseed_conn_opts *o, char *err, size_t errlen);

#endif
