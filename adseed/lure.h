/*
 * lure.h - private to adseed: the artefacts of the breadcrumbs (docs/adseed.md): the text of each
 * lure kind with the decoy's password in it (pure, lure_render.c), the GPP cpassword
 * (lure_gpp.c, OpenSSL libcrypto) and the directory side of planting one (lure_plant.c).
 */
#ifndef ADDECOY_ADSEED_LURE_H
#define ADDECOY_ADSEED_LURE_H

#include <stddef.h>
#include <stdint.h>

#include "adseed/adseed.h"
#include "adseed/decoy.h"

#define LURE_PASSWORD_LEN 20

typedef struct lure_params {
    adseed_lure kind;
    const char *name;       /* the decoy's sAMAccountName */
    const char *netbios;    /* NetBIOS domain name ("CORP") */
    const char *dns_domain; /* "corp.example" */
    const char *password;   /* the decoy's real password (LURE_PASSWORD_LEN, lure-safe symbols) */
    const char *target;     /* script: UNC share; cmdkey: host; NULL: a default from the name */
    int powershell;         /* script: 1 .ps1, 0 .bat/.cmd */
    const char *when;       /* "2019-03-14 09:12:44": GPP 'changed', dates in comments */
    uint8_t uid[16];        /* GPP uid (random) */
} lure_params;

/* The artefact (the description value for ADSEED_LURE_DESCRIPTION) appended to out; -1 with a
 * message when a parameter cannot be rendered safely. */
int lure_render(const lure_params *p, strbuf *out, char *err, size_t errlen);

/* MS-GPPREF 2.2.1.1.4: AES-256-CBC with Microsoft's published key, a zero IV, PKCS#7 padding, of
 * the UTF-16LE password; base64 without '=' padding. out receives a NUL-terminated string. */
int lure_gpp_cpassword(const char *password, char *out, size_t outlen, char *err, size_t errlen);
/* The reverse (for tests and `adseed breadcrumb` self-checks); UTF-16LE ASCII only. */
int lure_gpp_decrypt(const char *cpassword, char *out, size_t outlen, char *err, size_t errlen);
/* "sha256:<hex>" of s (the fingerprint of a planted description). */
int lure_fingerprint(const char *s, char out[72]);

/* Directory side: sets the decoy's password (unicodePwd, over an encrypted connection only) and,
 * when description is not NULL, its description. */
int lure_set_password(adseed_conn *c, const char *dn, const char *password, const char *description,
                      char *err, size_t errlen);
/* Reads the decoy's description (malloc'd, NULL when absent); -1 on error. */
int lure_read_description(adseed_conn *c, const char *name, char **out, char *err, size_t errlen);

#endif
