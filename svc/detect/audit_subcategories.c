/* audit_subcategories.c - the table of audit policy subcategories the detections depend on (see
 * audit_subcategories.h; GUIDs from `auditpol /list /subcategory:* /v`). */
#include "svc/detect/audit_subcategories.h"

#include <stdio.h>
#include <string.h>

#define S AUDIT_SUCCESS
#define F AUDIT_FAILURE

static const audit_subcategory subcategories[] = {
    {"{0CCE9240-69AE-11D9-BED3-505054503030}", "Kerberos Service Ticket Operations", S,
     "4769: Kerberoasting of the decoys"},
    {"{0CCE9242-69AE-11D9-BED3-505054503030}", "Kerberos Authentication Service", S | F,
     "4768/4771: AS-REP roasting, Kerberos password guessing and decoy logons"},
    {"{0CCE923F-69AE-11D9-BED3-505054503030}", "Credential Validation", S | F,
     "4776: NTLM password guessing and decoy logons"},
    {"{0CCE9215-69AE-11D9-BED3-505054503030}", "Logon", S | F, "4624/4625: decoy logons and failed logons"},
    {"{0CCE923B-69AE-11D9-BED3-505054503030}", "Directory Service Access", S,
     "4662: the reconnaissance tripwire (reads of a decoy)"},
    {"{0CCE923C-69AE-11D9-BED3-505054503030}", "Directory Service Changes", S, "5136: changes to a decoy"},
    {"{0CCE9235-69AE-11D9-BED3-505054503030}", "User Account Management", S,
     "4723-4726, 4738, 4781: a decoy disabled, deleted, renamed or its password reset"},
    {"{0CCE9237-69AE-11D9-BED3-505054503030}", "Security Group Management", S,
     "4728/4732/4756: a decoy added to a group"},
    {"{0CCE922F-69AE-11D9-BED3-505054503030}", "Audit Policy Change", S,
     "4719: the audit policy itself being turned off"},
};

const audit_subcategory *audit_subcategories(size_t *n)
{
    *n = sizeof subcategories / sizeof subcategories[0];
    return subcategories;
}

const audit_subcategory *audit_subcategory_find(const char *guid)
{
    char want[40];
    size_t n;

    if (!guid)
        return NULL;
    if (*guid == '{')
        guid++;
    n = strlen(guid);
    if (n && guid[n - 1] == '}')
        n--;
    if (n != 36)
        return NULL;
    for (size_t i = 0; i < n; i++)
        want[i] = (char)((guid[i] >= 'a' && guid[i] <= 'z') ? guid[i] - 32 : guid[i]);
    want[n] = '\0';
    for (size_t i = 0; i < sizeof subcategories / sizeof subcategories[0]; i++)
        if (memcmp(subcategories[i].guid + 1, want, 36) == 0)
            return &subcategories[i];
    return NULL;
}

void audit_subcategory_fix(const audit_subcategory *s, char *out, size_t len)
{
    /* the GUID, not the name: names are localised ("Kerberos-Dienstticketvorgänge") */
    snprintf(out, len, "auditpol /set /subcategory:\"%s\" /success:enable /failure:enable", s->guid);
}
