/* signals.h - asynchronous stop/reload requests for the foreground daemon: SIGINT/SIGTERM and
 * SIGHUP on POSIX (signals_posix.c), Ctrl-C / console close on Windows (signals_win.c).
 * The flags are the only process-wide mutable state in decoysvc: a signal handler needs them. */
#ifndef ADDECOY_SVC_SIGNALS_H
#define ADDECOY_SVC_SIGNALS_H

typedef struct svc_signal_flags {
    volatile int *stop;
    volatile int *reload;
} svc_signal_flags;

/* Installs the handlers and returns the flags they set. */
svc_signal_flags svc_signals_install(void);

#endif
