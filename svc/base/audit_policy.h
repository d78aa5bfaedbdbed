/* audit_policy.h - reads the effective advanced audit policy of this machine: the success/failure
 * bits of audit subcategories named by GUID. Windows: AuditQuerySystemPolicy (advapi32;
 * audit_policy_win.c; needs SeSecurityPrivilege, which LocalSystem has). Elsewhere the audit policy
 * is not a thing (audit_policy_posix.c says so): a Samba DC logs what smb.conf says. */
#ifndef ADDECOY_SVC_AUDIT_POLICY_H
#define ADDECOY_SVC_AUDIT_POLICY_H

#include <stddef.h>

#define AUDIT_POLICY_NA 1 /* not applicable on this platform */

/* For each guids[i] ("{0CCE9240-69AE-11D9-BED3-505054503030}"), bits[i] = its AuditingInformation
 * (1 success, 2 failure). Returns 0, AUDIT_POLICY_NA with err saying why, or -1 with err. */
int audit_policy_query(const char *const *guids, size_t n, unsigned *bits, char *err, size_t errlen);

/* Parses "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (braces optional) into the 16 bytes of a Windows
 * GUID in memory order (Data1-3 little-endian). Returns 0, or -1 when malformed. Portable, for tests. */
int audit_policy_parse_guid(const char *s, unsigned char out[16]);

#endif
