/*
 * decoy_names.c - decoy names: sAMAccountName validity, the host part of the default SPN, and
 * believable name suggestions following the prefixes of the domain's existing service accounts.
 */
#include "adseed/decoy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int decoy_name_valid(const char *name, char *err, size_t errlen)
{
    size_t n = strlen(name);
    if (n == 0 || n > 20) {
        snprintf(err, errlen, "name '%s': a sAMAccountName has 1 to 20 characters", name);
        return -1;
    }
    for (const char *p = name; *p; p++) {
        if (strchr("\"/\\[]:;|=,+*?<>@ ", *p) || (unsigned char)*p < 0x20) {
            snprintf(err, errlen, "name '%s': character '%c' is not allowed in a sAMAccountName", name, *p);
            return -1;
        }
    }
    if (name[n - 1] == '.') {
        snprintf(err, errlen, "name '%s': may not end with '.'", name);
        return -1;
    }
    return 0;
}

static const char *const prefixes[] = {"svc_", "svc-", "svc.", "sa_",  "sa-", "srv_", "srv-",
                                       "sql_", "sql-", "app_", "app-", "s_",  NULL};

static size_t prefix_len(const char *name)
{
    for (int i = 0; prefixes[i]; i++)
        if (!strncasecmp(name, prefixes[i], strlen(prefixes[i])) && name[strlen(prefixes[i])])
            return strlen(prefixes[i]);
    return 0;
}

void decoy_host_from_name(const char *name, char *out, size_t outlen)
{
    size_t w = 0;
    if (!outlen)
        return;
    for (const char *p = name + prefix_len(name); *p && w + 1 < outlen; p++) {
        char ch = (char)tolower((unsigned char)*p);
        if (!isalnum((unsigned char)ch))
            ch = '-';
        if (ch == '-' && (w == 0 || out[w - 1] == '-'))
            continue;
        out[w++] = ch;
    }
    while (w && out[w - 1] == '-')
        w--;
    if (!w && outlen > 4)
        w = (size_t)snprintf(out, outlen, "db01");
    out[w] = '\0';
}

void decoy_default_spn(const char *name, const char *dns_domain, char *out, size_t outlen)
{
    char host[64];
    decoy_host_from_name(name, host, sizeof host);
    snprintf(out, outlen, "MSSQLSvc/%s.%s:1433", host, dns_domain);
}

/* Roles that look like forgotten service accounts. */
static const char *const roles[] = {
    "backup_legacy", "sqlreport", "sharepoint_old", "veeam",      "adfs_legacy",  "scanner", "exch_migr",
    "crm_sync",      "sccm_push", "bi_etl",         "citrix_old", "print_legacy", NULL};

static int taken(const char *const *existing, size_t n, char **out, size_t nout, const char *cand)
{
    for (size_t i = 0; i < n; i++)
        if (existing[i] && !strcasecmp(existing[i], cand))
            return 1;
    for (size_t i = 0; i < nout; i++)
        if (!strcasecmp(out[i], cand))
            return 1;
    return 0;
}

size_t decoy_suggest_names(const char *const *existing, size_t nexisting, char **out, size_t max)
{
    /* count each known prefix (exact case as used in the domain) */
    const char *used[16];
    size_t counts[16] = {0}, nused = 0, nout = 0;
    for (size_t i = 0; i < nexisting; i++) {
        size_t pl = existing[i] ? prefix_len(existing[i]) : 0;
        if (!pl)
            continue;
        size_t k;
        for (k = 0; k < nused; k++)
            if (prefix_len(used[k]) == pl && !strncmp(used[k], existing[i], pl))
                break;
        if (k == nused && nused < 16)
            used[nused++] = existing[i];
        if (k < 16)
            counts[k]++;
    }
    /* most used prefix first */
    for (size_t a = 0; a < nused; a++)
        for (size_t b = a + 1; b < nused; b++)
            if (counts[b] > counts[a]) {
                const char *t = used[a];
                size_t c = counts[a];
                used[a] = used[b];
                counts[a] = counts[b];
                used[b] = t;
                counts[b] = c;
            }
    if (!nused)
        used[nused++] = "svc_";
    for (size_t r = 0; roles[r] && nout < max; r++) {
        for (size_t k = 0; k < nused && nout < max; k++) {
            char cand[64], pre[16];
            size_t pl = prefix_len(used[k]);
            if (!pl) {
                pl = 4;
                snprintf(pre, sizeof pre, "svc_");
            } else {
                snprintf(pre, sizeof pre, "%.*s", (int)pl, used[k]);
            }
            char sep = pre[pl - 1];
            snprintf(cand, sizeof cand, "%s%s", pre, roles[r]);
            for (char *p = cand + pl; *p; p++)
                if (*p == '_')
                    *p = sep;
            if (strlen(cand) > 20 || taken(existing, nexisting, out, nout, cand))
                continue;
            out[nout] = strdup(cand);
            if (out[nout])
                nout++;
            break; /* one name per role, from the most used prefix that fits */
        }
    }
    return nout;
}
