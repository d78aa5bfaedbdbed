/*
 * lure_plant.c - the directory side of a breadcrumb: an administrative reset of the decoy's
 * password (unicodePwd replace, refused unless the connection is TLS or SASL-sealed) together
 * with, for a description lure, the new description in the same modify; and reading the
 * description back for `adseed verify`. The password never leaves this process except in the
 * LDAP request and the artefact.
 */
#include "adseed/lure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lure_set_password(adseed_conn *c, const char *dn, const char *password, const char *description,
                      char *err, size_t errlen)
{
    size_t pwdlen = 0;
    uint8_t *pwd;
    int rc;

    if (!adseed_conn_is_confidential(c)) {
        snprintf(err, errlen,
                 "refusing to send a password (unicodePwd) over a connection that is "
                 "neither TLS nor SASL-sealed (use ldaps://, --starttls or --bind gssapi)");
        return -1;
    }
    if (!(pwd = decoy_unicodepwd(password, &pwdlen))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    {
        struct berval pwv = {.bv_len = (ber_len_t)pwdlen, .bv_val = (char *)pwd};
        struct berval *pwvals[] = {&pwv, NULL};
        char *descv[] = {(char *)description, NULL};
        LDAPMod mpw = {
            .mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES, .mod_type = "unicodePwd", .mod_bvalues = pwvals};
        LDAPMod mdesc = {.mod_op = LDAP_MOD_REPLACE, .mod_type = "description", .mod_values = descv};
        LDAPMod *mods[] = {&mpw, description ? &mdesc : NULL, NULL};
        rc = ldap_modify_ext_s(c->ld, dn, mods, NULL, NULL);
    }
    memset(pwd, 0, pwdlen);
    free(pwd);
    if (rc != LDAP_SUCCESS) {
        adseed_ldap_fail(
            c, err, errlen,
            description ? "setting the decoy's password and description" : "setting the decoy's password", rc);
        return -1;
    }
    return 0;
}

int lure_read_description(adseed_conn *c, const char *name, char **out, char *err, size_t errlen)
{
    char *attrs[] = {"description", NULL};
    LDAPMessage *res = NULL, *e = NULL;
    int found = adseed_find_account(c, name, attrs, &res, &e, err, errlen);
    *out = NULL;
    if (found < 0)
        return -1;
    if (found > 0)
        *out = adseed_entry_str(c->ld, e, "description");
    ldap_msgfree(res);
    if (found == 0) {
        snprintf(err, errlen, "%s: no such account", name);
        return -1;
    }
    return 0;
}
