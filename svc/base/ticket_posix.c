/* ticket_posix.c - svc_ticket_request with MIT Kerberos' kinit and kvno (see ticket.h), run with
 * KRB5CCNAME pointing at decoysvc's own credential cache so nobody else's tickets are touched. */
#include "svc/base/ticket.h"

#include <stdio.h>
#include <string.h>

#include "svc/base/spawn.h"

/* One step; 0, or -1 with err naming the command, what it was asked for (what) and its first line
 * of output. */
static int run_step(char *const argv[], const char *what, char *const env[], char *err, size_t errlen)
{
    char out[4096];
    int rc = svc_spawn_capture(argv, env, SVC_TICKET_TIMEOUT_MS, out, sizeof out);

    if (rc == 0)
        return 0;
    out[strcspn(out, "\r\n")] = '\0';
    if (rc == SVC_SPAWN_NOT_FOUND)
        snprintf(err, errlen, "%s not found: install krb5-user (MIT Kerberos client tools)", argv[0]);
    else if (rc == SVC_SPAWN_TIMEOUT)
        snprintf(err, errlen, "%s %s: no answer within %d s (is the KDC reachable?)", argv[0], what,
                 SVC_TICKET_TIMEOUT_MS / 1000);
    else
        snprintf(err, errlen, "%s %s failed (exit %d): %s", argv[0], what, rc, out[0] ? out : "no message");
    return -1;
}

int svc_ticket_request(const svc_ticket_conf *c, const char *spn, char *who, size_t wholen, char *err,
                       size_t errlen)
{
    char ccenv[4200];
    char *env[] = {ccenv, NULL};
    char *kinit[] = {"kinit", "-k", "-t", (char *)c->keytab, (char *)c->principal, NULL};
    char *kvno[] = {"kvno", (char *)spn, NULL};

    if (!c->keytab || !c->principal || !c->ccache) {
        snprintf(err, errlen, "self_test needs \"keytab\" and \"principal\" on this platform");
        return -1;
    }
    snprintf(ccenv, sizeof ccenv, "KRB5CCNAME=FILE:%s", c->ccache);
    snprintf(who, wholen, "%s", c->principal);
    if (run_step(kinit, c->keytab, env, err, errlen) || run_step(kvno, spn, env, err, errlen))
        return -1;
    return 0;
}
