/* service_win.h - private helpers of the Windows service (service_win.c): the service's diagnostic
 * log (Application event log + decoysvc.log), paths and the protected state directory under
 * %ProgramData%\ADDecoy, the first-start configuration, and the SCM commands (service_scm_win.c). */
#ifndef ADDECOY_SVC_SERVICE_WIN_H
#define ADDECOY_SVC_SERVICE_WIN_H

#include <windows.h>

#include <stddef.h>
#include <stdio.h>

#include "svc/base/log.h"
#include "svc/base/utf16.h"
#include "svc/base/thread.h"

/* Event IDs of the message table (installer/decoysvc.mc): one per severity, text "%1". */
#define SVC_MSG_INFO 1000
#define SVC_MSG_WARNING 1001
#define SVC_MSG_ERROR 1002

/* The service's diagnostic log; written from the daemon's thread and the sinks' delivery threads. */
typedef struct svc_winlog {
    svc_mutex *mu;       /* one line at a time, and the rotation */
    HANDLE event_source; /* RegisterEventSourceW, NULL when unavailable */
    FILE *file;          /* decoysvc.log next to the configuration, NULL when it cannot be opened */
    char file_path[MAX_PATH * 3];
} svc_winlog;

void svc_winlog_open(svc_winlog *w, const wchar_t *config_path);
svc_logger svc_winlog_logger(svc_winlog *w, svc_log_level min);
void svc_winlog_close(svc_winlog *w);

/* Text of a Win32 error code ("Access is denied. (5)") into buf; returns buf. */
const char *svc_win_error(DWORD code, char *buf, size_t len);

/* %ProgramData%\ADDecoy\decoysvc.json. */
int svc_default_config_path(wchar_t *buf, size_t cap, char *err, size_t errlen);
/* Creates the configuration's directory (and spool/, state/) with an ACL for SYSTEM and
 * Administrators only (plus the virtual account NT SERVICE\ADDecoy when it exists). */
int svc_state_dir_prepare(const wchar_t *config_path, char *err, size_t errlen);
/* When the configuration file is missing: writes one for this machine (Security channel, new events)
 * with the sinks the MSI stored under HKLM\SOFTWARE\ADDecoy (HecUrl, HecToken, WebhookUrl; secrets go
 * to hec.token / webhook.url beside it), plus an empty inventory when there is none. The registry
 * values are deleted afterwards. An existing configuration is never touched. */
int svc_config_create_default(const wchar_t *config_path, const svc_logger *lg, char *err, size_t errlen);

/* SCM commands; each returns the process exit status. */
int svc_scm_install(int argc, char **argv);
int svc_scm_uninstall(void);
int svc_scm_start(void);
int svc_scm_stop(void);
int svc_scm_status(void);
int svc_scm_reload(void);
/* Reads a secret from standard input and prints it DPAPI-protected ("dpapi:<base64>"). */
int svc_scm_protect_secret(int argc, char **argv);
/* Restart-on-failure recovery actions on the installed service (the MSI cannot set them). */
int svc_service_set_recovery(char *err, size_t errlen);

#endif
