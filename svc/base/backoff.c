/* backoff.c - capped exponential backoff with full jitter ("AWS full jitter") and Retry-After. */
#include "svc/base/backoff.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

backoff_policy backoff_default(void)
{
    backoff_policy p = {500, 60000};
    return p;
}

int64_t backoff_delay_ms(const backoff_policy *p, unsigned attempt, uint32_t rnd, int64_t retry_after_ms)
{
    int64_t ceil = p->base_ms > 0 ? p->base_ms : 1;
    int64_t cap = p->cap_ms > 0 ? p->cap_ms : ceil;
    int64_t delay;
    unsigned i;

    for (i = 1; i < attempt && ceil < cap; i++)
        ceil *= 2;
    if (ceil > cap)
        ceil = cap;
    delay = (int64_t)((uint64_t)rnd % (uint64_t)(ceil + 1));
    if (retry_after_ms > 0) {
        int64_t ra = retry_after_ms;
        int64_t limit = cap > 3600000 ? cap : 3600000;
        if (ra > limit)
            ra = limit;
        if (delay < ra)
            delay = ra;
    }
    return delay;
}

static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
static int64_t parse_http_date(const char *v)
{
    char mon[4] = "";
    int d = 0, y = 0, hh = 0, mm = 0, ss = 0, m; /* MinGW's sscanf is __mingw_sscanf, which
                                                     -fanalyzer does not know fills them */
    const char *comma = strchr(v, ',');

    if (!comma || sscanf(comma + 1, " %d %3s %d %d:%d:%d", &d, mon, &y, &hh, &mm, &ss) != 6)
        return -1;
    for (m = 0; m < 12 && strcmp(mon, MONTHS[m]) != 0; m++)
        ;
    if (m == 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || y < 1970)
        return -1;
    return days_from_civil(y, (unsigned)m + 1, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
}

int64_t backoff_parse_retry_after(const char *value, int64_t now_epoch_s)
{
    const char *p = value;
    int64_t secs = 0;

    if (!value)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (isdigit((unsigned char)*p)) {
        for (; isdigit((unsigned char)*p); p++) {
            if (secs > 100000000)
                return -1;
            secs = secs * 10 + (*p - '0');
        }
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        return *p ? -1 : secs * 1000;
    }
    secs = parse_http_date(p);
    if (secs < 0)
        return -1;
    return secs > now_epoch_s ? (secs - now_epoch_s) * 1000 : 0;
}
