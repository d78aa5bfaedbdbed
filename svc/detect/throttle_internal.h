/* throttle_internal.h - the throttle's key table, shared by throttle.c (folding, allowlist) and
 * throttle_state.c (saving and loading the pending state as JSON). Private to svc/. */
#ifndef ADDECOY_SVC_THROTTLE_INTERNAL_H
#define ADDECOY_SVC_THROTTLE_INTERNAL_H

#include "svc/detect/throttle.h"

typedef struct throttle_key {
    detect_action action;
    char decoy[DET_NAME];
    char source[48];
    int64_t window_start; /* the window's earliest clock time (now_ms when it opened, or earlier) */
    int64_t window_last;  /* its latest clock time; a window spans less than window_ms */
    uint32_t seq;         /* sequence number of the next alert of this key */
    int suppressed;
    uint64_t pending; /* detections folded since the last alert */
    int64_t pending_first, pending_last;
    detection *latest; /* the last folded detection; NULL when pending == 0 */
} throttle_key;

typedef struct throttle_net {
    uint8_t addr[16]; /* IPv4 as ::ffff:a.b.c.d */
    unsigned prefix;  /* 0..128 */
} throttle_net;

struct throttle {
    int64_t window_ms;
    size_t max_keys, nkeys, keys_cap;
    throttle_key *keys;    /* nkeys used entries of keys_cap allocated (<= max_keys) */
    int64_t next_deadline; /* earliest window end among keys (INT64_MAX when none) */
    int64_t back_deadline; /* latest window_last - window_ms among keys (INT64_MIN when none):
                             * a clock at or before it no longer fits that key's window */
    throttle_net *allow;
    size_t nallow;
};

void throttle_key_clear(throttle_key *k);
void throttle_recompute_deadline(throttle *t);
/* A slot for a new key (see throttle.c); NULL when none can be had. */
throttle_key *throttle_new_key(throttle *t);

#endif
