/* audit_subcategories.h - the advanced audit policy subcategories the detections depend on: GUID
 * (not localised, unlike the names), the English name auditpol shows, which audit results
 * (success, failure) the detections need, what goes blind without them, and the auditpol line that
 * restores them. Used by the 4719 detection (detect_tamper.c) and the audit gap check
 * (audit_watch.c); docs/windows.md lists the same. */
#ifndef ADDECOY_SVC_AUDIT_SUBCATEGORIES_H
#define ADDECOY_SVC_AUDIT_SUBCATEGORIES_H

#include <stddef.h>

#define AUDIT_SUCCESS 1u /* POLICY_AUDIT_EVENT_SUCCESS */
#define AUDIT_FAILURE 2u /* POLICY_AUDIT_EVENT_FAILURE */

typedef struct audit_subcategory {
    const char *guid;   /* "{0CCE9240-69AE-11D9-BED3-505054503030}" */
    const char *name;   /* "Kerberos Service Ticket Operations" */
    unsigned needed;    /* AUDIT_SUCCESS | AUDIT_FAILURE bits the detections need */
    const char *blinds; /* "4769: Kerberoasting" */
} audit_subcategory;

const audit_subcategory *audit_subcategories(size_t *n);
/* By GUID, with or without braces, any case; NULL when the detections do not depend on it. */
const audit_subcategory *audit_subcategory_find(const char *guid);
/* The auditpol command that turns success and failure auditing on for s. */
void audit_subcategory_fix(const audit_subcategory *s, char *out, size_t len);

#endif
