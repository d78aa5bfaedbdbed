/* log.h - decoysvc's diagnostic log: a small interface so the daemon writes to stderr, the Windows
 * service to the Application event log, and tests to a buffer. Never pass secrets to it. */
#ifndef ADDECOY_SVC_LOG_H
#define ADDECOY_SVC_LOG_H

#include "svc/base/compiler.h"

typedef enum svc_log_level { SVC_LOG_ERR = 0, SVC_LOG_WARN, SVC_LOG_INFO, SVC_LOG_DEBUG } svc_log_level;

typedef struct svc_logger {
    void (*write)(void *ctx, svc_log_level level, const char *msg); /* msg has no trailing newline */
    void *ctx;
    svc_log_level min; /* messages above this level are dropped */
} svc_logger;

/* Formats and writes one message; a NULL logger writes nothing. Control characters in the
 * formatted text are replaced so that attacker-controlled values cannot forge log lines. */
void svc_log(const svc_logger *lg, svc_log_level level, const char *fmt, ...) SVC_PRINTF(3, 4);

/* A logger that writes "2026-11-23T10:00:00Z decoysvc[level]: msg" lines to stderr. */
svc_logger svc_logger_stderr(svc_log_level min);

const char *svc_log_level_name(svc_log_level level);

#endif
