/* security_fields.c - the EventData fields of the Security events that ADDecoy's detector reads
 * (svc/detect: detector.c, detect_enrich.c, detect_prefilter.c), in one table: the Windows event
 * log source can render just these as values (EvtRenderContextValues) instead of whole events as
 * XML. tests/unit/test_security_fields.c runs the detector over the corpus with events cut down to
 * this table and checks it decides exactly as with the whole events: a field read there and
 * missing here fails that test. */
#include "evtx/evtx.h"

const char *const evtx_security_fields[] = {
    /* who */
    "TargetUserName",
    "TargetDomainName",
    "TargetSid",
    "TargetUserSid",
    "SubjectUserName",
    "SubjectDomainName",
    /* Kerberos, NTLM, logons */
    "ServiceName",
    "ServiceSid",
    "TicketEncryptionType",
    "TicketOptions",
    "Status",
    "SubStatus",
    "PreAuthType",
    "LogonType",
    "IpAddress",
    "IpPort",
    "Workstation",
    "WorkstationName",
    "ProcessName",
    /* directory access (4662) and changes (4738, 5136) */
    "AccessMask",
    "Properties",
    "OperationType",
    "ObjectName",
    "ObjectGUID",
    "ObjectDN",
    "AttributeLDAPDisplayName",
    "AttributeValue",
    "SamAccountName",
    "UserPrincipalName",
    "ServicePrincipalNames",
    "UserAccountControl",
    "NewUacValue",
    "AllowedToDelegateTo",
    "PasswordLastSet",
    "UserWorkstations",
    "LogonHours",
    "PrimaryGroupId",
    "SidHistory",
    "DisplayName",
    "HomeDirectory",
    "ScriptPath",
    /* tampering (svc/detect/detect_tamper.c): the actor, group membership, renames, SACLs, audit policy,
     * log clears */
    "SubjectUserSid",
    "MemberSid",
    "MemberName",
    "OldTargetUserName",
    "NewTargetUserName",
    "OldSd",
    "NewSd",
    "SubcategoryGuid",
    "AuditPolicyChanges",
    "BackupPath",
    "Channel",
};
const size_t evtx_security_nfields = sizeof evtx_security_fields / sizeof evtx_security_fields[0];
