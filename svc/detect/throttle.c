/*
 * throttle.c - folds repeated detections per (decoy, action, source): the first alerts at once,
 * later ones within the window become one follow-up per window that carries their count, so
 * counts always add up. Allowlisted sources (IPv4/IPv6 CIDRs) give suppressed alerts. The key
 * table is bounded; a full table degrades to unfolded alerts, never to lost counts.
 */
#include "svc/detect/throttle_internal.h"
#include "svc/base/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

throttle *throttle_new(int64_t window_ms)
{
    throttle *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->window_ms = window_ms;
    t->max_keys = THROTTLE_DEFAULT_MAX_KEYS;
    t->next_deadline = INT64_MAX;
    t->back_deadline = INT64_MIN;
    return t;
}

void throttle_key_clear(throttle_key *k)
{
    free(k->latest);
    memset(k, 0, sizeof *k);
}

void throttle_free(throttle *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nkeys; i++)
        throttle_key_clear(&t->keys[i]);
    free(t->keys);
    free(t->allow);
    free(t);
}

void throttle_set_max_keys(throttle *t, size_t max_keys) { t->max_keys = max_keys ? max_keys : 1; }

size_t throttle_keys(const throttle *t) { return t->nkeys; }

/* ---- allowlist ------------------------------------------------------------------------------ */
int throttle_allow(throttle *t, const char *cidr, char *err, size_t errlen)
{
    char buf[64];
    const char *slash = strchr(cidr, '/');
    size_t alen = slash ? (size_t)(slash - cidr) : strlen(cidr);
    throttle_net net;
    throttle_net *grown;
    unsigned long prefix;
    char *end;
    int fam;

    if (alen == 0 || alen >= sizeof buf)
        goto bad;
    memcpy(buf, cidr, alen);
    buf[alen] = '\0';
    fam = net_parse_ip(buf, net.addr);
    if (!fam)
        goto bad;
    prefix = fam == 4 ? 32 : 128;
    if (slash) {
        if (slash[1] < '0' || slash[1] > '9')
            goto bad;
        prefix = strtoul(slash + 1, &end, 10);
        if (*end || prefix > (fam == 4 ? 32u : 128u))
            goto bad;
    }
    net.prefix = (unsigned)prefix + (fam == 4 ? 96 : 0);
    grown = realloc(t->allow, (t->nallow + 1) * sizeof *grown);
    if (!grown) {
        snprintf(err, errlen, "allowlist: out of memory");
        return -1;
    }
    t->allow = grown;
    t->allow[t->nallow++] = net;
    return 0;
bad:
    snprintf(err, errlen, "allowlist: '%.64s' is not an IPv4/IPv6 address or CIDR (10.0.0.0/8, fd00::/8)", cidr);
    return -1;
}

int throttle_is_allowed(const throttle *t, const char *ip)
{
    uint8_t a[16];
    char norm[48];
    if (!t->nallow || !ip || !*ip)
        return 0;
    detect_normalise_ip(ip, norm, sizeof norm);
    {
        char *pct = strchr(norm, '%'); /* zone ids do not take part in matching */
        if (pct)
            *pct = '\0';
    }
    if (!net_parse_ip(norm, a))
        return 0;
    for (size_t i = 0; i < t->nallow; i++) {
        const throttle_net *n = &t->allow[i];
        unsigned full = n->prefix / 8, rest = n->prefix % 8;
        if (memcmp(a, n->addr, full) != 0)
            continue;
        if (rest && ((a[full] ^ n->addr[full]) & (uint8_t)(0xff << (8 - rest))))
            continue;
        return 1;
    }
    return 0;
}

/* ---- folding -------------------------------------------------------------------------------- */
void throttle_recompute_deadline(throttle *t)
{
    t->next_deadline = INT64_MAX;
    t->back_deadline = INT64_MIN;
    for (size_t i = 0; i < t->nkeys; i++) {
        int64_t end = t->keys[i].window_start + t->window_ms, back = t->keys[i].window_last - t->window_ms;
        if (end < t->next_deadline)
            t->next_deadline = end;
        if (back > t->back_deadline)
            t->back_deadline = back;
    }
}

/* A window is the clock times of its detections: it takes now_ms when it would still span less
 * than window_ms. The clock may go back (event time in `hunt` over files out of time order or
 * exported newest first, a wall clock stepped back), so a window can grow either way. */
static int in_window(const throttle *t, const throttle_key *k, int64_t now_ms)
{
    int64_t lo = now_ms < k->window_start ? now_ms : k->window_start;
    int64_t hi = now_ms > k->window_last ? now_ms : k->window_last;
    return hi - lo < t->window_ms;
}

static void open_window(throttle *t, throttle_key *k, int64_t now_ms)
{
    k->window_start = k->window_last = now_ms;
    if (now_ms + t->window_ms < t->next_deadline)
        t->next_deadline = now_ms + t->window_ms;
    if (now_ms - t->window_ms > t->back_deadline)
        t->back_deadline = now_ms - t->window_ms;
}

static throttle_key *find_key(throttle *t, const detection *d)
{
    for (size_t i = 0; i < t->nkeys; i++) {
        throttle_key *k = &t->keys[i];
        if (k->action == d->action && strcmp(k->source, d->source_ip) == 0 && strcmp(k->decoy, d->decoy_name) == 0)
            return k;
    }
    return NULL;
}

static void remove_key(throttle *t, throttle_key *k)
{
    throttle_key_clear(k);
    *k = t->keys[--t->nkeys];
    memset(&t->keys[t->nkeys], 0, sizeof t->keys[t->nkeys]);
}

/* A slot for a new key: a free one, else the idle key (nothing pending) whose window opened
 * longest ago; NULL when every key has something pending. */
throttle_key *throttle_new_key(throttle *t)
{
    throttle_key *victim = NULL;
    if (t->nkeys < t->max_keys && t->nkeys == t->keys_cap) {
        size_t ncap = t->keys_cap ? t->keys_cap * 2 : 16;
        throttle_key *nk;
        if (ncap > t->max_keys)
            ncap = t->max_keys;
        nk = realloc(t->keys, ncap * sizeof *nk);
        if (nk) {
            memset(nk + t->keys_cap, 0, (ncap - t->keys_cap) * sizeof *nk);
            t->keys = nk;
            t->keys_cap = ncap;
        }
    }
    if (t->nkeys < t->max_keys && t->nkeys < t->keys_cap)
        return &t->keys[t->nkeys++];
    for (size_t i = 0; i < t->nkeys; i++) {
        throttle_key *k = &t->keys[i];
        if (!k->pending && (!victim || k->window_start < victim->window_start))
            victim = k;
    }
    if (victim)
        throttle_key_clear(victim);
    return victim;
}

int throttle_observe(throttle *t, const detection *d, int64_t now_ms, alert *out)
{
    int64_t when = d->time_ms >= 0 ? d->time_ms : now_ms;
    throttle_key *k;

    alert_from_detection(out, d);
    out->first_seen_ms = out->last_seen_ms = when;
    out->suppressed = throttle_is_allowed(t, d->source_ip);
    if (t->window_ms <= 0)
        return 1;
    k = find_key(t, d);
    if (k && in_window(t, k, now_ms)) { /* only detections inside one window fold together */
        if (now_ms < k->window_start) { /* grows back: closes earlier */
            k->window_start = now_ms;
            if (now_ms + t->window_ms < t->next_deadline)
                t->next_deadline = now_ms + t->window_ms;
        }
        if (now_ms > k->window_last) {
            k->window_last = now_ms;
            if (now_ms - t->window_ms > t->back_deadline)
                t->back_deadline = now_ms - t->window_ms;
        }
        if (!k->pending) {
            detection *latest = malloc(sizeof *latest);
            if (!latest) /* cannot fold without memory: alert on its own */
                return 1;
            k->latest = latest;
            k->pending_first = k->pending_last = when;
        }
        *k->latest = *d;
        k->pending++;
        if (when < k->pending_first) /* detections may come out of time order */
            k->pending_first = when;
        if (when > k->pending_last)
            k->pending_last = when;
        return 0;
    }
    if (k && k->pending) { /* outside a window that was not flushed (emit refused): on its own */
        out->seq = k->seq++;
        return 1;
    }
    if (!k) {
        k = throttle_new_key(t);
        if (!k) /* table full of pending keys: do not fold this one */
            return 1;
        k->action = d->action;
        snprintf(k->decoy, sizeof k->decoy, "%s", d->decoy_name);
        snprintf(k->source, sizeof k->source, "%s", d->source_ip);
        k->suppressed = out->suppressed;
    }
    /* a new key, or an idle key whose window has passed: alert now and open a window */
    out->seq = k->seq++;
    open_window(t, k, now_ms);
    return 1;
}

int throttle_flush(throttle *t, int64_t now_ms, int force, throttle_emit_fn emit, void *ctx)
{
    int rc = 0;
    if (!force && now_ms < t->next_deadline && now_ms > t->back_deadline)
        return 0; /* every window can still take the clock */
    for (size_t i = 0; i < t->nkeys;) {
        throttle_key *k = &t->keys[i];
        int back = now_ms < k->window_start; /* the clock went back before the window */
        if (!force && in_window(t, k, now_ms)) {
            i++;
            continue;
        }
        if (k->pending) {
            alert a;
            alert_from_detection(&a, k->latest);
            a.count = k->pending;
            a.first_seen_ms = k->pending_first;
            a.last_seen_ms = k->pending_last;
            a.followup = 1;
            a.seq = k->seq;
            a.suppressed = k->suppressed;
            rc = emit ? emit(ctx, &a) : 0;
            if (rc != 0)
                break;
            k->seq++;
            k->pending = 0;
            free(k->latest);
            k->latest = NULL;
            if (!force && !back) { /* the attack goes on: a new window for its next events */
                k->window_start = k->window_last = now_ms;
                i++;
                continue;
            }
        }
        remove_key(t, k); /* idle for a whole window, clock gone back, or forced: forget it (keep i) */
    }
    throttle_recompute_deadline(t);
    return rc;
}
