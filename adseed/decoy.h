/*
 * decoy.h - private: the decoy operations of adseed (create, verify, list, remove, trip, suggest,
 * export) and the pure helpers they are built from (SID/GUID text, security descriptors, CSV,
 * passwords, names).
 */
#ifndef ADDECOY_ADSEED_DECOY_H
#define ADDECOY_ADSEED_DECOY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "adseed/adseed.h"
#include "adseed/ldap_conn.h"
#include "svc/base/strbuf.h"

/* ---- SID / GUID / security descriptor (pure) ------------------------------------------------- */
/* Binary SID -> "S-1-5-21-..."; -1 when malformed. */
int decoy_sid_to_text(const uint8_t *b, size_t len, char *out, size_t outlen);
/* "S-1-..." -> binary; returns byte length or -1. */
int decoy_sid_from_text(const char *s, uint8_t *out, size_t outlen);
/* 16-byte objectGUID -> "259162f1-58e4-4ee9-9b9c-2baf2a03d376" (first three fields little-endian). */
int decoy_guid_to_text(const uint8_t *b, size_t len, char *out, size_t outlen);
int decoy_guid_from_text(const char *s, uint8_t out[16]);
/* Self-relative SECURITY_DESCRIPTOR holding only a SACL with one audit ACE for Everyone
 * (S-1-1-0), success+failure, ReadProperty (0x10); scoped to the attribute object_type (16 bytes,
 * an object ACE) or to the whole object when NULL. Returns its length, or -1 if out is too small. */
int decoy_sd_build_read_audit(const uint8_t *object_type, uint8_t *out, size_t outlen);
/* 1 when the self-relative SD has a SACL audit ACE for Everyone covering ReadProperty. */
int decoy_sd_has_read_audit(const uint8_t *sd, size_t len);
/* schemaIDGUID of x500uniqueIdentifier: normal tools never read it, enumeration tools do. */
extern const uint8_t decoy_x500uid_guid[16];

/* ---- passwords (pure except the random source) ------------------------------------------------ */
/* Random password of len (>= 32) characters with upper, lower, digit and symbol. */
int decoy_password_generate(char *out, size_t len);
/* Random password of len (>= 16) characters for a breadcrumb: symbols limited to "#+-.:=?@_~" so
 * that it needs no escaping in scripts, command lines and XML. */
int decoy_password_generate_lure(char *out, size_t len);
/* unicodePwd value: UTF-16LE of "\"password\"" (ASCII input). Returns malloc'd bytes. */
uint8_t *decoy_unicodepwd(const char *password, size_t *outlen);

/* ---- names -------------------------------------------------------------------------------- */
/* sAMAccountName rules: 1..20 chars, none of "/\[]:;|=,+*?<>@ and not ending in '.'. */
int decoy_name_valid(const char *name, char *err, size_t errlen);
/* "svc_backup_legacy" -> "backup-legacy" (common prefixes dropped, '_' -> '-', lower case). */
void decoy_host_from_name(const char *name, char *out, size_t outlen);
/* Default SPN: MSSQLSvc/<host>.<dns_domain>:1433 */
void decoy_default_spn(const char *name, const char *dns_domain, char *out, size_t outlen);
/* Proposes up to max names following the prefixes of existing (case-insensitive never equal to one
 * of them). Returns the count; out[i] are malloc'd. */
size_t decoy_suggest_names(const char *const *existing, size_t nexisting, char **out, size_t max);

/* ---- CSV (RFC 4180) ----------------------------------------------------------------------- */
typedef struct decoy_csv_row {
    char **fields;
    size_t nfields;
    size_t line; /* 1-based line where the record starts */
} decoy_csv_row;
/* Parses all records; -1 with "origin:line: ..." on unbalanced quotes. */
int decoy_csv_parse(const char *text, size_t len, const char *origin, decoy_csv_row **rows, size_t *nrows,
                    char *err, size_t errlen);
void decoy_csv_free(decoy_csv_row *rows, size_t nrows);

/* ---- export (pure) ------------------------------------------------------------------------ */
const char *decoy_attack_technique(adseed_kind k); /* e.g. "T1558.003" */
int decoy_export(const adseed_inventory *inv, const char *format, strbuf *out, char *err, size_t errlen);

/* ---- directory operations ------------------------------------------------------------------ */
typedef struct decoy_spec {
    const char *name;
    adseed_kind kind;
    const char *ou;          /* DN of the container; NULL: CN=Users,<base> */
    const char *description; /* NULL: "Legacy backup service (do not use)" */
    const char *display_name;
    const char *spns[ADSEED_MAX_SPNS];
    size_t nspns; /* 0 and kerberoast: the default SPN */
    const char *memo, *location, *owner, *runbook;
    const char *workstation; /* NULL: a non-existent host */
    int audit_reads;         /* 0 none, 1 x500uniqueIdentifier reads, 2 every property read */
    int allow_logon_hours;   /* risk: the decoy can log on interactively */
    int allow_any_workstation;
    int keep_domain_users; /* risk: the decoy gets Domain Users' rights */
    int show_password;
} decoy_spec;

/* Creates the account and fills *out (caller frees with adseed_decoy_free). password receives the
 * generated password (for --show-password). Idempotence is the caller's business. */
int decoy_create(adseed_conn *c, const decoy_spec *s, adseed_decoy *out, char *password, size_t pwlen,
                 char *err, size_t errlen);

typedef struct decoy_verify_opts {
    int allow_logon_hours, allow_any_workstation, keep_domain_users, audit_reads;
} decoy_verify_opts;
/* Prints one line per finding to out; returns the number of findings, -1 on error. */
int decoy_verify_one(adseed_conn *c, const adseed_decoy *d, const decoy_verify_opts *o, FILE *out, char *err,
                     size_t errlen);

/* The account named name: 1 found (guid: its objectGUID as text, "" when it has none; *dn its DN,
 * malloc'd, when dn is not NULL), 0 not in the directory, -1 on an error (err). */
int decoy_account_guid(adseed_conn *c, const char *name, char *guid, size_t guidlen, char **dn, char *err,
                       size_t errlen);
#define DECOY_NOT_OURS (-2)
/* The DN of decoy d's account (malloc'd): 1 found, 0 not in the directory, -1 on an error,
 * DECOY_NOT_OURS when its objectGUID is not the inventory's (err says so: leave it alone). */
int decoy_account_dn(adseed_conn *c, const adseed_decoy *d, char **dn, char *err, size_t errlen);
/* Deletes decoy d's account after decoy_account_dn: 1 deleted (*dn says which, malloc'd), 0 no
 * longer in the directory, -1 on an error, DECOY_NOT_OURS; *dn is freed by the caller. */
int decoy_remove(adseed_conn *c, const adseed_decoy *d, char **dn, char *err, size_t errlen);

/* Domain SID "S-1-5-21-x-y-z" of the base DN. */
int decoy_domain_sid(adseed_conn *c, char *out, size_t outlen, char *err, size_t errlen);
/* Name (sAMAccountName) of the object with this SID, or the SID text itself. */
void decoy_sid_name(adseed_conn *c, const char *sid, char *out, size_t outlen);

/* trip: service ticket for spn with the caller's credentials; etype_name receives the ticket
 * encryption as printed by klist -e (e.g. "arcfour-hmac"). Platform-specific (_posix.c). */
int decoy_trip_spn(const char *spn, char *etype_name, size_t etlen, char *err, size_t errlen);

/* strftime of t in UTC. */
void decoy_time_format(time_t t, const char *fmt, char *out, size_t outlen);
/* ISO 8601 UTC now, "2026-11-22T10:00:00Z". */
void decoy_now_iso(char *out, size_t outlen);

#endif
