/* backoff.h - retry timing: capped exponential backoff with full jitter, honouring a server's
 * Retry-After. Pure functions: the caller passes the random value, so tests are deterministic. */
#ifndef ADDECOY_SVC_BACKOFF_H
#define ADDECOY_SVC_BACKOFF_H

#include <stdint.h>

typedef struct backoff_policy {
    int64_t base_ms; /* ceiling of the first retry's delay (e.g. 500) */
    int64_t cap_ms;  /* largest delay (e.g. 60000); also bounds a server's Retry-After */
} backoff_policy;

/* Default policy: base 500 ms, cap 60 s. */
backoff_policy backoff_default(void);

/* Delay before retry number `attempt` (1 = first retry): a uniform value in
 * [0, min(cap, base * 2^(attempt-1))] chosen by rnd (any 32-bit random value); when the server
 * asked for retry_after_ms > 0, the delay is at least that (bounded by the cap, and by 1 hour). */
int64_t backoff_delay_ms(const backoff_policy *p, unsigned attempt, uint32_t rnd, int64_t retry_after_ms);

/* Parses an HTTP Retry-After value given in seconds ("120"); an HTTP-date is converted against
 * now_epoch_s. Returns milliseconds, or -1 when the value is absent or unparseable. */
int64_t backoff_parse_retry_after(const char *value, int64_t now_epoch_s);

#endif
