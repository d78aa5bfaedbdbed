/* alert_tamper.c - the one-sentence summaries of the tampering and audit alerts: what happened,
 * to what, by whom, and what the SOC should do first (docs/detection.md has the longer version). */
#include "svc/detect/alert.h"

#include <stdio.h>

int alert_summary_tamper(const detection *d, const char *who, char *out, size_t len)
{
    const char *host = d->host[0] ? d->host : "an unknown host";
    const char *dn = d->decoy_name;

    switch (d->action) {
    case DETECT_LOG_CLEARED:
        snprintf(out, len,
                 "Log cleared: %s cleared the %.100s event log on %s. Find what this account "
                 "did before the clear in your SIEM copy and treat it as an intrusion",
                 who, d->object[0] ? d->object : "an", host);
        break;
    case DETECT_AUDIT_POLICY_CHANGED:
        snprintf(out, len,
                 "Audit policy weakened: %s turned off auditing of %.100s on %s (%.300s). "
                 "Restore it: %.200s",
                 who, d->object, host, d->properties, d->remedy);
        break;
    case DETECT_AUDIT_GAP:
        snprintf(out, len,
                 "Audit gap: %.100s auditing is off on %s (%.300s); the decoys are blind to it "
                 "until you run: %.200s",
                 d->object, host, d->properties, d->remedy);
        break;
    case DETECT_AUDIT_RESTORED:
        snprintf(out, len, "Audit gap closed: %.100s is audited again on %s", d->object, host);
        break;
    case DETECT_DECOY_DISABLED:
        snprintf(out, len,
                 "Decoy disabled: %s disabled decoy %s on %s. No admin task touches a decoy: "
                 "find out who, and re-enable it",
                 who, dn, host);
        break;
    case DETECT_DECOY_DELETED:
        snprintf(out, len,
                 "Decoy deleted: %s deleted decoy %s on %s. Someone found the tripwire: "
                 "investigate the account, then recreate the decoy (adseed create)",
                 who, dn, host);
        break;
    case DETECT_DECOY_PASSWORD_RESET:
        snprintf(out, len,
                 "Decoy password reset: %s reset the password of decoy %s on %s and can now log "
                 "on as it. Investigate the account and reset the decoy's password",
                 who, dn, host);
        break;
    case DETECT_DECOY_PASSWORD_CHANGED:
        snprintf(out, len,
                 "Decoy password changed: %s changed the password of decoy %s on %s, which needs "
                 "the old password: it was cracked or stolen. Treat as a compromise",
                 who, dn, host);
        break;
    case DETECT_DECOY_RENAMED:
        snprintf(out, len,
                 "Decoy renamed: %s renamed decoy %s (%.300s) on %s. Investigate the account; "
                 "update the inventory",
                 who, dn, d->properties, host);
        break;
    case DETECT_DECOY_GROUP_ADDED:
        snprintf(out, len,
                 "Decoy added to a group: %s added decoy %s to %.200s on %s. Remove it from the "
                 "group and investigate the account: privilege for an account only an intruder uses",
                 who, dn, d->object[0] ? d->object : "a group", host);
        break;
    case DETECT_DECOY_SACL_CHANGED:
        snprintf(out, len,
                 "Decoy SACL changed: %s changed the auditing of decoy %s on %s (%.300s). "
                 "Restore the recon tripwire (check with adseed verify --audit-reads) and investigate the account",
                 who, dn, host, d->properties);
        break;
    default: return 0;
    }
    return 1;
}
