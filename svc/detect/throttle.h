/* throttle.h - folds repeated detections so the SOC gets one page, not fifty. Key: (decoy,
 * action, source ip). The first detection of a key alerts at once (count 1); later ones within
 * the window are folded into one follow-up per window carrying their number, first_seen and
 * last_seen, so the sum of count over all alerts equals the number of detections. Sources on the
 * allowlist (IPs and CIDRs, v4 and v6) give alerts marked suppressed: the caller logs and counts
 * them but does not page. Memory is bounded (max keys); the pending state can be saved and loaded
 * as JSON so the daemon persists it with its input checkpoint. 'now_ms' is wall-clock time for the
 * daemon and event time for `hunt`; it may go back (files out of time order, a clock stepped back):
 * a window is [start, start + window_ms) on that clock and only detections inside one window fold
 * together; a clock that leaves the window either way closes it. A follow-up's first_seen and
 * last_seen are the earliest and latest of its detections' times, so first_seen <= last_seen. */
#ifndef ADDECOY_SVC_THROTTLE_H
#define ADDECOY_SVC_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "svc/detect/alert.h"

#define THROTTLE_DEFAULT_MAX_KEYS 1024

typedef struct throttle throttle;
typedef int (*throttle_emit_fn)(void *ctx, const alert *a);

/* window_ms <= 0 disables folding (every detection is its own alert). NULL on allocation failure. */
throttle *throttle_new(int64_t window_ms);
void throttle_free(throttle *t);
/* Adds "10.0.0.5", "10.0.0.0/8", "fe80::/10" or "::1" to the allowlist. */
int throttle_allow(throttle *t, const char *cidr, char *err, size_t errlen);
/* 1 when the (normalised) address is on the allowlist. */
int throttle_is_allowed(const throttle *t, const char *ip);
/* Keys kept at most (default THROTTLE_DEFAULT_MAX_KEYS). When full, the key idle longest with
 * nothing pending is forgotten; if every key has something pending, the new detection is not
 * folded (it alerts on its own): more alerts, never a lost count. */
void throttle_set_max_keys(throttle *t, size_t max_keys);
size_t throttle_keys(const throttle *t);

/* Returns 1 when *out must be emitted now, 0 when the detection was folded. Call throttle_flush
 * first with the same now_ms so that elapsed windows are closed in order. */
int throttle_observe(throttle *t, const detection *d, int64_t now_ms, alert *out);
/* Emits a follow-up for each key whose window has elapsed (every key with something pending when
 * force) and forgets idle keys. Stops at the first non-zero return of emit (that follow-up stays
 * pending) and returns it; 0 when all went out. */
int throttle_flush(throttle *t, int64_t now_ms, int force, throttle_emit_fn emit, void *ctx);

/* The key state as JSON text (malloc'd), and back. Load replaces the current keys (the allowlist,
 * window and limits are configuration and are not saved). */
char *throttle_save(const throttle *t);
int throttle_load(throttle *t, const char *json, char *err, size_t errlen);

#endif
