/* samba_int.h - private interface between the Samba log parser's modules: the line dispatcher
 * (samba.c), the KDC text log mapping (samba_kdc.c), the JSON auth audit mapping (samba_json.c) and
 * the directory change audit mapping (samba_dsdb.c). */
#ifndef ADDECOY_EVTX_SAMBA_INT_H
#define ADDECOY_EVTX_SAMBA_INT_H

#include "evtx/evtx.h"

#include <stddef.h>
#include <stdint.h>

#define SAMBA_LINE_MAX (256 * 1024) /* longer lines are rejected (Samba's own are < 8 KiB) */
#define SAMBA_PENDING_MAX 64        /* TGS-REQ request lines awaiting their result line */
#define SAMBA_ADDR_MAX 96           /* "ipv6:[ffff:...]:65535" fits */
#define SAMBA_FLAGS_MAX 256

/* A TGS-REQ request line, remembered until the result line from the same address:port. */
typedef struct samba_pending {
    uint64_t seq; /* 0 = free; else insertion order (the oldest is evicted when full) */
    char addr[SAMBA_ADDR_MAX];
    char flags[SAMBA_FLAGS_MAX]; /* "canonicalize, renewable" */
} samba_pending;

struct evtx_samba {
    char *computer;
    evtx_spn_resolver resolve_spn;
    void *resolve_ctx;
    int64_t header_ms; /* time of the last Samba debug header line, -1 none yet */
    uint64_t seq;
    samba_pending pending[SAMBA_PENDING_MAX];
};

/* A slice of the line being parsed. */
typedef struct samba_str {
    const char *p;
    size_t len;
} samba_str;

/* The KDC text log message after "Kerberos: " (NUL-terminated, no line end). */
int samba_kdc_message(evtx_samba *p, const char *msg, int64_t time_ms, evtx_event *ev, char *err, size_t errlen);
/* One JSON audit line (NUL-terminated, valid UTF-8). */
int samba_json_message(evtx_samba *p, const char *json, size_t len, evtx_event *ev, char *err, size_t errlen);

/* One directory change audit (dsdbChange, passwordChange, groupChange; samba_dsdb.c): 1 and ev
 * filled when it maps to a Windows event, 0 when it does not, -1 on error. */
struct json_t;
int samba_dsdb_message(evtx_samba *p, const struct json_t *root, const char *type, int64_t time_ms,
                       evtx_event *ev, char *err, size_t errlen);

/* Common header of every synthesised event: id, channel, provider, computer, time. */
int samba_event_begin(evtx_samba *p, evtx_event *ev, unsigned event_id, int64_t time_ms);
/* Adds "name" = s[0..len) (len (size_t)-1 = strlen). */
int samba_add(evtx_event *ev, const char *name, const char *s, size_t len);
/* Adds "name" = "0x%x". */
int samba_add_hex(evtx_event *ev, const char *name, uint32_t v);
/* Splits Samba's "ipv4:1.2.3.4:567" / "ipv6:[::1]:567" / "ipv6:::1:567" into IpAddress and
 * IpPort fields; anything else becomes IpAddress as is. */
int samba_add_address(evtx_event *ev, const char *addr, size_t len);
/* "2026-11-23T10:00:00.123456+0000" (or +00:00 or Z) -> ms since the epoch; -1 if malformed. */
int64_t samba_parse_iso_time(const char *s, size_t len);
/* KDCOptions bits (as in 4769 TicketOptions) from Heimdal's flag names, "a, b" or "a,b". */
uint32_t samba_ticket_options(const char *flags, size_t len);

#endif
