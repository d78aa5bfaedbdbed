/* fuzz_samba.c - Samba AD DC log lines (evtx/samba*.c): KDC text lines and JSON audit lines, one
 * per input line, through one parser (it keeps state between lines); an error always says why. */
#include "fuzz.h"

#include <string.h>

static const char *resolve(void *ctx, const char *spn)
{
    (void)ctx;
    return strcmp(spn, "MSSQLSvc/db01.corp.example:1433") == 0 ? "svc_backup_legacy" : NULL;
}

FUZZ_TARGET(samba)
{
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    const char *s = (const char *)data, *end = s + size;
    evtx_event ev;

    if (!p)
        abort();
    evtx_event_init(&ev);
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        char err[256] = "";
        int rc;
        if (!nl)
            nl = end;
        rc = evtx_samba_line(p, s, (size_t)(nl - s), &ev, err, sizeof err);
        FUZZ_CHECK(rc >= -1 && rc <= 1);
        FUZZ_CHECK(rc != -1 || err[0]);
        if (rc == 1)
            FUZZ_CHECK(ev.event_id != 0);
        evtx_event_reset(&ev);
        s = nl + 1;
    }
    evtx_event_free(&ev);
    evtx_samba_free(p);
    return 0;
}
