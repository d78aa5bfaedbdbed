/*
 * decoy_verify.c - checks one decoy against the directory and prints one line per finding:
 * missing, disabled, SID/GUID changed, SPNs gone, logon hours or workstations opened, privileged
 * or Domain Users membership (direct or nested, via tokenGroups), delegation, missing SACL, a
 * description breadcrumb no longer in place.
 */
#include "adseed/decoy.h"
#include "adseed/lure.h"

#include <stdlib.h>
#include <string.h>

#define UAC_DISABLED 0x2u
#define UAC_LOCKOUT 0x10u
#define UAC_TRUSTED_FOR_DELEGATION 0x80000u
#define UAC_TRUSTED_TO_AUTH 0x1000000u
#define UAC_DONT_REQ_PREAUTH 0x400000u

int decoy_domain_sid(adseed_conn *c, char *out, size_t outlen, char *err, size_t errlen)
{
    char *attrs[] = {"objectSid", NULL};
    LDAPMessage *res = NULL, *e;
    struct berval **v = NULL;
    int ret = -1;
    int rc = ldap_search_ext_s(c->ld, c->base_dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL,
                               NULL, 1, &res);
    if (rc != LDAP_SUCCESS || !(e = ldap_first_entry(c->ld, res)) ||
        !(v = ldap_get_values_len(c->ld, e, "objectSid")) ||
        decoy_sid_to_text((uint8_t *)v[0]->bv_val, v[0]->bv_len, out, outlen)) {
        adseed_ldap_fail(c, err, errlen, "reading the domain SID", rc ? rc : LDAP_NO_SUCH_ATTRIBUTE);
        goto out;
    }
    ret = 0;
out:
    ldap_value_free_len(v);
    ldap_msgfree(res);
    return ret;
}

void decoy_sid_name(adseed_conn *c, const char *sid, char *out, size_t outlen)
{
    uint8_t bin[68];
    char filter[300], *esc = NULL, *name = NULL;
    char *attrs[] = {"sAMAccountName", NULL};
    LDAPMessage *res = NULL, *e;
    int n = decoy_sid_from_text(sid, bin, sizeof bin);
    snprintf(out, outlen, "%s", sid);
    if (n < 0 || !(esc = adseed_filter_escape_bin(bin, (size_t)n)))
        return;
    snprintf(filter, sizeof filter, "(objectSid=%s)", esc);
    free(esc);
    /* builtin groups (S-1-5-32-x) live under CN=Builtin, inside the base DN */
    if (ldap_search_ext_s(c->ld, c->base_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL, 1, &res) ==
            LDAP_SUCCESS &&
        (e = ldap_first_entry(c->ld, res)) && (name = adseed_entry_str(c->ld, e, "sAMAccountName")))
        snprintf(out, outlen, "%s", name);
    free(name);
    ldap_msgfree(res);
}

/* Relative IDs of privileged domain groups, and builtin privileged aliases. */
static const int priv_rids[] = {512, 518, 519, 520, 526, 527, 517, 0};
static const char *const priv_builtin[] = {"S-1-5-32-544", "S-1-5-32-548", "S-1-5-32-549", "S-1-5-32-550",
                                           "S-1-5-32-551", "S-1-5-32-552", "S-1-5-32-578", NULL};

static int sid_is_privileged(const char *sid, const char *dsid)
{
    size_t n = strlen(dsid);
    for (int i = 0; priv_builtin[i]; i++)
        if (!strcmp(sid, priv_builtin[i]))
            return 1;
    if (strncmp(sid, dsid, n) || sid[n] != '-')
        return 0;
    int rid = atoi(sid + n + 1);
    for (int i = 0; priv_rids[i]; i++)
        if (rid == priv_rids[i])
            return 1;
    return 0;
}

typedef struct vctx {
    adseed_conn *c;
    const adseed_decoy *d;
    FILE *out;
    int findings;
} vctx;

static void finding(vctx *v, const char *fmt, const char *a, const char *b)
{
    fprintf(v->out, "%s: ", v->d->name);
    fprintf(v->out, fmt, a ? a : "", b ? b : "");
    fputc('\n', v->out);
    v->findings++;
}

/* Transitive groups from tokenGroups; memberOf tells direct from nested. */
static int check_groups(vctx *v, LDAPMessage *e, const char *dn, const decoy_verify_opts *o, char *err,
                        size_t errlen)
{
    char dsid[128], *attrs[] = {"tokenGroups", NULL};
    LDAPMessage *res = NULL, *te;
    struct berval **tg = NULL, **mo = NULL;
    int ret = -1;
    if (decoy_domain_sid(v->c, dsid, sizeof dsid, err, errlen))
        return -1;
    int rc = ldap_search_ext_s(v->c->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL, NULL,
                               1, &res);
    if (rc != LDAP_SUCCESS || !(te = ldap_first_entry(v->c->ld, res))) {
        adseed_ldap_fail(v->c, err, errlen, "reading tokenGroups", rc);
        goto out;
    }
    tg = ldap_get_values_len(v->c->ld, te, "tokenGroups");
    mo = ldap_get_values_len(v->c->ld, e, "memberOf");
    for (size_t i = 0; tg && tg[i]; i++) {
        char sid[160], name[256], users[160];
        if (decoy_sid_to_text((uint8_t *)tg[i]->bv_val, tg[i]->bv_len, sid, sizeof sid))
            continue;
        snprintf(users, sizeof users, "%s-513", dsid);
        int priv = sid_is_privileged(sid, dsid);
        int is_users = !strcmp(sid, users) && !o->keep_domain_users;
        if (!priv && !is_users)
            continue;
        decoy_sid_name(v->c, sid, name, sizeof name);
        int direct = 0;
        for (size_t k = 0; mo && mo[k]; k++) {
            char cn[300];
            snprintf(cn, sizeof cn, "CN=%s,", name);
            if (!strncasecmp(mo[k]->bv_val, cn, strlen(cn)))
                direct = 1;
        }
        if (priv)
            finding(v, "UNSAFE member of privileged group %s (%s)", name,
                    direct ? "direct member" : "nested membership");
        else
            finding(v, "UNSAFE member of %s (%s): the decoy gets every domain user's rights", name,
                    direct ? "direct member" : "primary group or nested");
    }
    ret = 0;
out:
    ldap_value_free_len(tg);
    ldap_value_free_len(mo);
    ldap_msgfree(res);
    return ret;
}

static void check_spns(vctx *v, LDAPMessage *e)
{
    struct berval **s = ldap_get_values_len(v->c->ld, e, "servicePrincipalName");
    for (size_t i = 0; i < v->d->nspns; i++) {
        int found = 0;
        for (size_t k = 0; s && s[k]; k++)
            if (s[k]->bv_len == strlen(v->d->spns[i]) && !strncasecmp(s[k]->bv_val, v->d->spns[i], s[k]->bv_len))
                found = 1;
        if (!found)
            finding(v, "DRIFT SPN %s is missing from the account%s", v->d->spns[i], "");
    }
    if (v->d->kind == ADSEED_KIND_KERBEROAST && !(s && s[0]))
        finding(v, "DRIFT kerberoast decoy has no servicePrincipalName: it is no longer bait%s%s", NULL, NULL);
    ldap_value_free_len(s);
}

static void check_ids(vctx *v, LDAPMessage *e)
{
    struct berval **g = ldap_get_values_len(v->c->ld, e, "objectGUID");
    struct berval **s = ldap_get_values_len(v->c->ld, e, "objectSid");
    char buf[200];
    if (v->d->guid && g && !decoy_guid_to_text((uint8_t *)g[0]->bv_val, g[0]->bv_len, buf, sizeof buf) &&
        strcasecmp(buf, v->d->guid))
        finding(v, "DRIFT objectGUID %s differs from the inventory (%s): account re-created?", buf, v->d->guid);
    if (v->d->sid && s && !decoy_sid_to_text((uint8_t *)s[0]->bv_val, s[0]->bv_len, buf, sizeof buf) &&
        strcasecmp(buf, v->d->sid))
        finding(v, "DRIFT objectSid %s differs from the inventory (%s): account re-created?", buf, v->d->sid);
    ldap_value_free_len(g);
    ldap_value_free_len(s);
}

static void check_safety(vctx *v, LDAPMessage *e, const decoy_verify_opts *o)
{
    LDAP *ld = v->c->ld;
    char *uacs = adseed_entry_str(ld, e, "userAccountControl");
    unsigned long uac = uacs ? strtoul(uacs, NULL, 10) : 0;
    free(uacs);
    if (uac & UAC_DISABLED)
        finding(v, "DRIFT account is disabled: an attacker sees it as dead%s%s", NULL, NULL);
    if (uac & UAC_TRUSTED_FOR_DELEGATION)
        finding(v, "UNSAFE unconstrained delegation (TRUSTED_FOR_DELEGATION) is set%s%s", NULL, NULL);
    if (uac & UAC_TRUSTED_TO_AUTH)
        finding(v, "UNSAFE protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION) is set%s%s", NULL, NULL);
    if (v->d->kind == ADSEED_KIND_ASREP && !(uac & UAC_DONT_REQ_PREAUTH))
        finding(v, "DRIFT asrep decoy requires pre-authentication again (DONT_REQ_PREAUTH cleared)%s%s", NULL,
                NULL);
    struct berval **x = ldap_get_values_len(ld, e, "msDS-AllowedToDelegateTo");
    if (x && x[0])
        finding(v, "UNSAFE constrained delegation (msDS-AllowedToDelegateTo) is set%s%s", NULL, NULL);
    ldap_value_free_len(x);
    x = ldap_get_values_len(ld, e, "logonHours");
    if (v->d->kind != ADSEED_KIND_ASREP && !o->allow_logon_hours) {
        int open = !x || x[0]->bv_len != 21;
        for (size_t i = 0; !open && i < 21; i++)
            open = x[0]->bv_val[i] != 0;
        if (open)
            finding(v, "UNSAFE logonHours allow logons (expected 21 zero bytes)%s%s", NULL, NULL);
    }
    ldap_value_free_len(x);
    char *ws = adseed_entry_str(ld, e, "userWorkstations");
    if (!o->allow_any_workstation && (!ws || !*ws))
        finding(v, "UNSAFE userWorkstations is empty: the decoy may log on anywhere%s%s", NULL, NULL);
    free(ws);
}

/* A description lure is in place while the description is the one planted (its fingerprint). */
static void check_breadcrumbs(vctx *v, LDAPMessage *e)
{
    const adseed_breadcrumb *b = adseed_decoy_active_breadcrumb(v->d);
    char *desc, fp[72];
    if (!b || b->kind != ADSEED_LURE_DESCRIPTION || !b->fingerprint)
        return;
    desc = adseed_entry_str(v->c->ld, e, "description");
    if (!desc || lure_fingerprint(desc, fp) != 0 || strcasecmp(fp, b->fingerprint) != 0)
        finding(v,
                "DRIFT breadcrumb %s (description): the description is no longer the planted one: "
                "the lure is gone (adseed breadcrumb remove %s, then plant a new one)",
                b->id, b->id);
    free(desc);
}

static void check_sacl(vctx *v, const char *dn)
{
    static char sdflags[] = {0x30, 0x03, 0x02, 0x01, 0x08};
    LDAPControl ctl = {.ldctl_oid = "1.2.840.113556.1.4.801",
                       .ldctl_value = {.bv_len = sizeof sdflags, .bv_val = sdflags},
                       .ldctl_iscritical = 1};
    LDAPControl *ctls[] = {&ctl, NULL};
    char *attrs[] = {"nTSecurityDescriptor", NULL};
    LDAPMessage *res = NULL, *e;
    struct berval **sd = NULL;
    int rc = ldap_search_ext_s(v->c->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, ctls, NULL, NULL,
                               1, &res);
    if (rc == LDAP_SUCCESS && (e = ldap_first_entry(v->c->ld, res)))
        sd = ldap_get_values_len(v->c->ld, e, "nTSecurityDescriptor");
    if (!sd || !decoy_sd_has_read_audit((uint8_t *)sd[0]->bv_val, sd[0]->bv_len))
        finding(v, "DRIFT no read-audit SACL for Everyone (4662 will not fire)%s%s", NULL, NULL);
    ldap_value_free_len(sd);
    ldap_msgfree(res);
}

int decoy_verify_one(adseed_conn *c, const adseed_decoy *d, const decoy_verify_opts *o, FILE *out, char *err,
                     size_t errlen)
{
    char *attrs[] = {"objectGUID",
                     "objectSid",
                     "userAccountControl",
                     "servicePrincipalName",
                     "logonHours",
                     "userWorkstations",
                     "memberOf",
                     "msDS-AllowedToDelegateTo",
                     "msDS-AllowedToActOnBehalfOfOtherIdentity",
                     "description",
                     NULL};
    LDAPMessage *res = NULL, *e = NULL;
    vctx v = {.c = c, .d = d, .out = out};
    char *dn = NULL;
    int ret = -1;
    int found = adseed_find_account(c, d->name, attrs, &res, &e, err, errlen);
    if (found < 0)
        goto out;
    if (!found) {
        finding(&v, "MISSING no account with this sAMAccountName in %s", c->base_dn, NULL);
        ret = v.findings;
        goto out;
    }
    dn = ldap_get_dn(c->ld, e);
    check_ids(&v, e);
    check_safety(&v, e, o);
    check_spns(&v, e);
    check_breadcrumbs(&v, e);
    struct berval **rb = ldap_get_values_len(c->ld, e, "msDS-AllowedToActOnBehalfOfOtherIdentity");
    if (rb && rb[0])
        finding(&v, "UNSAFE resource-based constrained delegation is configured on the decoy%s%s", NULL, NULL);
    ldap_value_free_len(rb);
    if (check_groups(&v, e, dn, o, err, errlen))
        goto out;
    if (o->audit_reads)
        check_sacl(&v, dn);
    ret = v.findings;
out:
    ldap_memfree(dn);
    ldap_msgfree(res);
    return ret;
}
