/* ticket_win.c - svc_ticket_request with SSPI (see ticket.h): Kerberos credentials of the account
 * the service runs as (LocalSystem: the computer account, DC01$), and a security context for the
 * SPN, which makes the local Kerberos package ask the KDC for the service ticket (a 4769 with the
 * service's account as TargetUserName). keytab/principal are not used here. */
#define SECURITY_WIN32
#include "svc/base/ticket.h"
#include "svc/base/utf16.h"

#include <windows.h>
#include <security.h>
#include <stdio.h>
#include <stdlib.h>

static void own_account(char *who, size_t wholen)
{
    wchar_t name[512];
    ULONG n = sizeof name / sizeof name[0];

    who[0] = '\0';
    if (GetUserNameExW(NameSamCompatible, name, &n) && utf8_from_utf16_buf(name, who, wholen) == 0)
        return;
    snprintf(who, wholen, "unknown");
}

int svc_ticket_request(const svc_ticket_conf *c, const char *spn, char *who, size_t wholen, char *err,
                       size_t errlen)
{
    CredHandle cred;
    CtxtHandle ctx;
    SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
    SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
    ULONG attrs = 0;
    TimeStamp expiry;
    SECURITY_STATUS ss;
    wchar_t *target = utf16_from_utf8(spn, UTF16_NUL, 0);
    int rc = -1, have_cred = 0, have_ctx = 0;

    (void)c;
    own_account(who, wholen);
    if (!target) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    ss = AcquireCredentialsHandleW(NULL, L"Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred,
                                   &expiry);
    if (ss != SEC_E_OK) {
        snprintf(err, errlen, "AcquireCredentialsHandle(Kerberos) as %s failed: 0x%08lx", who, (unsigned long)ss);
        goto out;
    }
    have_cred = 1;
    ss = InitializeSecurityContextW(&cred, NULL, target, ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_MUTUAL_AUTH, 0,
                                    SECURITY_NATIVE_DREP, NULL, 0, &ctx, &out, &attrs, &expiry);
    if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED) {
        snprintf(err, errlen, "InitializeSecurityContext(%s) as %s failed: 0x%08lx%s", spn, who,
                 (unsigned long)ss,
                 ss == (SECURITY_STATUS)SEC_E_TARGET_UNKNOWN ? " (the KDC does not know this SPN)" : "");
        goto out;
    }
    have_ctx = 1;
    rc = 0;
out:
    if (ob.pvBuffer)
        FreeContextBuffer(ob.pvBuffer);
    if (have_ctx)
        DeleteSecurityContext(&ctx);
    if (have_cred)
        FreeCredentialsHandle(&cred);
    free(target);
    return rc;
}
