/*
 * samba_dsdb.c - Samba's directory change audits (log classes dsdb_json_audit,
 * dsdb_password_json_audit and dsdb_group_json_audit, level 5) -> the Windows events of the same
 * changes, so that the detector sees one kind of tampering whatever the DC:
 *   passwordChange Reset / Change               -> 4724 / 4723
 *   groupChange Added (eventId 4728/4732/4756)   -> that event (MemberName = the member's DN)
 *   dsdbChange Delete                            -> 4726
 *   dsdbChange Modify of nTSecurityDescriptor    -> 4907 (Samba logs the new descriptor truncated,
 *                                                   so which part changed is not known)
 *   dsdbChange Modify of userAccountControl setting ACCOUNTDISABLE (0x2) -> 4725
 *   dsdbChange Modify of sAMAccountName          -> 4781
 *   any other dsdbChange Modify                  -> 5136 (the first attribute and its first value)
 * Not events: failed operations, Add (a new object is no decoy yet), password attributes in a
 * dsdbChange (the passwordChange line of the same transaction says it), the DC's own logon
 * bookkeeping (lastLogon, logonCount, badPwdCount, ...), and Samba's "Added" line at an account's
 * creation (group = the account itself). The object is named by DN (ObjectDN, MemberName), the
 * actor by SID only (SubjectUserSid = userSid): Samba does not log the actor's name.
 */
#include "evtx/samba_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UF_ACCOUNTDISABLE 0x2u

static const char *jstr(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s ? s : NULL;
}

static int add_opt(evtx_event *ev, const json_t *o, const char *key, const char *name)
{
    const char *s = jstr(o, key);
    return s ? samba_add(ev, name, s, json_string_length(json_object_get(o, key))) : 0;
}

/* Fields common to every mapped change: the actor's SID and where the change came from. */
static int add_common(evtx_event *ev, const json_t *b)
{
    const char *addr = jstr(b, "remoteAddress");
    if (add_opt(ev, b, "userSid", "SubjectUserSid") != 0 || samba_add(ev, "SubjectUserName", "-", 1) != 0)
        return -1;
    if (addr ? samba_add_address(ev, addr, strlen(addr)) : samba_add(ev, "IpAddress", "-", 1))
        return -1;
    return add_opt(ev, b, "sessionId", "SambaSessionId");
}

/* The value of an RDN "CN=Backup Operators,CN=Builtin,..." -> "Backup Operators" (escapes kept). */
static int add_rdn_value(evtx_event *ev, const char *name, const char *dn)
{
    const char *eq = strchr(dn, '='), *end;
    if (!eq)
        return samba_add(ev, name, dn, (size_t)-1);
    for (end = eq + 1; *end && *end != ','; end++)
        if (*end == '\\' && end[1])
            end++;
    return samba_add(ev, name, eq + 1, (size_t)(end - eq - 1));
}

static int is_ignored_attribute(const char *a)
{
    static const char *const ignored[] = {
        /* passwords: the passwordChange line of the same transaction is the event */
        "unicodePwd", "userPassword", "clearTextPassword", "dBCSPwd", "ntPwdHistory", "lmPwdHistory",
        "supplementalCredentials", "pwdLastSet",
        /* the DC's own bookkeeping of logons */
        "lastLogon", "lastLogonTimestamp", "logonCount", "badPwdCount", "badPasswordTime", "lockoutTime",
        "msDS-LastSuccessfulInteractiveLogonTime", "msDS-LastFailedInteractiveLogonTime"};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
        if (strcasecmp(a, ignored[i]) == 0)
            return 1;
    return 0;
}

/* The first value (as text) of the first action of 'kind' ("add", "replace", "delete", NULL = any)
 * of an attribute; *action gets the action's name. NULL when there is none. */
static const char *first_value(const json_t *attr, const char *kind, const char **action)
{
    const json_t *acts = json_object_get(attr, "actions"), *act;
    size_t i;
    json_array_foreach(acts, i, act)
    {
        const char *a = jstr(act, "action");
        const json_t *vals = json_object_get(act, "values");
        if (!a || (kind && strcmp(a, kind) != 0))
            continue;
        if (action)
            *action = a;
        return json_string_value(json_object_get(json_array_get(vals, 0), "value"));
    }
    return NULL;
}

/* userAccountControl after the change sets ACCOUNTDISABLE and it was not set before. */
static int disables(const json_t *uac)
{
    const char *now = first_value(uac, "replace", NULL), *old = first_value(uac, "delete", NULL);
    if (!now)
        now = first_value(uac, "add", NULL);
    if (!now || !(strtoul(now, NULL, 10) & UF_ACCOUNTDISABLE))
        return 0;
    return !old || !(strtoul(old, NULL, 10) & UF_ACCOUNTDISABLE);
}

static int map_modify(evtx_samba *p, const json_t *b, const char *dn, int64_t t, evtx_event *ev)
{
    const json_t *attrs = json_object_get(b, "attributes"), *v, *first = NULL;
    const char *k, *first_name = NULL, *value, *action = "replace";

    json_object_foreach((json_t *)attrs, k, v)
    {
        if (is_ignored_attribute(k))
            continue;
        if (strcasecmp(k, "nTSecurityDescriptor") == 0) {
            if (samba_event_begin(p, ev, 4907, t) != 0 || samba_add(ev, "ObjectServer", "DS", 2) != 0 ||
                samba_add(ev, "ObjectName", dn, (size_t)-1) != 0 ||
                samba_add(ev, "ObjectDN", dn, (size_t)-1) != 0)
                return -1;
            return add_common(ev, b) == 0 ? 1 : -1;
        }
        if (strcasecmp(k, "userAccountControl") == 0 && disables(v)) {
            if (samba_event_begin(p, ev, 4725, t) != 0 || samba_add(ev, "ObjectDN", dn, (size_t)-1) != 0 ||
                add_rdn_value(ev, "TargetUserName", dn) != 0)
                return -1;
            return add_common(ev, b) == 0 ? 1 : -1;
        }
        if (strcasecmp(k, "sAMAccountName") == 0) {
            value = first_value(v, "replace", NULL);
            if (!value)
                value = first_value(v, "add", NULL);
            if (samba_event_begin(p, ev, 4781, t) != 0 || samba_add(ev, "ObjectDN", dn, (size_t)-1) != 0 ||
                samba_add(ev, "OldTargetUserName", "-", 1) != 0 ||
                samba_add(ev, "NewTargetUserName", value ? value : "-", (size_t)-1) != 0)
                return -1;
            return add_common(ev, b) == 0 ? 1 : -1;
        }
        if (!first) {
            first = v;
            first_name = k;
        }
    }
    if (!first)
        return 0;
    value = first_value(first, NULL, &action);
    if (samba_event_begin(p, ev, 5136, t) != 0 || samba_add(ev, "ObjectDN", dn, (size_t)-1) != 0 ||
        samba_add(ev, "AttributeLDAPDisplayName", first_name, (size_t)-1) != 0 ||
        samba_add(ev, "AttributeValue", value ? value : "-", (size_t)-1) != 0 ||
        samba_add(ev, "OperationType", strcmp(action, "delete") == 0 ? "%%14675" : "%%14674", (size_t)-1) != 0)
        return -1;
    return add_common(ev, b) == 0 ? 1 : -1;
}

static int map_password(evtx_samba *p, const json_t *b, const char *dn, int64_t t, evtx_event *ev)
{
    const char *action = jstr(b, "action");
    unsigned id = action && strcmp(action, "Change") == 0 ? 4723 : 4724;
    if (!action || (strcmp(action, "Change") != 0 && strcmp(action, "Reset") != 0))
        return 0;
    if (samba_event_begin(p, ev, id, t) != 0 || samba_add(ev, "ObjectDN", dn, (size_t)-1) != 0 ||
        add_rdn_value(ev, "TargetUserName", dn) != 0 || add_common(ev, b) != 0)
        return -1;
    return 1;
}

static int map_group(evtx_samba *p, const json_t *b, int64_t t, evtx_event *ev)
{
    const char *action = jstr(b, "action"), *group = jstr(b, "group"), *user = jstr(b, "user");
    json_int_t id = json_integer_value(json_object_get(b, "eventId"));
    if (!action || strcmp(action, "Added") != 0 || !group || !user || strcasecmp(group, user) == 0)
        return 0; /* removals, primary group changes, and the line Samba writes at an account's creation */
    if (id != 4728 && id != 4732 && id != 4756)
        id = 4728;
    if (samba_event_begin(p, ev, (unsigned)id, t) != 0 || samba_add(ev, "MemberName", user, (size_t)-1) != 0 ||
        add_rdn_value(ev, "TargetUserName", group) != 0 || samba_add(ev, "GroupDN", group, (size_t)-1) != 0 ||
        add_common(ev, b) != 0)
        return -1;
    return 1;
}

int samba_dsdb_message(evtx_samba *p, const json_t *root, const char *type, int64_t time_ms, evtx_event *ev,
                       char *err, size_t errlen)
{
    const json_t *b = json_object_get(root, type);
    const char *dn = jstr(b, "dn"), *op = jstr(b, "operation");
    int rc = 0;

    if (!json_is_object(b)) {
        snprintf(err, errlen, "JSON %s line without its %s object", type, type);
        return -1;
    }
    if (json_integer_value(json_object_get(b, "statusCode")) != 0)
        return 0; /* refused: nothing changed */
    if (strcmp(type, "passwordChange") == 0)
        rc = dn ? map_password(p, b, dn, time_ms, ev) : 0;
    else if (strcmp(type, "groupChange") == 0)
        rc = map_group(p, b, time_ms, ev);
    else if (op && dn && strcmp(op, "Delete") == 0)
        rc = samba_event_begin(p, ev, 4726, time_ms) != 0 || samba_add(ev, "ObjectDN", dn, (size_t)-1) != 0 ||
                     add_rdn_value(ev, "TargetUserName", dn) != 0 || add_common(ev, b) != 0
                 ? -1
                 : 1;
    else if (op && dn && strcmp(op, "Modify") == 0)
        rc = map_modify(p, b, dn, time_ms, ev);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    return rc;
}
