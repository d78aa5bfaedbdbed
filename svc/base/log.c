/* log.c - decoysvc's diagnostic log: formatting, control-character neutralising, stderr writer. */
#include "svc/base/log.h"
#include "svc/base/platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *svc_log_level_name(svc_log_level level)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    return (unsigned)level < 4 ? names[level] : "?";
}

void svc_log(const svc_logger *lg, svc_log_level level, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    if (!lg || !lg->write || level > lg->min)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    lg->write(lg->ctx, level, msg);
}

static void stderr_write(void *ctx, svc_log_level level, const char *msg)
{
    char stamp[32] = "";
    time_t now = time(NULL);
    struct tm tm;

    (void)ctx;
    svc_gmtime(now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s decoysvc[%s]: %s\n", stamp, svc_log_level_name(level), msg);
    fflush(stderr);
}

svc_logger svc_logger_stderr(svc_log_level min)
{
    svc_logger lg = {stderr_write, NULL, min};
    return lg;
}
