/*
 * detect_enrich.c - turns an event that touched a decoy into a complete detection: the decoy's
 * inventory entry, the actor and source, decoded Kerberos/NTLM/logon details, the ATT&CK technique
 * and a severity. Every value is copied (truncated on a UTF-8 character boundary) so that the
 * detection owns nothing and can be copied freely.
 */
#include "svc/detect/detector.h"

#include <stdio.h>
#include <string.h>

#define SPRAY_THRESHOLD 20

static void copy(char *dst, size_t cap, const char *s)
{
    size_t n;
    if (!s)
        s = "";
    n = strlen(s);
    if (n >= cap)
        n = evtx_utf8_valid_prefix(s, cap - 1);
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Appends s with each run of white space collapsed to one space (values such as 4662 Properties
 * span lines); truncated on a character boundary. */
static void append_collapsed(char *dst, size_t cap, const char *s)
{
    size_t o = strlen(dst);
    int space = 0;
    for (; s && *s && o + 1 < cap; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
            space = o > 0;
            continue;
        }
        if (space) {
            if (o + 2 >= cap)
                break;
            dst[o++] = ' ';
        }
        space = 0;
        dst[o++] = *s;
    }
    o = evtx_utf8_valid_prefix(dst, o);
    dst[o] = '\0';
}

static const char *get(const evtx_event *ev, const char *name)
{
    const char *v = evtx_event_get(ev, name);
    return (v && *v && strcmp(v, "-") != 0) ? v : NULL;
}

static int get_hex(const evtx_event *ev, const char *name, uint32_t *out)
{
    const char *v = get(ev, name);
    return v ? detect_parse_hex(v, out) : -1;
}

/* "user@REALM" or "DOMAIN\user" into name and domain (domain left alone when absent). */
static void split_account(const char *s, char *name, size_t ncap, char *dom, size_t dcap)
{
    const char *bs, *at;
    char tmp[DET_NAME];
    size_t n;
    if (!s)
        return;
    bs = strchr(s, '\\');
    at = strrchr(s, '@');
    if (!bs && !at) {
        copy(name, ncap, s);
        return;
    }
    n = (size_t)((bs ? bs : at) - s);
    if (n >= sizeof tmp)
        n = evtx_utf8_valid_prefix(s, sizeof tmp - 1);
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    copy(bs ? dom : name, bs ? dcap : ncap, tmp);
    copy(bs ? name : dom, bs ? ncap : dcap, (bs ? bs : at) + 1);
}

static void set_actor(detection *o, const evtx_event *ev, const char *user, const char *dom)
{
    split_account(get(ev, user), o->user_name, sizeof o->user_name, o->user_domain, sizeof o->user_domain);
    if (!o->user_domain[0])
        copy(o->user_domain, sizeof o->user_domain, get(ev, dom));
}

static void set_decoy(detection *o, const adseed_decoy *d, const char *by, const char *field)
{
    const adseed_breadcrumb *bc;

    if (!d) /* log_cleared, audit_policy_changed: about the DC, not a decoy */
        return;
    copy(o->decoy_name, sizeof o->decoy_name, d->name);
    copy(o->decoy_kind, sizeof o->decoy_kind, adseed_kind_name(d->kind));
    copy(o->decoy_domain, sizeof o->decoy_domain, d->domain);
    copy(o->decoy_sid, sizeof o->decoy_sid, d->sid);
    copy(o->decoy_guid, sizeof o->decoy_guid, d->guid);
    copy(o->decoy_dn, sizeof o->decoy_dn, d->dn);
    copy(o->decoy_memo, sizeof o->decoy_memo, d->memo);
    copy(o->decoy_location, sizeof o->decoy_location, d->location);
    copy(o->decoy_owner, sizeof o->decoy_owner, d->owner);
    copy(o->decoy_runbook, sizeof o->decoy_runbook, d->runbook);
    if ((bc = adseed_decoy_active_breadcrumb(d)) != NULL) {
        copy(o->breadcrumb_id, sizeof o->breadcrumb_id, bc->id);
        copy(o->breadcrumb_kind, sizeof o->breadcrumb_kind, adseed_lure_name(bc->kind));
        copy(o->breadcrumb_location, sizeof o->breadcrumb_location, bc->location);
    }
    copy(o->matched_by, sizeof o->matched_by, by);
    copy(o->matched_field, sizeof o->matched_field, field);
}

static void set_kerberos(detection *o, const evtx_event *ev)
{
    uint32_t v;
    int pat;
    if (get_hex(ev, "TicketEncryptionType", &v) == 0) {
        o->has_ticket_enc = 1;
        o->ticket_enc = v;
        copy(o->ticket_enc_name, sizeof o->ticket_enc_name, detect_ticket_enc_name(v));
        o->rc4 = (v == 0x17 || v == 0x18);
    }
    if (get_hex(ev, "TicketOptions", &v) == 0)
        snprintf(o->ticket_options, sizeof o->ticket_options, "0x%08x", (unsigned)v);
    if (get_hex(ev, "Status", &v) == 0) {
        o->has_status = 1;
        o->status = v;
        copy(o->status_meaning, sizeof o->status_meaning, detect_kerberos_status_meaning(v));
    }
    pat = get_hex(ev, "PreAuthType", &v) == 0 && v <= 0xffff ? (int)v : -1;
    o->pre_auth_type = pat;
}

static void set_ntlm(detection *o, const evtx_event *ev)
{
    uint32_t v;
    if (get_hex(ev, "Status", &v) == 0) {
        o->has_status = 1;
        o->status = v;
        copy(o->status_meaning, sizeof o->status_meaning, detect_ntstatus_meaning(v));
        o->password_correct |= detect_ntstatus_password_correct(v);
    }
    if (get_hex(ev, "SubStatus", &v) == 0 && v != 0) {
        o->has_sub_status = 1;
        o->sub_status = v;
        copy(o->sub_status_meaning, sizeof o->sub_status_meaning, detect_ntstatus_meaning(v));
        o->password_correct |= detect_ntstatus_password_correct(v);
    }
    if (get_hex(ev, "LogonType", &v) == 0 && v <= 0xffff)
        o->logon_type = (int)v;
}

static void set_directory(detection *o, const evtx_event *ev)
{
    static const char *const changed[] = {"SamAccountName",     "UserPrincipalName", "ServicePrincipalNames",
                                          "UserAccountControl", "NewUacValue",       "AllowedToDelegateTo",
                                          "PasswordLastSet",    "UserWorkstations",  "LogonHours",
                                          "PrimaryGroupId",     "SidHistory",        "DisplayName",
                                          "HomeDirectory",      "ScriptPath"};
    uint32_t v;
    const char *op;
    if (get_hex(ev, "AccessMask", &v) == 0)
        snprintf(o->access_mask, sizeof o->access_mask, "0x%x", (unsigned)v);
    if (ev->event_id == 4662) {
        append_collapsed(o->properties, sizeof o->properties, get(ev, "Properties"));
        copy(o->operation, sizeof o->operation, get(ev, "OperationType"));
    } else if (ev->event_id == 5136) {
        append_collapsed(o->properties, sizeof o->properties, get(ev, "AttributeLDAPDisplayName"));
        append_collapsed(o->properties, sizeof o->properties, "=");
        append_collapsed(o->properties, sizeof o->properties, get(ev, "AttributeValue"));
        op = get(ev, "OperationType");
        copy(o->operation, sizeof o->operation,
             !op                          ? ""
             : strcmp(op, "%%14674") == 0 ? "value added"
             : strcmp(op, "%%14675") == 0 ? "value deleted"
                                          : op);
    } else if (ev->event_id == 4738) {
        for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
            const char *val = get(ev, changed[i]);
            if (!val || strcmp(val, "%%1793") == 0) /* %%1793 = "<value not set>" */
                continue;
            if (o->properties[0])
                append_collapsed(o->properties, sizeof o->properties, "; ");
            append_collapsed(o->properties, sizeof o->properties, changed[i]);
            append_collapsed(o->properties, sizeof o->properties, "=");
            append_collapsed(o->properties, sizeof o->properties, val);
        }
    }
}

/* ATT&CK for the way the attacker found the password (docs/detection.md). */
static void lure_technique(const char *kind, const char **id, const char **name)
{
    if (strcmp(kind, "gpp") == 0)
        *id = "T1552.006", *name = "Unsecured Credentials: Group Policy Preferences";
    else if (strcmp(kind, "script") == 0 || strcmp(kind, "unattend") == 0)
        *id = "T1552.001", *name = "Unsecured Credentials: Credentials In Files";
    else if (strcmp(kind, "cmdkey") == 0)
        *id = "T1555.004", *name = "Credentials from Password Stores: Windows Credential Manager";
    else /* description, and kinds added later */
        *id = "T1552", *name = "Unsecured Credentials";
}

void detect_set_threat(detection *o)
{
    const char *id = "", *name = "", *sev = "high";
    int score = 70;
    switch (o->action) {
    case DETECT_KERBEROAST: id = "T1558.003", name = "Kerberoasting", sev = "critical", score = 90; break;
    case DETECT_ASREP_ROAST: id = "T1558.004", name = "AS-REP Roasting", sev = "critical", score = 90; break;
    case DETECT_PASSWORD_GUESS:
        id = o->spray ? "T1110.003" : "T1110", name = o->spray ? "Password Spraying" : "Brute Force";
        if (o->password_correct)
            sev = "critical", score = 90;
        break;
    case DETECT_DECOY_LOGON: id = "T1078", name = "Valid Accounts", sev = "critical", score = 95; break;
    case DETECT_BREADCRUMB_USED:
        lure_technique(o->breadcrumb_kind, &id, &name);
        sev = "critical", score = 95;
        break;
    case DETECT_RECON:
        id = "T1087.002", name = "Account Discovery: Domain Account", sev = "medium", score = 50;
        break;
    case DETECT_TAMPERING:
    case DETECT_DECOY_RENAMED: id = "T1098", name = "Account Manipulation", sev = "high", score = 75; break;
    case DETECT_LOG_CLEARED: /* covering tracks: nobody clears a DC's Security log in normal work */
        id = "T1070.001", name = "Indicator Removal: Clear Windows Event Logs", sev = "critical", score = 95;
        break;
    case DETECT_AUDIT_POLICY_CHANGED: /* a detection the decoys rely on went blind */
        id = "T1562.002", name = "Impair Defenses: Disable Windows Event Logging", sev = "critical", score = 90;
        break;
    case DETECT_AUDIT_GAP: /* found by decoysvc itself; cause unknown (GPO, admin, intruder) */
        id = "T1562.002", name = "Impair Defenses: Disable Windows Event Logging", sev = "high", score = 80;
        break;
    case DETECT_AUDIT_RESTORED: /* good news: no technique */ sev = "low", score = 20; break;
    case DETECT_DECOY_SACL_CHANGED: /* the recon tripwire's SACL stops the DC logging reads */
        id = "T1562.002", name = "Impair Defenses: Disable Windows Event Logging", sev = "high", score = 80;
        break;
    case DETECT_DECOY_DISABLED:
    case DETECT_DECOY_DELETED: /* someone found the decoy and is removing it */
        id = "T1531", name = "Account Access Removal", sev = "high", score = 75;
        break;
    case DETECT_DECOY_PASSWORD_RESET: /* the actor now holds a working password for the decoy */
        id = "T1098", name = "Account Manipulation", sev = "critical", score = 90;
        break;
    case DETECT_DECOY_PASSWORD_CHANGED: /* a change needs the old password: the decoy's was cracked */
        id = "T1098", name = "Account Manipulation", sev = "critical", score = 95;
        break;
    case DETECT_DECOY_GROUP_ADDED: /* privilege for an account only an intruder would use */
        id = "T1098.007", name = "Account Manipulation: Additional Local or Domain Groups", sev = "critical",
        score = 90;
        break;
    case DETECT_NONE: break;
    }
    copy(o->technique_id, sizeof o->technique_id, id);
    copy(o->technique_name, sizeof o->technique_name, name);
    copy(o->severity, sizeof o->severity, sev);
    o->severity_score = score;
}

void detect_set_event(detection *o, const evtx_event *ev)
{
    o->event_code = ev->event_id;
    o->record_id = ev->record_id;
    o->time_ms = ev->time_ms;
    if (ev->time_created && ev->time_created[0])
        copy(o->time, sizeof o->time, ev->time_created);
    else if (ev->time_ms >= 0)
        evtx_format_time(ev->time_ms, o->time, sizeof o->time);
    copy(o->channel, sizeof o->channel, ev->channel);
    copy(o->host, sizeof o->host, ev->computer);
}

void detect_enrich(detection *o, const evtx_event *ev, detect_action a, const adseed_decoy *decoy,
                   const char *by, const char *field, unsigned tried)
{
    uint32_t port;
    memset(o, 0, sizeof *o);
    o->action = a;
    o->pre_auth_type = -1;
    o->logon_type = -1;
    set_decoy(o, decoy, by, field);
    detect_set_event(o, ev);

    detect_normalise_ip(get(ev, "IpAddress"), o->source_ip, sizeof o->source_ip);
    if (get_hex(ev, "IpPort", &port) == 0 && port <= 65535)
        o->source_port = port;
    /* IpPort is decimal; detect_parse_hex reads plain digits as decimal */
    copy(o->workstation, sizeof o->workstation,
         get(ev, ev->event_id == 4776 ? "Workstation" : "WorkstationName"));
    copy(o->process_name, sizeof o->process_name, get(ev, "ProcessName"));
    copy(o->service_name, sizeof o->service_name, get(ev, "ServiceName"));

    switch (ev->event_id) {
    case 4769:
        set_actor(o, ev, "TargetUserName", "TargetDomainName");
        set_kerberos(o, ev);
        break;
    case 4768:
    case 4771:
        if (a == DETECT_DECOY_LOGON || a == DETECT_KERBEROAST)
            set_actor(o, ev, "TargetUserName", "TargetDomainName");
        set_kerberos(o, ev);
        break;
    case 4776:
    case 4625:
    case 4624:
        if (a == DETECT_DECOY_LOGON)
            set_actor(o, ev, "TargetUserName", "TargetDomainName");
        set_ntlm(o, ev);
        break;
    default: /* 4662, 4738, 5136 and the tampering events: the subject acted on the decoy object */
        set_actor(o, ev, "SubjectUserName", "SubjectDomainName");
        copy(o->user_sid, sizeof o->user_sid, get(ev, "SubjectUserSid"));
        set_directory(o, ev);
        break;
    }
    if (a == DETECT_BREADCRUMB_USED)
        o->password_correct = 1; /* also for Kerberos, where no NTSTATUS says so */
    detection_set_spray(o, tried);
}

void detection_set_spray(detection *o, unsigned tried)
{
    o->spray_accounts = tried;
    o->spray = o->action == DETECT_PASSWORD_GUESS && tried >= SPRAY_THRESHOLD;
    detect_set_threat(o);
}
