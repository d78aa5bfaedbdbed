/*
 * detect_tamper.c - tampering seen in the log itself (docs/detection.md):
 *   1102 / 104      the Security / another event log cleared               -> log_cleared
 *   4719            a subcategory the detections need lost success or
 *                   failure auditing (audit_subcategories.c)                -> audit_policy_changed
 *   and, on a decoy matched by SID first (a rename keeps it), then DN, then name:
 *   4725 disabled, 4726 deleted, 4724 password reset, 4723 password changed, 4781 renamed,
 *   4728/4732/4756 added to a group, 4907 SACL changed (the recon tripwire's auditing removed).
 * Samba's directory change audits arrive as the same events (evtx/samba_dsdb.c), naming the
 * object by DN (ObjectDN, MemberName) and the actor by SID.
 */
#include "svc/detect/detector.h"

#include <stdio.h>
#include <string.h>

#include "svc/detect/audit_subcategories.h"

static const char *get(const evtx_event *ev, const char *name)
{
    const char *v = evtx_event_get(ev, name);
    return (v && *v && strcmp(v, "-") != 0) ? v : NULL;
}

void detect_copy(char *dst, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= cap)
        n = evtx_utf8_valid_prefix(s, cap - 1);
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ---- matching the decoy ---------------------------------------------------------------------- */
typedef enum { BY_SID, BY_DN, BY_OBJECT, BY_NAME } key_kind;

typedef struct key {
    const char *field;
    key_kind kind;
} key;

/* The decoy's position in the index, DECOY_INDEX_NONE when no field names one. */
static size_t find(const decoy_index *ix, const evtx_event *ev, const key *keys, const char **by,
                   const char **field)
{
    for (; keys->field; keys++) {
        const char *v = get(ev, keys->field);
        size_t d = DECOY_INDEX_NONE, n;
        if (!v)
            continue;
        n = strlen(v);
        switch (keys->kind) {
        case BY_SID: d = decoy_index_find(ix, DECOY_KEY_SID, v, n), *by = "sid"; break;
        case BY_DN: d = decoy_index_find(ix, DECOY_KEY_DN, v, n), *by = "dn"; break;
        case BY_NAME: d = decoy_index_find(ix, DECOY_KEY_NAME, v, n), *by = "name"; break;
        case BY_OBJECT: /* 4907 ObjectName: "%{objectGUID}" or a DN */
            if ((d = decoy_index_find(ix, DECOY_KEY_GUID, v, n)) != DECOY_INDEX_NONE)
                *by = "guid";
            else if ((d = decoy_index_find(ix, DECOY_KEY_DN, v, n)) != DECOY_INDEX_NONE)
                *by = "dn";
            break;
        }
        if (d != DECOY_INDEX_NONE) {
            *field = keys->field;
            return d;
        }
    }
    return DECOY_INDEX_NONE;
}

static const key account_keys[] = {
    {"TargetSid", BY_SID}, {"ObjectDN", BY_DN}, {"TargetUserName", BY_NAME}, {NULL, BY_NAME}};
static const key rename_keys[] = {{"TargetSid", BY_SID},
                                  {"ObjectDN", BY_DN},
                                  {"OldTargetUserName", BY_NAME},
                                  {"NewTargetUserName", BY_NAME},
                                  {NULL, BY_NAME}};
/* group events: TargetUserName/TargetSid are the group, the member is the decoy */
static const key member_keys[] = {{"MemberSid", BY_SID}, {"MemberName", BY_DN}, {NULL, BY_NAME}};
static const key sacl_keys[] = {{"ObjectName", BY_OBJECT}, {"ObjectDN", BY_DN}, {NULL, BY_NAME}};

/* ---- SDDL ------------------------------------------------------------------------------------ */
/* Audit and alarm ACEs in the SACL ("S:") part of an SDDL string; -1 when sddl is NULL. */
static int sacl_aces(const char *sddl)
{
    const char *s;
    int n = 0;
    if (!sddl)
        return -1;
    for (s = sddl; (s = strstr(s, "S:")) != NULL; s += 2)
        if (s == sddl || s[-1] == ')' || s[-1] == ':' || (s[-1] >= 'A' && s[-1] <= 'Z'))
            break; /* the section marker, not the inside of a SID or ACE */
    if (!s)
        return 0;
    for (s += 2; *s && !(s[0] >= 'A' && s[0] <= 'Z' && s[1] == ':'); s++)
        if (s[0] == '(' && (s[1] == 'A' || s[1] == 'O') && (s[2] == 'U' || s[2] == 'L') && s[3] == ';')
            n++; /* AU/OU audit, AL/OL alarm ACEs */
    return n;
}

/* ---- the events ------------------------------------------------------------------------------ */
static int log_cleared(const evtx_event *ev, detection *out)
{
    const char *prov = ev->provider ? ev->provider : "";
    const char *log = ev->event_id == 1102 ? "Security" : get(ev, "Channel");
    if (strcmp(prov, "Microsoft-Windows-Eventlog") != 0 && strcmp(prov, "Eventlog") != 0)
        return 0; /* another provider's 104 in the System log */
    detect_enrich(out, ev, DETECT_LOG_CLEARED, NULL, NULL, NULL, 0);
    detect_copy(out->object, sizeof out->object, log ? log : "System");
    if (get(ev, "BackupPath"))
        snprintf(out->properties, sizeof out->properties, "BackupPath=%.900s", get(ev, "BackupPath"));
    detect_copy(out->remedy, sizeof out->remedy,
                "Treat as an intrusion: find what this account did before the clear in your SIEM or event "
                "collector copy (the DC's own copy is gone), and check the other DCs' logs.");
    return 1;
}

/* "%%8448, %%8450" or the rendered words: which results were removed (AUDIT_SUCCESS/FAILURE bits). */
static unsigned removed_results(const char *changes)
{
    unsigned r = 0;
    if (!changes)
        return 0;
    if (strstr(changes, "%%8448") || strstr(changes, "Success removed"))
        r |= AUDIT_SUCCESS;
    if (strstr(changes, "%%8450") || strstr(changes, "Failure removed"))
        r |= AUDIT_FAILURE;
    return r;
}

static int audit_policy_changed(const evtx_event *ev, detection *out)
{
    const audit_subcategory *s = audit_subcategory_find(get(ev, "SubcategoryGuid"));
    unsigned removed = removed_results(get(ev, "AuditPolicyChanges"));
    if (!s || !removed)
        return 0;
    detect_enrich(out, ev, DETECT_AUDIT_POLICY_CHANGED, NULL, NULL, NULL, 0);
    detect_copy(out->object, sizeof out->object, s->name);
    detect_copy(out->object_id, sizeof out->object_id, s->guid);
    snprintf(out->properties, sizeof out->properties, "%s%s%s removed; blinds %s",
             removed & AUDIT_SUCCESS ? "success" : "", removed == (AUDIT_SUCCESS | AUDIT_FAILURE) ? " and " : "",
             removed & AUDIT_FAILURE ? "failure" : "", s->blinds);
    audit_subcategory_fix(s, out->remedy, sizeof out->remedy);
    return 1;
}

static detect_action decoy_action(const evtx_event *ev, const key **keys)
{
    *keys = account_keys;
    switch (ev->event_id) {
    case 4723: return DETECT_DECOY_PASSWORD_CHANGED;
    case 4724: return DETECT_DECOY_PASSWORD_RESET;
    case 4725: return DETECT_DECOY_DISABLED;
    case 4726: return DETECT_DECOY_DELETED;
    case 4781: *keys = rename_keys; return DETECT_DECOY_RENAMED;
    case 4728:
    case 4732:
    case 4756: *keys = member_keys; return DETECT_DECOY_GROUP_ADDED;
    case 4907: *keys = sacl_keys; return DETECT_DECOY_SACL_CHANGED;
    default: return DETECT_NONE;
    }
}

static void decoy_details(const evtx_event *ev, detection *out)
{
    /* present but empty (<Data Name="OldSd"/>) = no SACL: 0 ACEs; absent (Samba) = unknown */
    const char *old_sd = evtx_event_get(ev, "OldSd"), *new_sd = evtx_event_get(ev, "NewSd");
    int before, after;

    switch (out->action) {
    case DETECT_DECOY_RENAMED:
        detect_copy(out->object, sizeof out->object, get(ev, "NewTargetUserName"));
        snprintf(out->properties, sizeof out->properties, "%.300s -> %.300s",
                 get(ev, "OldTargetUserName") ? get(ev, "OldTargetUserName") : "?",
                 get(ev, "NewTargetUserName") ? get(ev, "NewTargetUserName") : "?");
        break;
    case DETECT_DECOY_GROUP_ADDED:
        detect_copy(out->object, sizeof out->object, get(ev, "TargetUserName"));
        detect_copy(out->object_id, sizeof out->object_id, get(ev, "TargetSid"));
        if (get(ev, "GroupDN"))
            snprintf(out->properties, sizeof out->properties, "group %.900s", get(ev, "GroupDN"));
        break;
    case DETECT_DECOY_SACL_CHANGED:
        before = sacl_aces(old_sd), after = sacl_aces(new_sd);
        if (before < 0 || after < 0)
            detect_copy(out->properties, sizeof out->properties,
                        "security descriptor replaced (the log does not say which part)");
        else
            snprintf(out->properties, sizeof out->properties, "audit ACEs %d -> %d%s; new SACL in %.700s",
                     before, after, after < before ? " (tripwire auditing removed)" : "", new_sd);
        if (after >= 0 && before >= 0 && after >= before) { /* added or kept: less urgent */
            detect_copy(out->severity, sizeof out->severity, "medium");
            out->severity_score = 50;
        }
        break;
    default: break;
    }
}

int detect_tamper(const decoy_index *ix, const evtx_event *ev, detection *out)
{
    adseed_decoy_view view;
    size_t d;
    const char *by = NULL, *field = NULL;
    const key *keys;
    detect_action a;

    switch (ev->event_id) {
    case 104:
    case 1102: return log_cleared(ev, out);
    case 4719: return audit_policy_changed(ev, out);
    default: break;
    }
    a = decoy_action(ev, &keys);
    if (a == DETECT_NONE || (d = find(ix, ev, keys, &by, &field)) == DECOY_INDEX_NONE)
        return 0;
    detect_enrich(out, ev, a, decoy_index_decoy(ix, d, &view), by, field, 0);
    decoy_details(ev, out);
    return 1;
}
