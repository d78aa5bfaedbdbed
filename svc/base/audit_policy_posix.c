/* audit_policy_posix.c - no Windows audit policy here: says so (see audit_policy.h). */
#include "svc/base/audit_policy.h"

#include <stdio.h>

int audit_policy_query(const char *const *guids, size_t n, unsigned *bits, char *err, size_t errlen)
{
    (void)guids;
    for (size_t i = 0; i < n; i++)
        bits[i] = 0;
    snprintf(err, errlen,
             "not applicable: the advanced audit policy exists only on Windows (a Samba DC "
             "logs what its smb.conf \"log level\" says; see docs/samba.md)");
    return AUDIT_POLICY_NA;
}
