/*
 * decoy_remove.c - a decoy's own account in the directory: found by name and checked against the
 * inventory's objectGUID (adseed never touches an account it did not create, even one that took
 * the decoy's name), and deleted for `adseed remove`.
 */
#include "adseed/decoy.h"

#include <stdlib.h>
#include <string.h>

int decoy_account_guid(adseed_conn *c, const char *name, char *guid, size_t guidlen, char **dn, char *err,
                       size_t errlen)
{
    char *attrs[] = {"objectGUID", NULL}, *ldn;
    LDAPMessage *res = NULL, *e = NULL;
    struct berval **g;
    int found;

    guid[0] = '\0';
    if (dn)
        *dn = NULL;
    found = adseed_find_account(c, name, attrs, &res, &e, err, errlen);
    if (found <= 0)
        goto out;
    if ((g = ldap_get_values_len(c->ld, e, "objectGUID")) != NULL)
        decoy_guid_to_text((uint8_t *)g[0]->bv_val, g[0]->bv_len, guid, guidlen);
    ldap_value_free_len(g);
    if (dn) {
        if ((ldn = ldap_get_dn(c->ld, e)) != NULL) {
            *dn = strdup(ldn);
            ldap_memfree(ldn);
        }
        if (!*dn) {
            snprintf(err, errlen, "%s: cannot read its DN", name);
            found = -1;
        }
    }
out:
    ldap_msgfree(res);
    return found;
}

int decoy_account_dn(adseed_conn *c, const adseed_decoy *d, char **dn, char *err, size_t errlen)
{
    char guid[64];
    int found = decoy_account_guid(c, d->name, guid, sizeof guid, dn, err, errlen);
    if (found > 0 && d->guid && strcasecmp(guid, d->guid)) {
        snprintf(err, errlen,
                 "%s: objectGUID %s differs from the inventory's %s: not the account "
                 "adseed created",
                 d->name, guid, d->guid);
        free(*dn);
        *dn = NULL;
        return DECOY_NOT_OURS;
    }
    return found;
}

int decoy_remove(adseed_conn *c, const adseed_decoy *d, char **dn, char *err, size_t errlen)
{
    char what[600];
    int rc, found = decoy_account_dn(c, d, dn, err, errlen);
    if (found <= 0)
        return found;
    rc = ldap_delete_ext_s(c->ld, *dn, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        snprintf(what, sizeof what, "deleting %s", *dn);
        adseed_ldap_fail(c, err, errlen, what, rc);
        return -1;
    }
    return 1;
}
