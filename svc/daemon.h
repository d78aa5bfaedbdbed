/* daemon.h - `decoysvc run`: the long-running loop shared by the POSIX foreground daemon and the
 * Windows service: inputs -> pipeline -> spool (fsync) -> checkpoint -> delivery to the sinks. */
#ifndef ADDECOY_SVC_DAEMON_H
#define ADDECOY_SVC_DAEMON_H

#include "svc/base/log.h"

typedef struct svc_daemon_opts {
    const char *config_path;
    int once;                  /* process what the inputs hold now, deliver everything, then return */
    volatile int *stop_flag;   /* set asynchronously (signal, service control) to stop */
    volatile int *reload_flag; /* set asynchronously to reload config and inventory */
    const svc_logger *lg;      /* where diagnostics go before the config sets the level */
} svc_daemon_opts;

/* Runs until *stop_flag (or, with once, until drained). Returns 0, or 2 on a configuration error. */
int svc_daemon_run_opts(const svc_daemon_opts *o);

/* The entry the Windows service calls. */
int svc_daemon_run(const char *config_path, volatile int *stop_flag, volatile int *reload_flag,
                   const svc_logger *lg);

#endif
