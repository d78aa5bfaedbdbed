/*
 * decoy_export.c - the decoy catalogue for other tools: JSON and CSV with the ATT&CK / D3FEND
 * mapping of each decoy, and Sigma rules (4769 ServiceName, 4768/4771/4776/4625/4624
 * TargetUserName, 4662 ObjectName) so a SIEM can detect without decoysvc. Pure.
 */
#include "adseed/decoy.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *decoy_attack_technique(adseed_kind k)
{
    switch (k) {
    case ADSEED_KIND_KERBEROAST: return "T1558.003";
    case ADSEED_KIND_ASREP: return "T1558.004";
    case ADSEED_KIND_RECON: return "T1087.002";
    default: return "T1078";
    }
}

static const char *d3fend(adseed_kind k) { return k == ADSEED_KIND_RECON ? "D3-DO" : "D3-DUC"; }

static int export_json(const adseed_inventory *inv, strbuf *out)
{
    json_t *root = json_object(), *arr = json_array();
    int ret = -1;
    if (!root || !arr)
        goto out;
    json_object_set_new(root, "version", json_integer(1));
    for (size_t i = 0; i < inv->ndecoys; i++) {
        const adseed_decoy *d = &inv->decoys[i];
        json_t *o = json_object(), *spns = json_array();
        if (!o || !spns) {
            json_decref(o);
            json_decref(spns);
            goto out;
        }
#define SETS(k, v)                                                                                           \
    if (v)                                                                                                   \
    json_object_set_new(o, k, json_string(v))
        SETS("name", d->name);
        json_object_set_new(o, "kind", json_string(adseed_kind_name(d->kind)));
        SETS("domain", d->domain);
        SETS("sid", d->sid);
        SETS("guid", d->guid);
        SETS("dn", d->dn);
        for (size_t s = 0; s < d->nspns; s++)
            json_array_append_new(spns, json_string(d->spns[s]));
        json_object_set_new(o, "spns", spns);
        SETS("memo", d->memo);
        SETS("location", d->location);
        SETS("owner", d->owner);
        SETS("runbook", d->runbook);
        SETS("created", d->created);
        SETS("created_by", d->created_by);
        SETS("retired", d->retired);
#undef SETS
        json_object_set_new(o, "attack", json_string(decoy_attack_technique(d->kind)));
        json_object_set_new(o, "d3fend", json_string(d3fend(d->kind)));
        json_array_append_new(arr, o);
    }
    json_object_set(root, "decoys", arr);
    char *s = json_dumps(root, JSON_INDENT(2));
    if (!s)
        goto out;
    strbuf_printf(out, "%s\n", s);
    free(s);
    ret = 0;
out:
    json_decref(arr);
    json_decref(root);
    return ret;
}

static void csv_field(strbuf *out, const char *v, int last)
{
    strbuf_printf(out, "\"");
    for (const char *p = v ? v : ""; *p; p++)
        strbuf_printf(out, *p == '"' ? "\"\"" : "%c", *p);
    strbuf_printf(out, last ? "\"\r\n" : "\",");
}

static void export_csv(const adseed_inventory *inv, strbuf *out)
{
    strbuf_printf(out, "name,kind,domain,sid,guid,dn,spns,memo,location,owner,runbook,created,"
                       "created_by,retired,attack,d3fend\r\n");
    for (size_t i = 0; i < inv->ndecoys; i++) {
        const adseed_decoy *d = &inv->decoys[i];
        strbuf spns = {0};
        for (size_t s = 0; s < d->nspns; s++)
            strbuf_printf(&spns, "%s%s", s ? ";" : "", d->spns[s]);
        const char *f[] = {d->name,
                           adseed_kind_name(d->kind),
                           d->domain,
                           d->sid,
                           d->guid,
                           d->dn,
                           spns.data,
                           d->memo,
                           d->location,
                           d->owner,
                           d->runbook,
                           d->created,
                           d->created_by,
                           d->retired,
                           decoy_attack_technique(d->kind),
                           d3fend(d->kind)};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            csv_field(out, f[k], k + 1 == sizeof f / sizeof f[0]);
        if (spns.failed && !out->failed)
            out->failed = spns.failed;
        strbuf_free(&spns);
    }
}

/* YAML single-quoted scalar. */
static void yq(strbuf *out, const char *v)
{
    strbuf_printf(out, "'");
    for (const char *p = v; *p; p++) {
        if ((unsigned char)*p < 0x20)
            continue;
        strbuf_printf(out, *p == '\'' ? "''" : "%c", *p);
    }
    strbuf_printf(out, "'");
}

static void sigma_rule(strbuf *out, const adseed_inventory *inv, const char *title, const char *desc,
                       const char *tags, const char *events, const char *field, int which)
{
    size_t n = 0;
    for (size_t i = 0; i < inv->ndecoys; i++) {
        const adseed_decoy *d = &inv->decoys[i];
        if (d->retired || (which == 1 && !d->nspns) || (which == 2 && !d->guid))
            continue;
        if (!n++) {
            strbuf_printf(out,
                          "---\ntitle: %s\nstatus: stable\ndescription: %s\n"
                          "author: ADDecoy adseed\ntags:\n%slogsource:\n"
                          "    product: windows\n    service: security\ndetection:\n"
                          "    selection:\n        EventID:\n%s        %s:\n",
                          title, desc, tags, events, field);
        }
        strbuf_printf(out, "            - ");
        if (which == 2) {
            char v[64];
            snprintf(v, sizeof v, "%%{%s}", d->guid);
            yq(out, v);
        } else {
            yq(out, d->name);
        }
        strbuf_printf(out, "\n");
    }
    if (n)
        strbuf_printf(out, "    condition: selection\nfalsepositives:\n    - None: no legitimate "
                           "user or process uses a decoy account\nlevel: critical\n");
}

static void export_sigma(const adseed_inventory *inv, strbuf *out)
{
    sigma_rule(out, inv, "ADDecoy - service ticket requested for a decoy account (Kerberoasting)",
               "A Kerberos service ticket was requested for the SPN of a decoy account.",
               "    - attack.credential-access\n    - attack.t1558.003\n    - d3fend.d3-duc\n",
               "            - 4769\n", "ServiceName", 1);
    sigma_rule(out, inv, "ADDecoy - authentication attempt as a decoy account",
               "A TGT request, pre-authentication failure, NTLM validation or logon names a decoy "
               "account (AS-REP roasting, password spraying, use of a stolen decoy credential).",
               "    - attack.credential-access\n    - attack.t1558.004\n    - attack.t1110.003\n"
               "    - attack.t1078\n    - d3fend.d3-duc\n",
               "            - 4768\n            - 4771\n            - 4776\n            - 4625\n"
               "            - 4624\n",
               "TargetUserName", 0);
    sigma_rule(out, inv, "ADDecoy - directory read of a decoy object (enumeration)",
               "A directory service access (4662) on a decoy object with an --audit-reads SACL.",
               "    - attack.discovery\n    - attack.t1087.002\n    - d3fend.d3-do\n", "            - 4662\n",
               "ObjectName", 2);
}

int decoy_export(const adseed_inventory *inv, const char *format, strbuf *out, char *err, size_t errlen)
{
    int rc = 0;
    if (!strcmp(format, "json"))
        rc = export_json(inv, out);
    else if (!strcmp(format, "csv"))
        export_csv(inv, out);
    else if (!strcmp(format, "sigma"))
        export_sigma(inv, out);
    else {
        snprintf(err, errlen, "--format %s: expected json, csv or sigma", format);
        return -1;
    }
    if (rc || out->failed) {
        snprintf(err, errlen, "export: out of memory");
        return -1;
    }
    return 0;
}
