/* ticket.h - requests a Kerberos service ticket for an SPN with this service's own identity, for
 * the self-trip. POSIX: MIT `kinit -k -t KEYTAB PRINCIPAL` then `kvno SPN`, in a private credential
 * cache (no extra library; the keytab path is on argv, never a secret). Windows: SSPI Kerberos as
 * the service's account (AcquireCredentialsHandle + InitializeSecurityContext with the SPN). */
#ifndef ADDECOY_SVC_TICKET_H
#define ADDECOY_SVC_TICKET_H

#include <stddef.h>

#define SVC_TICKET_TIMEOUT_MS (30 * 1000) /* each step; a KDC that does not answer is a failure */

typedef struct svc_ticket_conf {
    const char *keytab;    /* POSIX: the dedicated principal's keytab */
    const char *principal; /* POSIX: e.g. "addecoy-selftest@DECOY.TEST" */
    const char *ccache;    /* POSIX: credential cache file, private to decoysvc */
} svc_ticket_conf;

/* 0 when a ticket was obtained; who = the requester's account as the KDC logs it. -1 with err. */
int svc_ticket_request(const svc_ticket_conf *c, const char *spn, char *who, size_t wholen, char *err,
                       size_t errlen);

#endif
