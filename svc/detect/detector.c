/*
 * detector.c - matches security events against the decoy index, classifies the action and
 * enriches it into a detection. Which field names the decoy depends on the event (see
 * docs/detection.md): 4769 ServiceName/ServiceSid, 4768/4771/4776/4625/4624/4738 TargetUserName/
 * TargetSid, 4662 ObjectName (%{guid} or DN), 5136 ObjectGUID/ObjectDN. It also keeps a small,
 * bounded per-source record of the accounts that failed to authenticate in the last 60 s of event
 * time, to tell password spraying (T1110.003) from plain guessing (T1110). A failure reached only
 * with the correct password of a decoy that carries a breadcrumb is breadcrumb_used.
 */
#include "svc/detect/detector.h"
#include "svc/detect/event_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/hash.h"

#define SPRAY_SOURCES 256
#define SPRAY_ACCOUNTS 32
#define SPRAY_WINDOW_MS 60000

typedef struct spray_source {
    uint64_t key; /* hash of the source (IP, or workstation name); 0 = free */
    int64_t last_ms;
    size_t n;
    uint64_t acct[SPRAY_ACCOUNTS];
    int64_t acct_ms[SPRAY_ACCOUNTS];
} spray_source;

struct detector {
    const decoy_index *ix;
    spray_source spray[SPRAY_SOURCES];
};

detector *detector_new(const decoy_index *ix)
{
    detector *d = calloc(1, sizeof *d);
    if (d)
        d->ix = ix;
    return d;
}

void detector_free(detector *d) { free(d); }

/* ---- small helpers -------------------------------------------------------------------------- */
static uint64_t hash_lower(const char *s, size_t len)
{
    uint64_t h = hash_fnv1a_lower(s, len);
    return h ? h : 1;
}

static const char *get(const evtx_event *ev, const char *name)
{
    const char *v = evtx_event_get(ev, name);
    return (v && *v && strcmp(v, "-") != 0) ? v : NULL;
}

static int get_hex(const evtx_event *ev, const char *name, uint32_t *out)
{
    const char *v = get(ev, name);
    return v ? detect_parse_hex(v, out) : -1;
}

static int get_int(const evtx_event *ev, const char *name)
{
    uint32_t v;
    if (get_hex(ev, name, &v) != 0 || v > 0xffff)
        return -1;
    return (int)v;
}

/* ---- spraying tracker ------------------------------------------------------------------------ */
/* Records that a source failed to authenticate as an account at a time; returns how many distinct
 * accounts that source tried within the last SPRAY_WINDOW_MS (at most SPRAY_ACCOUNTS). */
unsigned detector_spray_feed(detector *d, const detect_spray *in)
{
    uint64_t sk = in->source, ak = in->account;
    int64_t t = in->time_ms;
    spray_source *s = NULL, *victim = NULL;
    size_t i, oldest = 0;

    for (i = 0; i < SPRAY_SOURCES && !s; i++) {
        spray_source *c = &d->spray[i];
        if (c->key == sk)
            s = c;
        else if (!victim || (victim->key && (!c->key || c->last_ms < victim->last_ms)))
            victim = c; /* a free slot, else the least recently seen source */
    }
    if (!s) {
        s = victim;
        memset(s, 0, sizeof *s);
        s->key = sk;
    }
    s->last_ms = t;
    for (i = 0; i < s->n;) { /* forget accounts tried before the window */
        if (t - s->acct_ms[i] > SPRAY_WINDOW_MS) {
            s->n--;
            s->acct[i] = s->acct[s->n];
            s->acct_ms[i] = s->acct_ms[s->n];
        } else {
            i++;
        }
    }
    for (i = 0; i < s->n; i++) {
        if (s->acct[i] == ak) {
            s->acct_ms[i] = t;
            return (unsigned)s->n;
        }
        if (s->acct_ms[i] < s->acct_ms[oldest])
            oldest = i;
    }
    i = s->n < SPRAY_ACCOUNTS ? s->n++ : oldest;
    s->acct[i] = ak;
    s->acct_ms[i] = t;
    return (unsigned)s->n;
}

/* ---- matching ------------------------------------------------------------------------------- */
typedef struct match {
    size_t decoy; /* position in the index, DECOY_INDEX_NONE when none */
    const char *by, *field;
} match;

size_t detect_lookup(const decoy_index *ix, detect_key kind, const char *v, size_t n, const char **by)
{
    size_t d;
    const char *how = "name";

    if (!v || n == 0 || (n == 1 && v[0] == '-'))
        return DECOY_INDEX_NONE;
    switch (kind) {
    case DETECT_KEY_SID:
        d = decoy_index_find(ix, DECOY_KEY_SID, v, n);
        how = "sid";
        break;
    case DETECT_KEY_SERVICE:
        if (n >= 6 && (strncmp(v, "krbtgt", 6) == 0 || strncmp(v, "KRBTGT", 6) == 0))
            return DECOY_INDEX_NONE;
        if (memchr(v, '/', n)) {
            d = decoy_index_find(ix, DECOY_KEY_SPN, v, n);
            how = "spn";
            break;
        }
        d = decoy_index_find(ix, DECOY_KEY_NAME, v, n);
        break;
    case DETECT_KEY_NAME:
    default: d = decoy_index_find(ix, DECOY_KEY_NAME, v, n); break;
    }
    if (d != DECOY_INDEX_NONE && by)
        *by = how;
    return d;
}

static int found(const decoy_index *ix, decoy_key_kind kind, const char *v, size_t *pos)
{
    return (*pos = decoy_index_find(ix, kind, v, strlen(v))) != DECOY_INDEX_NONE;
}

static int match_field(const detector *d, const evtx_event *ev, const char *field, detect_key kind, match *m)
{
    const char *v = evtx_event_get(ev, field);
    if (v && (m->decoy = detect_lookup(d->ix, kind, v, strlen(v), &m->by)) != DECOY_INDEX_NONE) {
        m->field = field;
        return 1;
    }
    return 0;
}

static int match_name(const detector *d, const evtx_event *ev, const char *field, match *m)
{
    return match_field(d, ev, field, DETECT_KEY_NAME, m);
}

static int match_sid(const detector *d, const evtx_event *ev, const char *field, match *m)
{
    return match_field(d, ev, field, DETECT_KEY_SID, m);
}

/* 4769/4768 ServiceName: an account name, or an SPN when it contains '/' (krbtgt/REALM never). */
static int match_service(const detector *d, const evtx_event *ev, match *m)
{
    return match_field(d, ev, "ServiceName", DETECT_KEY_SERVICE, m);
}

static int match_object(const detector *d, const evtx_event *ev, const char *gfield, const char *dnfield,
                        match *m)
{
    const char *g = get(ev, gfield), *dn = dnfield ? get(ev, dnfield) : NULL;
    if (g && found(d->ix, DECOY_KEY_GUID, g, &m->decoy)) {
        m->by = "guid";
        m->field = gfield;
        return 1;
    }
    if (g && !dnfield && found(d->ix, DECOY_KEY_DN, g, &m->decoy)) {
        m->by = "dn";
        m->field = gfield;
        return 1;
    }
    if (dn && found(d->ix, DECOY_KEY_DN, dn, &m->decoy)) {
        m->by = "dn";
        m->field = dnfield;
        return 1;
    }
    return 0;
}

static int is_failure_event(const evtx_event *ev)
{
    uint32_t st = 0;
    switch (ev->event_id) {
    case 4771:
    case 4625: return 1;
    case 4768:
    case 4776: return get_hex(ev, "Status", &st) == 0 && st != 0;
    default: return 0;
    }
}

/* Classifies a matched event; DETECT_NONE when the event is noise (e.g. a failed 4769). */
static detect_action classify(const detector *d, const evtx_event *ev, match *m)
{
    uint32_t st = 0;
    int has_st = get_hex(ev, "Status", &st) == 0;
    switch (ev->event_id) {
    case 4769:
        if (match_service(d, ev, m) || match_sid(d, ev, "ServiceSid", m))
            /* a ticket was issued (0x0), or refused because the decoy lacks the RC4 the tool
             * asked for (0xE); other failures (0x20 expired TGT, 0x25 skew...) carry no ticket */
            return (!has_st || st == 0 || st == 0xe) ? DETECT_KERBEROAST : DETECT_NONE;
        if (match_name(d, ev, "TargetUserName", m)) /* the decoy itself asked: it has a TGT */
            return (!has_st || st == 0) ? DETECT_DECOY_LOGON : DETECT_NONE;
        return DETECT_NONE;
    case 4768:
        if (match_name(d, ev, "TargetUserName", m) || match_sid(d, ev, "TargetSid", m)) {
            if (has_st && st != 0)
                return DETECT_PASSWORD_GUESS;
            return get_int(ev, "PreAuthType") == 0 ? DETECT_ASREP_ROAST : DETECT_DECOY_LOGON;
        }
        if (match_service(d, ev, m)) /* AS-REQ roasting of an SPN (Rubeus /nopreauth) */
            return (!has_st || st == 0) ? DETECT_KERBEROAST : DETECT_NONE;
        return DETECT_NONE;
    case 4771:
    case 4625:
        if (match_name(d, ev, "TargetUserName", m) || match_sid(d, ev, "TargetSid", m) ||
            match_sid(d, ev, "TargetUserSid", m))
            return DETECT_PASSWORD_GUESS;
        return DETECT_NONE;
    case 4776:
        if (match_name(d, ev, "TargetUserName", m))
            return (has_st && st == 0) ? DETECT_DECOY_LOGON : DETECT_PASSWORD_GUESS;
        return DETECT_NONE;
    case 4624:
        if (match_name(d, ev, "TargetUserName", m) || match_sid(d, ev, "TargetSid", m) ||
            match_sid(d, ev, "TargetUserSid", m))
            return DETECT_DECOY_LOGON;
        return DETECT_NONE;
    case 4662: return match_object(d, ev, "ObjectName", NULL, m) ? DETECT_RECON : DETECT_NONE;
    case 4738:
        if (match_name(d, ev, "TargetUserName", m) || match_sid(d, ev, "TargetSid", m))
            return DETECT_TAMPERING;
        return DETECT_NONE;
    case 5136: return match_object(d, ev, "ObjectGUID", "ObjectDN", m) ? DETECT_TAMPERING : DETECT_NONE;
    default: return DETECT_NONE;
    }
}

/* A failure the DC reports only after it verified the password, on a decoy that carries a
 * breadcrumb: the lure's password was used (docs/detection.md). Kerberos says "client revoked"
 * (0x12) or "policy" (0xC) for a restricted account; Samba's own status, when the event came from
 * its audit log, must then be the logon-hours or workstation restriction (not a lockout). */
static int lure_password_used(const evtx_event *ev, const adseed_decoy *decoy)
{
    uint32_t st = 0;
    const char *samba;
    if (!decoy || !adseed_decoy_active_breadcrumb(decoy))
        return 0;
    switch (ev->event_id) {
    case 4625:
    case 4776:
        return (get_hex(ev, "SubStatus", &st) == 0 && detect_ntstatus_password_correct(st)) ||
               (get_hex(ev, "Status", &st) == 0 && detect_ntstatus_password_correct(st));
    case 4768:
    case 4771:
        if (get_hex(ev, "Status", &st) != 0 || (st != 0x12 && st != 0xc))
            return 0;
        samba = get(ev, "SambaStatus");
        return !samba || strcmp(samba, "NT_STATUS_INVALID_LOGON_HOURS") == 0 ||
               strcmp(samba, "NT_STATUS_INVALID_WORKSTATION") == 0;
    default: return 0;
    }
}

int detector_spray_input(const evtx_event *ev, detect_spray *out)
{
    const char *acct, *src, *bs, *at;
    char ip[48];

    if (!is_failure_event(ev) || ev->time_ms < 0)
        return 0;
    acct = get(ev, "TargetUserName");
    src = detect_normalise_ip(get(ev, "IpAddress"), ip, sizeof ip);
    if (!*src)
        src = get(ev, ev->event_id == 4776 ? "Workstation" : "WorkstationName");
    if (!acct || !src)
        return 0;
    if ((bs = strrchr(acct, '\\')) != NULL)
        acct = bs + 1;
    at = strchr(acct, '@');
    out->source = hash_lower(src, strlen(src));
    out->account = hash_lower(acct, at ? (size_t)(at - acct) : strlen(acct));
    out->time_ms = ev->time_ms;
    return 1;
}

int detector_match(const detector *d, const evtx_event *ev, unsigned tried, detection *out)
{
    match m = {DECOY_INDEX_NONE, NULL, NULL};
    adseed_decoy_view view;
    const adseed_decoy *decoy;
    const detect_event_id *e;
    detect_action a;

    if (!d || !ev || !(e = detect_event_id_find(ev->event_id)))
        return 0;
    if (e->family == DETECT_FAMILY_TAMPER)
        return detect_tamper(d->ix, ev, out);
    a = classify(d, ev, &m);
    if (a == DETECT_NONE)
        return 0;
    decoy = decoy_index_decoy(d->ix, m.decoy, &view);
    if (a == DETECT_PASSWORD_GUESS && lure_password_used(ev, decoy))
        a = DETECT_BREADCRUMB_USED;
    detect_enrich(out, ev, a, decoy, m.by, m.field, tried);
    return 1;
}

int detector_examine(detector *d, const evtx_event *ev, detection *out)
{
    detect_spray in;
    unsigned tried = 0;

    if (!d || !ev || !detect_event_id_find(ev->event_id))
        return 0;
    if (detector_spray_input(ev, &in))
        tried = detector_spray_feed(d, &in);
    return detector_match(d, ev, tried, out);
}
