/*
 * adseed.h - the public interface of the adseed library: the decoy inventory (a JSON file shared
 * by adseed and decoysvc) and the LDAP operations that plant, check and retire decoys.
 *
 * Conventions: 0 on success, -1 on error with a message in err[errlen] that names the file,
 * the entry and the field; no global mutable state.
 */
#ifndef ADDECOY_ADSEED_H
#define ADDECOY_ADSEED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the inventory --------------------------------------------------------------------------- */
/*
 * File shape (only "name" is required per decoy):
 * {"version": 1, "decoys": [{"name": "svc_backup_legacy", "domain": "CORP.EXAMPLE",
 *   "sid": "S-1-5-21-...", "guid": "259162f1-58e4-4ee9-9b9c-2baf2a03d376",
 *   "dn": "CN=...", "spns": ["MSSQLSvc/db01.corp.example:1433"], "kind": "kerberoast",
 *   "memo": "...", "location": "...", "owner": "...", "runbook": "...",
 *   "created": "2026-11-22T10:00:00Z", "created_by": "...", "retired": "2026-...",
 *   "breadcrumbs": [{"id": "bc-3f9a1c2e0b7d", "kind": "gpp", "location": "...",
 *                    "planted": "2026-...", "planted_by": "...", "fingerprint": "sha256:...",
 *                    "removed": "2026-..."}] }]}
 */
typedef enum adseed_kind {
    ADSEED_KIND_PLAIN = 0,
    ADSEED_KIND_KERBEROAST,
    ADSEED_KIND_ASREP,
    ADSEED_KIND_RECON,
} adseed_kind;

#define ADSEED_MAX_SPNS 16
#define ADSEED_MAX_BREADCRUMBS 64

/* A breadcrumb (lure): a place where the decoy's real password was planted for attackers to find
 * (docs/adseed.md). Each lure normally gets its own decoy, so that a use of the password says
 * which lure was found. */
typedef enum adseed_lure {
    ADSEED_LURE_DESCRIPTION = 0, /* the account's LDAP description */
    ADSEED_LURE_GPP,             /* a Group Policy Preferences Groups.xml with a cpassword */
    ADSEED_LURE_SCRIPT,          /* a .ps1 / .bat / .cmd admin script */
    ADSEED_LURE_CMDKEY,          /* a credential stored with cmdkey on a host */
    ADSEED_LURE_UNATTEND,        /* an unattend.xml with an AutoLogon password */
} adseed_lure;

typedef struct adseed_breadcrumb {
    char *id; /* "bc-" + 12 hex digits, unique in the inventory, required */
    adseed_lure kind;
    char *location;             /* where it was planted (free text), required */
    char *planted, *planted_by; /* ISO 8601 UTC; admin who planted it */
    char *fingerprint;          /* description: "sha256:<hex>" of the planted value (verify); else NULL */
    char *removed;              /* ISO 8601 UTC when retired; NULL while active */
} adseed_breadcrumb;

typedef struct adseed_decoy {
    char *name;   /* sAMAccountName, required */
    char *domain; /* NetBIOS or DNS domain / realm, optional */
    char *sid;    /* objectSid as S-1-5-21-..., optional */
    char *guid;   /* objectGUID, lower-case 8-4-4-4-12 without braces, optional */
    char *dn;     /* distinguishedName, optional */
    char *spns[ADSEED_MAX_SPNS];
    size_t nspns;
    adseed_kind kind;
    char *memo, *location, *owner, *runbook;
    char *created, *created_by;     /* ISO 8601 UTC; admin who created it */
    char *retired;                  /* ISO 8601 UTC when removed from the directory; NULL while active */
    adseed_breadcrumb *breadcrumbs; /* lures that lead to this decoy, oldest first */
    size_t nbreadcrumbs;
} adseed_decoy;

typedef struct adseed_inventory {
    int version;
    adseed_decoy *decoys;
    size_t ndecoys, cap;
} adseed_inventory;

const char *adseed_kind_name(adseed_kind k);            /* "kerberoast", ... */
int adseed_kind_parse(const char *s, adseed_kind *out); /* -1 when unknown */
const char *adseed_lure_name(adseed_lure k);            /* "description", "gpp", ... */
int adseed_lure_parse(const char *s, adseed_lure *out); /* -1 when unknown */
/* The decoy's newest breadcrumb that is not removed; NULL when none. */
const adseed_breadcrumb *adseed_decoy_active_breadcrumb(const adseed_decoy *d);
/* Appends a deep copy of b to d's breadcrumbs; -1 when full or out of memory. */
int adseed_decoy_add_breadcrumb(adseed_decoy *d, const adseed_breadcrumb *b, char *err, size_t errlen);
/* Finds a breadcrumb by id in the whole inventory (case-insensitive); *owner receives its decoy. */
adseed_breadcrumb *adseed_inventory_find_breadcrumb(adseed_inventory *inv, const char *id, adseed_decoy **owner);

void adseed_inventory_init(adseed_inventory *inv);
void adseed_inventory_free(adseed_inventory *inv);
/* Strict load: unknown kind, wrong types, duplicate names, malformed SID/GUID are errors that name
 * "file: decoys[3] (svc_x): field 'sid': ...". A missing file is an error (ENOENT in message). */
int adseed_inventory_load(adseed_inventory *inv, const char *path, char *err, size_t errlen);
int adseed_inventory_parse(adseed_inventory *inv, const char *json, size_t len, const char *origin, char *err,
                           size_t errlen);
/* Atomic write: temp file in the same directory, fsync, rename (and fsync of the directory). */
int adseed_inventory_save(const adseed_inventory *inv, const char *path, char *err, size_t errlen);
/* Find by sAMAccountName, case-insensitive; NULL when absent. */
adseed_decoy *adseed_inventory_find(adseed_inventory *inv, const char *name);
/* Adds a copy of d (deep copy); replaces an entry of the same name. */
int adseed_inventory_put(adseed_inventory *inv, const adseed_decoy *d, char *err, size_t errlen);
void adseed_decoy_free(adseed_decoy *d);

/* ---- the inventory packed for reading (decoysvc) ---------------------------------------------- */
/* Read-only: every decoy packed in one arena (about its text plus 10 bytes; strings that repeat
 * across decoys, such as a memo, are stored once). Loading validates exactly as
 * adseed_inventory_load (same errors) and reads the file in blocks, never holding all its text. */
typedef struct adseed_pack adseed_pack;
/* A decoy unpacked for reading: its strings point into the pack (valid while it lives), its GUID
 * and breadcrumbs into the view. */
typedef struct adseed_decoy_view {
    adseed_decoy decoy;
    char guid[37];
    adseed_breadcrumb breadcrumbs[ADSEED_MAX_BREADCRUMBS];
} adseed_decoy_view;

int adseed_pack_load(adseed_pack **out, const char *path, char *err, size_t errlen);
int adseed_pack_parse(adseed_pack **out, const char *json, size_t len, const char *origin, char *err,
                      size_t errlen);
void adseed_pack_free(adseed_pack *p);
size_t adseed_pack_count(const adseed_pack *p);
/* Decoy i (< adseed_pack_count) unpacked into *view; returns &view->decoy. */
const adseed_decoy *adseed_pack_decoy(const adseed_pack *p, size_t i, adseed_decoy_view *view);

/* ---- small portable file helpers (used by adseed and decoysvc) -------------------------------- */
/* Writes data to path atomically (temp + fsync + rename); mode applies on POSIX (e.g. 0600). */
int adseed_write_file_atomic(const char *path, const void *data, size_t len, int mode, char *err, size_t errlen);
/* Reads a whole file into a malloc'd NUL-terminated buffer. */
char *adseed_read_file(const char *path, size_t *len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* ADDECOY_ADSEED_H */
