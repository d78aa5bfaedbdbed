/* event_ids.c - the table of the event IDs the detector examines (see event_ids.h, and
 * docs/detection.md for what each alert means). Keep it in ascending ID order. */
#include "svc/detect/event_ids.h"

#include <string.h>

#define DECOY DETECT_FAMILY_DECOY
#define TAMPER DETECT_FAMILY_TAMPER

static const detect_event_id event_ids[] = {
    {104, "System log cleared (or another log than Security)", "log clearing (T1070.001)", "System", TAMPER},
    {1102, "Security audit log cleared", "log clearing (T1070.001)", "Security", TAMPER},
    {4624, "An account logged on", "decoy logon", "Security", DECOY},
    {4625, "An account failed to log on", "password guessing and spraying", "Security", DECOY},
    {4662, "An operation was performed on an object", "reconnaissance (recon SACL tripwire)", "Security", DECOY},
    {4719, "System audit policy was changed", "audit policy tampering (T1562.002)", "Security", TAMPER},
    {4723, "An attempt was made to change an account's password", "decoy password changed", "Security", TAMPER},
    {4724, "An attempt was made to reset an account's password", "decoy password reset", "Security", TAMPER},
    {4725, "A user account was disabled", "decoy disabled", "Security", TAMPER},
    {4726, "A user account was deleted", "decoy deleted", "Security", TAMPER},
    {4728, "A member was added to a security-enabled global group", "decoy added to a group", "Security", TAMPER},
    {4732, "A member was added to a security-enabled local group", "decoy added to a group", "Security", TAMPER},
    {4738, "A user account was changed", "decoy tampering", "Security", DECOY},
    {4756, "A member was added to a security-enabled universal group", "decoy added to a group", "Security",
     TAMPER},
    {4768, "A Kerberos authentication ticket (TGT) was requested", "AS-REP roasting, decoy logon, guessing",
     "Security", DECOY},
    {4769, "A Kerberos service ticket was requested", "Kerberoasting", "Security", DECOY},
    {4771, "Kerberos pre-authentication failed", "password guessing and spraying", "Security", DECOY},
    {4776, "The computer attempted to validate the credentials for an account (NTLM)",
     "NTLM password guessing, decoy logon", "Security", DECOY},
    {4781, "The name of an account was changed", "decoy renamed", "Security", TAMPER},
    {4907, "Auditing settings on object were changed", "decoy SACL changed (recon tripwire removed)",
     "Security", TAMPER},
    {5136, "A directory service object was modified", "decoy tampering", "Security", DECOY},
};

const detect_event_id *detect_event_ids(size_t *n)
{
    *n = sizeof event_ids / sizeof event_ids[0];
    return event_ids;
}

const detect_event_id *detect_event_id_find(unsigned id)
{
    size_t lo = 0, hi = sizeof event_ids / sizeof event_ids[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (event_ids[mid].id == id)
            return &event_ids[mid];
        if (event_ids[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t detect_event_ids_for_channel(const char *channel, unsigned *out, size_t cap)
{
    int only = channel && (strcmp(channel, "Security") == 0 || strcmp(channel, "System") == 0);
    size_t n = 0;
    for (size_t i = 0; i < sizeof event_ids / sizeof event_ids[0] && n < cap; i++)
        if (!only || strcmp(event_ids[i].channel, channel) == 0)
            out[n++] = event_ids[i].id;
    return n;
}
