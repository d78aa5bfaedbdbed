/* fault.c - a failing condition logged when it starts and when it clears, retried with backoff
 * (see fault.h). */
#include "svc/base/fault.h"

#include "svc/base/backoff.h"
#include "svc/base/crypto.h"

#define FAULT_BASE_MS 200
#define FAULT_CAP_MS 5000

void fault_fail(fault_state *f, const svc_logger *lg, int64_t now_ms, const char *subject, const char *what,
                const char *consequence)
{
    backoff_policy p = {FAULT_BASE_MS, FAULT_CAP_MS};
    uint32_t rnd = 0;
    int64_t delay;

    if (!f->active) {
        svc_log(lg, SVC_LOG_ERR, "%s: %s; %s", subject, what, consequence);
        f->active = 1;
        f->attempts = 0;
        f->since_ms = now_ms;
    }
    f->attempts++;
    if (crypto_random(&rnd, sizeof rnd) < 0)
        rnd = (uint32_t)now_ms * 2654435761u;
    delay = backoff_delay_ms(&p, f->attempts, rnd, 0);
    if (delay < FAULT_BASE_MS / 2) /* full jitter may give 0: never spin */
        delay = FAULT_BASE_MS / 2;
    f->retry_at_ms = now_ms + delay;
}

void fault_clear(fault_state *f, const svc_logger *lg, int64_t now_ms, const char *subject)
{
    if (!f->active)
        return;
    svc_log(lg, SVC_LOG_INFO, "%s: recovered after %u failed attempts in %.1f s", subject, f->attempts,
            (double)(now_ms - f->since_ms) / 1000.0);
    f->active = 0;
    f->attempts = 0;
    f->retry_at_ms = 0;
}

int fault_due(const fault_state *f, int64_t now_ms) { return now_ms >= f->retry_at_ms; }
