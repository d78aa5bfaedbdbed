/* audit_policy_win.c - the effective audit policy through AuditQuerySystemPolicy (advapi32):
 * one call for all the subcategories, freed with AuditFree (see audit_policy.h). */
#include "svc/base/audit_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <ntsecapi.h>

int audit_policy_query(const char *const *guids, size_t n, unsigned *bits, char *err, size_t errlen)
{
    GUID *ids = NULL;
    PAUDIT_POLICY_INFORMATION info = NULL;
    int rc = -1;

    if (n == 0)
        return 0;
    ids = calloc(n, sizeof *ids);
    if (!ids) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char b[16];
        if (audit_policy_parse_guid(guids[i], b) != 0) {
            snprintf(err, errlen, "bad subcategory GUID %s", guids[i]);
            goto out;
        }
        memcpy(&ids[i], b, sizeof b);
    }
    if (!AuditQuerySystemPolicy(ids, (ULONG)n, &info)) {
        DWORD e = GetLastError();
        snprintf(err, errlen, "AuditQuerySystemPolicy failed: error %lu%s", (unsigned long)e,
                 e == ERROR_PRIVILEGE_NOT_HELD     ? " (SeSecurityPrivilege not held: run as LocalSystem)"
                 : e == ERROR_CALL_NOT_IMPLEMENTED ? " (not implemented here: Wine's advapi32 is a stub)"
                                                   : "");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        bits[i] =
            (unsigned)(info[i].AuditingInformation & (POLICY_AUDIT_EVENT_SUCCESS | POLICY_AUDIT_EVENT_FAILURE));
    rc = 0;
out:
    if (info)
        AuditFree(info);
    free(ids);
    return rc;
}
