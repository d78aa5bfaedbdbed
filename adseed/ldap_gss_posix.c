/* ldap_gss_posix.c - the Kerberos binds on POSIX (ldap_gss.h): SASL GSSAPI or GSS-SPNEGO with
 * cyrus-sasl and the caller's ticket cache (kinit / KRB5CCNAME), host names not canonicalised. */
#include "adseed/ldap_gss.h"

#include <stdio.h>
#include <string.h>

#include <sasl/sasl.h>

static int sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
    (void)ld;
    (void)flags;
    (void)defaults;
    for (sasl_interact_t *i = in; i && i->id != SASL_CB_LIST_END; i++) {
        i->result = i->defresult ? i->defresult : "";
        i->len = (unsigned)strlen(i->result);
    }
    return LDAP_SUCCESS;
}

int adseed_gss_bind(adseed_conn *c, const adseed_conn_opts *o, char *err, size_t errlen)
{
    int rc;
    const char *mech = o->bind == ADSEED_BIND_GSSAPI ? "GSSAPI" : "GSS-SPNEGO";
    if (ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON) != LDAP_OPT_SUCCESS) {
        snprintf(err, errlen, "%s: cannot set LDAP_OPT_X_SASL_NOCANON", o->uri);
        return -1;
    }
    rc = ldap_sasl_interactive_bind_s(c->ld, NULL, mech, NULL, NULL, LDAP_SASL_QUIET, sasl_interact, NULL);
    if (rc != LDAP_SUCCESS) {
        char what[300];
        snprintf(what, sizeof what, "%s: SASL %s bind (Kerberos credentials from kinit / KRB5CCNAME)", o->uri,
                 mech);
        adseed_ldap_fail(c, err, errlen, what, rc);
        return -1;
    }
    ber_len_t ssf = 0;
    if (ldap_get_option(c->ld, LDAP_OPT_X_SASL_SSF, &ssf) == LDAP_OPT_SUCCESS)
        c->sasl_ssf = (unsigned)ssf;
    return 0;
}
