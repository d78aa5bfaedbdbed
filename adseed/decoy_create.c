/*
 * decoy_create.c - plants one decoy account: an enabled user with believable attributes and a long
 * random password (unicodePwd, only over an encrypted connection), made safe by default (logonHours
 * all zero, primary group Domain Guests and not in Domain Users, userWorkstations a non-existent
 * host), optionally with a read-audit SACL; reads back objectGUID/objectSid for the inventory.
 * A decoy left half-configured by a later failure is deleted again.
 */
#include "adseed/decoy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UAC_NORMAL_ACCOUNT 0x200u
#define UAC_DONT_EXPIRE 0x10000u
#define UAC_DONT_REQ_PREAUTH 0x400000u
#define RID_DOMAIN_USERS 513
#define RID_DOMAIN_GUESTS 514

static int modify1(adseed_conn *c, const char *dn, int op, const char *attr, const char *val,
                   const char *what, char *err, size_t errlen)
{
    char *vals[] = {(char *)val, NULL};
    LDAPMod m = {.mod_op = op, .mod_type = (char *)attr, .mod_values = vals};
    LDAPMod *mods[] = {&m, NULL};
    int rc = ldap_modify_ext_s(c->ld, dn, mods, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        adseed_ldap_fail(c, err, errlen, what, rc);
        return rc;
    }
    return 0;
}

static int entry_exists(adseed_conn *c, const char *dn)
{
    LDAPMessage *res = NULL;
    char *attrs[] = {"1.1", NULL};
    int rc =
        ldap_search_ext_s(c->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
    ldap_msgfree(res);
    return rc == LDAP_SUCCESS ? 1 : rc == LDAP_NO_SUCH_OBJECT ? 0 : -rc;
}

/* DN of the group whose objectSid is <domain sid>-rid. */
static char *group_dn_by_rid(adseed_conn *c, int rid, char *err, size_t errlen)
{
    char dsid[128], sid[160], filter[512], *esc = NULL, *dn = NULL;
    uint8_t bin[68];
    LDAPMessage *res = NULL, *e;
    char *attrs[] = {"1.1", NULL};
    if (decoy_domain_sid(c, dsid, sizeof dsid, err, errlen))
        return NULL;
    snprintf(sid, sizeof sid, "%s-%d", dsid, rid);
    int n = decoy_sid_from_text(sid, bin, sizeof bin);
    if (n < 0 || !(esc = adseed_filter_escape_bin(bin, (size_t)n))) {
        snprintf(err, errlen, "cannot encode SID %s", sid);
        return NULL;
    }
    snprintf(filter, sizeof filter, "(objectSid=%s)", esc);
    free(esc);
    int rc =
        ldap_search_ext_s(c->ld, c->base_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL, 1, &res);
    if (rc == LDAP_SUCCESS && (e = ldap_first_entry(c->ld, res))) {
        char *d = ldap_get_dn(c->ld, e);
        dn = d ? strdup(d) : NULL;
        ldap_memfree(d);
    } else if (rc == LDAP_SUCCESS) {
        snprintf(err, errlen, "group with SID %s not found", sid);
    } else {
        adseed_ldap_fail(c, err, errlen, "looking up a well-known group", rc);
    }
    ldap_msgfree(res);
    return dn;
}

/* Primary group Domain Guests; then out of Domain Users unless asked to keep it. */
static int make_guest(adseed_conn *c, const char *dn, int keep_users, char *err, size_t errlen)
{
    char *guests = group_dn_by_rid(c, RID_DOMAIN_GUESTS, err, errlen), *users = NULL, rid[16];
    int ret = -1, rc;
    if (!guests)
        goto out;
    if (modify1(c, guests, LDAP_MOD_ADD, "member", dn, "adding the decoy to Domain Guests", err, errlen))
        goto out;
    snprintf(rid, sizeof rid, "%d", RID_DOMAIN_GUESTS);
    if (modify1(c, dn, LDAP_MOD_REPLACE, "primaryGroupID", rid, "setting the primary group to Domain Guests",
                err, errlen))
        goto out;
    if (!keep_users) {
        if (!(users = group_dn_by_rid(c, RID_DOMAIN_USERS, err, errlen)))
            goto out;
        rc = modify1(c, users, LDAP_MOD_DELETE, "member", dn, "removing the decoy from Domain Users", err,
                     errlen);
        /* not an explicit member (primary group membership is implicit): nothing to remove */
        if (rc && rc != LDAP_NO_SUCH_ATTRIBUTE && rc != LDAP_UNWILLING_TO_PERFORM)
            goto out;
    }
    ret = 0;
out:
    free(guests);
    free(users);
    return ret;
}

static int set_sacl(adseed_conn *c, const char *dn, int mode, char *err, size_t errlen)
{
    uint8_t sd[128];
    int n = decoy_sd_build_read_audit(mode == 2 ? NULL : decoy_x500uid_guid, sd, sizeof sd);
    /* LDAP_SERVER_SD_FLAGS_OID, value SEQUENCE { INTEGER 8 (SACL_SECURITY_INFORMATION) } */
    static char sdflags[] = {0x30, 0x03, 0x02, 0x01, 0x08};
    LDAPControl ctl = {.ldctl_oid = "1.2.840.113556.1.4.801",
                       .ldctl_value = {.bv_len = sizeof sdflags, .bv_val = sdflags},
                       .ldctl_iscritical = 1};
    LDAPControl *ctls[] = {&ctl, NULL};
    struct berval v = {.bv_len = (ber_len_t)n, .bv_val = (char *)sd}, *vals[] = {&v, NULL};
    LDAPMod m = {
        .mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES, .mod_type = "nTSecurityDescriptor", .mod_bvalues = vals};
    LDAPMod *mods[] = {&m, NULL};
    int rc = ldap_modify_ext_s(c->ld, dn, mods, ctls, NULL);
    if (rc != LDAP_SUCCESS) {
        adseed_ldap_fail(c, err, errlen, "setting the --audit-reads SACL (needs SeSecurityPrivilege)", rc);
        return -1;
    }
    return 0;
}

static int read_ids(adseed_conn *c, const char *dn, adseed_decoy *out, char *err, size_t errlen)
{
    char *attrs[] = {"objectGUID", "objectSid", NULL}, buf[200];
    LDAPMessage *res = NULL, *e;
    struct berval **g = NULL, **s = NULL;
    int ret = -1;
    int rc =
        ldap_search_ext_s(c->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
    if (rc != LDAP_SUCCESS || !(e = ldap_first_entry(c->ld, res))) {
        adseed_ldap_fail(c, err, errlen, "reading back objectGUID/objectSid", rc);
        goto out;
    }
    g = ldap_get_values_len(c->ld, e, "objectGUID");
    s = ldap_get_values_len(c->ld, e, "objectSid");
    if (!g || !s || decoy_guid_to_text((uint8_t *)g[0]->bv_val, g[0]->bv_len, buf, sizeof buf) ||
        !(out->guid = strdup(buf)) ||
        decoy_sid_to_text((uint8_t *)s[0]->bv_val, s[0]->bv_len, buf, sizeof buf) || !(out->sid = strdup(buf))) {
        snprintf(err, errlen, "%s: objectGUID/objectSid missing or malformed", dn);
        goto out;
    }
    ret = 0;
out:
    ldap_value_free_len(g);
    ldap_value_free_len(s);
    ldap_msgfree(res);
    return ret;
}

/* A workstation name that no computer in the domain has. */
static void pick_workstation(adseed_conn *c, const char *name, char *out, size_t outlen)
{
    char host[16];
    decoy_host_from_name(name, host, 11);
    for (char *p = host; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    for (int i = 1; i < 100; i++) {
        LDAPMessage *res = NULL;
        LDAPMessage *e = NULL;
        char f[128];
        snprintf(out, outlen, "%s-DR%02d", host, i);
        char *esc = adseed_filter_escape(out);
        snprintf(f, sizeof f, "(sAMAccountName=%s$)", esc ? esc : "");
        free(esc);
        char *attrs[] = {"1.1", NULL};
        int rc =
            ldap_search_ext_s(c->ld, c->base_dn, LDAP_SCOPE_SUBTREE, f, attrs, 0, NULL, NULL, NULL, 1, &res);
        e = rc == LDAP_SUCCESS ? ldap_first_entry(c->ld, res) : NULL;
        ldap_msgfree(res);
        if (!e)
            return;
    }
}

static void fill_record(adseed_conn *c, const decoy_spec *s, const char *dn, adseed_decoy *out)
{
    char now[32];
    out->name = strdup(s->name);
    out->domain = strdup(c->realm);
    out->dn = strdup(dn);
    out->kind = s->kind;
    for (size_t i = 0; i < s->nspns; i++)
        out->spns[out->nspns++] = strdup(s->spns[i]);
    out->memo = s->memo ? strdup(s->memo) : NULL;
    out->location = s->location ? strdup(s->location) : NULL;
    out->owner = s->owner ? strdup(s->owner) : NULL;
    out->runbook = s->runbook ? strdup(s->runbook) : NULL;
    decoy_now_iso(now, sizeof now);
    out->created = strdup(now);
    out->created_by = strdup(c->whoami ? c->whoami : "unknown");
}

int decoy_create(adseed_conn *c, const decoy_spec *s, adseed_decoy *out, char *password, size_t pwlen,
                 char *err, size_t errlen)
{
    char dn[1024], container[768], upn[300], uac[16], ws[64], what[1100];
    uint8_t *pwd = NULL, zero_hours[21] = {0};
    size_t pwdlen = 0;
    int ret = -1, added = 0;
    memset(out, 0, sizeof *out);
    if (decoy_name_valid(s->name, err, errlen))
        return -1;
    if (!adseed_conn_is_confidential(c)) {
        snprintf(err, errlen,
                 "%s: refusing to send a password (unicodePwd) over a connection that "
                 "is neither TLS nor SASL-sealed (use ldaps://, --starttls or --bind gssapi)",
                 s->name);
        return -1;
    }
    snprintf(container, sizeof container, "%s", s->ou ? s->ou : "");
    if (!s->ou)
        snprintf(container, sizeof container, "CN=Users,%s", c->base_dn);
    int ex = entry_exists(c, container);
    if (ex <= 0) {
        if (ex == 0)
            snprintf(err, errlen, "--ou %s: no such OU or container", container);
        else
            adseed_ldap_explain(err, errlen, container, -ex, NULL);
        return -1;
    }
    snprintf(dn, sizeof dn, "CN=%s%s,%s", s->name[0] == '#' ? "\\" : "", s->name, container);
    if (pwlen < 33 || decoy_password_generate(password, pwlen - 1 > 40 ? 40 : pwlen - 1) ||
        !(pwd = decoy_unicodepwd(password, &pwdlen))) {
        snprintf(err, errlen, "%s: cannot generate a random password", s->name);
        return -1;
    }
    snprintf(upn, sizeof upn, "%s@%s", s->name, c->dns_domain);
    snprintf(uac, sizeof uac, "%u",
             UAC_NORMAL_ACCOUNT | UAC_DONT_EXPIRE | (s->kind == ADSEED_KIND_ASREP ? UAC_DONT_REQ_PREAUTH : 0));
    if (s->workstation)
        snprintf(ws, sizeof ws, "%s", s->workstation);
    else
        pick_workstation(c, s->name, ws, sizeof ws);

    char *oc[] = {"top", "person", "organizationalPerson", "user", NULL};
    char *sam[] = {(char *)s->name, NULL}, *upnv[] = {upn, NULL}, *uacv[] = {uac, NULL};
    char *disp[] = {(char *)(s->display_name ? s->display_name : s->name), NULL};
    char *desc[] = {(char *)(s->description ? s->description : "Legacy backup service (do not use)"), NULL};
    char *spnv[ADSEED_MAX_SPNS + 1] = {0}, *wsv[] = {ws, NULL};
    for (size_t i = 0; i < s->nspns; i++)
        spnv[i] = (char *)s->spns[i];
    struct berval pwv = {.bv_len = pwdlen, .bv_val = (char *)pwd}, *pwvals[] = {&pwv, NULL};
    struct berval lhv = {.bv_len = 21, .bv_val = (char *)zero_hours}, *lhvals[] = {&lhv, NULL};
    LDAPMod m[10] = {
        {LDAP_MOD_ADD, "objectClass", {.modv_strvals = oc}},
        {LDAP_MOD_ADD, "sAMAccountName", {.modv_strvals = sam}},
        {LDAP_MOD_ADD, "userPrincipalName", {.modv_strvals = upnv}},
        {LDAP_MOD_ADD, "displayName", {.modv_strvals = disp}},
        {LDAP_MOD_ADD, "description", {.modv_strvals = desc}},
        {LDAP_MOD_ADD | LDAP_MOD_BVALUES, "unicodePwd", {.modv_bvals = pwvals}},
        {LDAP_MOD_ADD, "userAccountControl", {.modv_strvals = uacv}},
    };
    LDAPMod *mods[11];
    size_t nm = 7;
    for (size_t i = 0; i < nm; i++)
        mods[i] = &m[i];
    if (s->nspns) {
        m[nm] = (LDAPMod){LDAP_MOD_ADD, "servicePrincipalName", {.modv_strvals = spnv}};
        mods[nm] = &m[nm];
        nm++;
    }
    if (s->kind != ADSEED_KIND_ASREP && !s->allow_logon_hours) {
        m[nm] = (LDAPMod){LDAP_MOD_ADD | LDAP_MOD_BVALUES, "logonHours", {.modv_bvals = lhvals}};
        mods[nm] = &m[nm];
        nm++;
    }
    if (!s->allow_any_workstation) {
        m[nm] = (LDAPMod){LDAP_MOD_ADD, "userWorkstations", {.modv_strvals = wsv}};
        mods[nm] = &m[nm];
        nm++;
    }
    mods[nm] = NULL;
    int rc = ldap_add_ext_s(c->ld, dn, mods, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        snprintf(what, sizeof what, "creating %s", dn);
        adseed_ldap_fail(c, err, errlen, what, rc);
        goto out;
    }
    added = 1;
    if (make_guest(c, dn, s->keep_domain_users, err, errlen) ||
        (s->audit_reads && set_sacl(c, dn, s->audit_reads, err, errlen)) || read_ids(c, dn, out, err, errlen))
        goto out;
    fill_record(c, s, dn, out);
    if (!out->name || !out->domain || !out->dn || !out->created || !out->created_by) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    ret = 0;
out:
    if (pwd) {
        memset(pwd, 0, pwdlen);
        free(pwd);
    }
    if (ret && added) {
        /* never leave a half-safe decoy behind */
        size_t n = strlen(err);
        int drc = ldap_delete_ext_s(c->ld, dn, NULL, NULL);
        snprintf(err + n, errlen - n,
                 drc == LDAP_SUCCESS ? " (the new account was deleted again)"
                                     : " (could NOT delete the new account: "
                                       "remove it by hand)");
    }
    if (ret)
        adseed_decoy_free(out);
    return ret;
}
