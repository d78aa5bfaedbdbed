/*
 * ldap_util.c - small LDAP helpers for the decoy operations: bind password sources, RFC 4515
 * filter escaping, account lookup by sAMAccountName (referrals skipped), attribute access.
 */
#include "adseed/ldap_conn.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

int adseed_password_read(const char *file, char *buf, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("ADSEED_BIND_PASSWORD");
    if (file) {
        FILE *f = fs_fopen(file, "r");
        if (!f) {
            snprintf(err, errlen, "--password-file %s: %s", file, strerror(errno));
            return -1;
        }
        int ok = fgets(buf, (int)len, f) != NULL;
        fclose(f);
        if (!ok) {
            snprintf(err, errlen, "--password-file %s: empty file", file);
            return -1;
        }
        chomp(buf);
    } else if (env && *env) {
        if (strlen(env) >= len) {
            snprintf(err, errlen, "ADSEED_BIND_PASSWORD: too long");
            return -1;
        }
        memcpy(buf, env, strlen(env) + 1);
    } else if (adseed_prompt_noecho("Bind password: ", buf, len) != 0) {
        snprintf(err, errlen,
                 "no bind password: use --password-file FILE, ADSEED_BIND_PASSWORD or "
                 "run from a terminal to be prompted");
        return -1;
    }
    if (!*buf) {
        snprintf(err, errlen, "empty bind password refused (an empty simple bind is anonymous)");
        return -1;
    }
    return 0;
}

static char *escape_bytes(const unsigned char *s, size_t n, int all)
{
    char *out = malloc(n * 3 + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (all || ch == '*' || ch == '(' || ch == ')' || ch == '\\' || ch == 0) {
            w += sprintf(w, "\\%02x", ch);
        } else {
            *w++ = (char)ch;
        }
    }
    *w = '\0';
    return out;
}

char *adseed_filter_escape(const char *s) { return escape_bytes((const unsigned char *)s, strlen(s), 0); }

char *adseed_filter_escape_bin(const void *data, size_t len) { return escape_bytes(data, len, 1); }

int adseed_find_account(adseed_conn *c, const char *name, char **attrs, LDAPMessage **res,
                        LDAPMessage **entry, char *err, size_t errlen)
{
    char *esc = adseed_filter_escape(name), filter[512];
    *res = NULL;
    *entry = NULL;
    if (!esc) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(filter, sizeof filter, "(&(objectClass=user)(sAMAccountName=%s))", esc);
    free(esc);
    int rc =
        ldap_search_ext_s(c->ld, c->base_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL, 2, res);
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
        char what[300];
        snprintf(what, sizeof what, "searching for %s", name);
        adseed_ldap_fail(c, err, errlen, what, rc);
        ldap_msgfree(*res);
        *res = NULL;
        return -1;
    }
    /* ldap_first_entry skips continuation references (referrals are off). */
    *entry = ldap_first_entry(c->ld, *res);
    return *entry ? 1 : 0;
}

char *adseed_bv_str(const struct berval *bv)
{
    char *s = malloc(bv->bv_len + 1);
    if (!s)
        return NULL;
    memcpy(s, bv->bv_val, bv->bv_len);
    s[bv->bv_len] = '\0';
    return s;
}

char *adseed_entry_str(LDAP *ld, LDAPMessage *e, const char *attr)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    char *s = NULL;
    if (v && v[0])
        s = adseed_bv_str(v[0]);
    ldap_value_free_len(v);
    return s;
}
