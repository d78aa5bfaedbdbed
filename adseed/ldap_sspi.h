/*
 * ldap_sspi.h - private, Windows only: integrated authentication of adseed.exe as the logged-on
 * user. cyrus-sasl has no GSSAPI plugin on Windows, so the GSS-SPNEGO SASL bind is done with SSPI
 * (package Negotiate, the user's own Kerberos credentials, no password) in ldap_sspi_win.c.
 */
#ifndef ADDECOY_ADSEED_LDAP_SSPI_H
#define ADDECOY_ADSEED_LDAP_SSPI_H

#include "adseed/ldap_conn.h"

#ifdef _WIN32
/* GSS-SPNEGO bind to the SPN ldap/<host of uri> with mutual authentication and no SASL security
 * layer: refused unless the connection is TLS (ldaps:// or StartTLS, c->tls). 0 bound, -1 error
 * with the SSPI status (hex and text) or the LDAP error in err. */
int adseed_sspi_bind(adseed_conn *c, const char *uri, char *err, size_t errlen);
#endif

#endif
