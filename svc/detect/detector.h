/* detector.h - decides whether an event touches a decoy, classifies what was done (kerberoast,
 * AS-REP roast, password guess, decoy logon, recon, tampering, a used breadcrumb) and enriches it into a detection:
 * a plain, fixed-size value (no pointers) that the throttle can copy and keep across inventory
 * reloads. Every string in it is valid UTF-8, NUL-terminated, truncated on a character boundary. */
#ifndef ADDECOY_SVC_DETECTOR_H
#define ADDECOY_SVC_DETECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "evtx/evtx.h"
#include "svc/detect/decoy_index.h"

typedef enum detect_action {
    DETECT_NONE = 0,
    DETECT_KERBEROAST,
    DETECT_ASREP_ROAST,
    DETECT_PASSWORD_GUESS,
    DETECT_DECOY_LOGON,
    DETECT_RECON,
    DETECT_TAMPERING,
    /* tampering seen in the log itself (detect_tamper.c); the first two concern no decoy */
    DETECT_LOG_CLEARED,
    DETECT_AUDIT_POLICY_CHANGED,
    DETECT_DECOY_DISABLED,
    DETECT_DECOY_DELETED,
    DETECT_DECOY_PASSWORD_RESET,
    DETECT_DECOY_PASSWORD_CHANGED,
    DETECT_DECOY_RENAMED,
    DETECT_DECOY_GROUP_ADDED,
    DETECT_DECOY_SACL_CHANGED,
    DETECT_AUDIT_GAP, /* raised by decoysvc itself from the effective audit policy (audit_watch.c) */
    DETECT_AUDIT_RESTORED,
    DETECT_BREADCRUMB_USED, /* the correct password of a breadcrumbed decoy, refused by its restrictions */
} detect_action;
#define DETECT_ACTION_LAST DETECT_BREADCRUMB_USED /* keep it the last value: the throttle state checks it */

#define DET_NAME 257  /* account and host names */
#define DET_TEXT 1024 /* decoy memo, location, owner, runbook */
#define DET_SHORT 96

typedef struct detection {
    detect_action action;
    char severity[16];       /* "critical", "high", "medium" */
    int severity_score;      /* 0..100 (ECS event.severity style): 90, 70, 50 */
    char technique_id[16];   /* "T1558.003" */
    char technique_name[64]; /* "Kerberoasting" */
    int spray;               /* 1: the source tried >= 20 distinct accounts within 60 s */
    unsigned spray_accounts; /* distinct accounts the source tried in that window */

    /* the decoy (copied from the inventory) */
    char decoy_name[DET_NAME], decoy_kind[16], decoy_domain[DET_NAME], decoy_sid[200];
    char decoy_guid[40], decoy_dn[DET_TEXT];
    char decoy_memo[DET_TEXT], decoy_location[DET_TEXT], decoy_owner[DET_TEXT], decoy_runbook[DET_TEXT];
    /* the decoy's active breadcrumb (lure), "" when it has none */
    char breadcrumb_id[DET_SHORT], breadcrumb_kind[16], breadcrumb_location[DET_TEXT];
    char matched_by[8];     /* "name", "sid", "guid", "spn", "dn" */
    char matched_field[32]; /* the EventData field that named the decoy */

    /* who and from where ("" when unknown) */
    char user_name[DET_NAME], user_domain[DET_NAME];
    char workstation[DET_NAME];
    char source_ip[48];   /* normalised: "::ffff:a.b.c.d" -> "a.b.c.d"; "" when "-" or absent */
    unsigned source_port; /* 0 when unknown */
    char process_name[DET_NAME];
    char service_name[DET_NAME]; /* 4768/4769 ServiceName */

    /* Kerberos / NTLM / logon details; has_* say which are present */
    int has_ticket_enc, has_status, has_sub_status;
    uint32_t ticket_enc, status, sub_status;
    char ticket_enc_name[40]; /* "RC4-HMAC", "AES256-CTS-HMAC-SHA1-96", ... */
    int rc4;                  /* ticket encryption RC4: the roasting tell */
    char ticket_options[16];  /* "0x40810000" ("" when absent) */
    char status_meaning[DET_SHORT], sub_status_meaning[DET_SHORT];
    int password_correct;      /* 4625 sub-status says the password was right (logon restriction) */
    int pre_auth_type;         /* -1 when absent */
    int logon_type;            /* -1 when absent */
    char access_mask[16];      /* 4662 "0x10" */
    char properties[DET_TEXT]; /* 4662 Properties, 5136 attribute=value */
    char operation[DET_SHORT]; /* 5136 OperationType meaning, 4662 OperationType */

    /* the event */
    unsigned event_code;
    uint64_t record_id;
    int64_t time_ms; /* event time, -1 unknown */
    char time[32];   /* ISO 8601 UTC with ms, "" unknown */
    char channel[64];
    char host[DET_NAME]; /* ev->computer: the DC or host that logged it */

    /* tampering (detect_tamper.c, audit_watch.c); "" when not applicable */
    char user_sid[200];    /* the actor's SID (SubjectUserSid; Samba: the session's SID) */
    char object[DET_NAME]; /* the group, the cleared log, the audit subcategory, the new name */
    char object_id[200];   /* the group's SID, the subcategory's GUID */
    char remedy[DET_TEXT]; /* what to do: e.g. the auditpol line that restores auditing */
} detection;

typedef struct detector detector;

/* The index must outlive the detector (replace both on an inventory reload). */
detector *detector_new(const decoy_index *ix);
void detector_free(detector *d);
/* Returns 1 and fills *out when ev touches a decoy, 0 when it does not. Also feeds the per-source
 * spraying tracker with every failed authentication, decoy or not. */
int detector_examine(detector *d, const evtx_event *ev, detection *out);

/* detector_examine in two halves, for callers that match on several threads but must feed the
 * spraying tracker in one order (`hunt -j`): the tracker's input from an event (1 when it is a
 * failed authentication with a time, a source and an account), the tracker itself (returns the
 * distinct accounts that source tried in the last 60 s), the match with that number (read-only:
 * any number of threads may match with one detector), and setting the number afterwards on a
 * detection matched with 0. detector_examine = input, feed, match. */
typedef struct detect_spray {
    uint64_t source, account; /* case-insensitive hashes (the account without DOMAIN\ and @REALM) */
    int64_t time_ms;
} detect_spray;
int detector_spray_input(const evtx_event *ev, detect_spray *out);
unsigned detector_spray_feed(detector *d, const detect_spray *in);
int detector_match(const detector *d, const evtx_event *ev, unsigned tried, detection *out);
void detection_set_spray(detection *o, unsigned tried);

const char *detect_action_name(detect_action a); /* "kerberoast", ... */

/* How an event field names a decoy. */
typedef enum detect_key {
    DETECT_KEY_NAME,    /* an account name (DOMAIN\name, name@REALM, ...) */
    DETECT_KEY_SID,     /* a SID */
    DETECT_KEY_SERVICE, /* 4768/4769 ServiceName: an SPN when it contains '/', else an account
                           name; krbtgt never names a decoy */
} detect_key;
/* The one lookup of a field's value v[0..n) (not NUL-terminated) in the index, shared by the
 * matcher and the prefilter so that they agree by construction: "" and "-" name nothing. *by
 * (optional) receives "name", "sid" or "spn". The decoy's position (decoy_index_decoy), or
 * DECOY_INDEX_NONE. */
size_t detect_lookup(const decoy_index *ix, detect_key kind, const char *v, size_t n, const char **by);
/* Cheap look at a raw rendered record before full parsing (detect_prefilter.c): 0 when it is a
 * 4624 or 4769 in canonical form that surely names no decoy, 1 when it must be parsed. */
int detect_prefilter(const decoy_index *ix, unsigned event_id, const char *rec, size_t len);
/* The same for a binary .evtx record read directly (evtx_values_get), with the same fields. */
int detect_prefilter_values(const decoy_index *ix, unsigned event_id, const evtx_values *v);

/* Decoders, exposed for the alert document and tests. */
int detect_parse_hex(const char *s, uint32_t *out); /* "0x17", "0x00000017", "23" */
const char *detect_ticket_enc_name(uint32_t code);  /* "RC4-HMAC", "unknown" */
const char *detect_kerberos_status_meaning(uint32_t code);
const char *detect_ntstatus_meaning(uint32_t code);
/* 1 when a logon failure NTSTATUS is only reached with the correct password (0xC000006F logon
 * hours, 0xC0000070 workstation, expired/must-change password, logon type not granted). */
int detect_ntstatus_password_correct(uint32_t code);
/* "::ffff:10.0.0.5" -> "10.0.0.5", "-" / "" -> "" ; returns out. */
const char *detect_normalise_ip(const char *in, char *out, size_t outlen);

/* Tampering seen in the log itself (detect_tamper.c): log cleared, audit policy weakened, and
 * changes made to a decoy (disabled, deleted, password reset or changed, renamed, added to a group,
 * SACL changed). Returns 1 and fills *out, or 0. Called by detector_examine for the event IDs of
 * DETECT_FAMILY_TAMPER (event_ids.c). */
int detect_tamper(const decoy_index *ix, const evtx_event *ev, detection *out);
/* Copies s (NULL = "") into dst[cap], truncated on a UTF-8 character boundary. */
void detect_copy(char *dst, size_t cap, const char *s);
/* Fills the event part of a detection (code, record, time, channel, host). */
void detect_set_event(detection *o, const evtx_event *ev);
/* The ATT&CK technique, severity and score of o->action (detect_enrich.c). */
void detect_set_threat(detection *o);

/* Internal (detector.c, detect_tamper.c -> detect_enrich.c): fills *out for an event that matched
 * 'decoy' (NULL for an alert about the DC itself, e.g. its log cleared). */
void detect_enrich(detection *out, const evtx_event *ev, detect_action a, const adseed_decoy *decoy,
                   const char *matched_by, const char *matched_field, unsigned spray_accounts);

#endif
