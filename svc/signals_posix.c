/* signals_posix.c - SIGINT/SIGTERM request a stop, SIGHUP a reload of config and inventory. */
#include "svc/signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_requested; /* set only by the handlers below */
static volatile sig_atomic_t reload_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_reload(int sig)
{
    (void)sig;
    reload_requested = 1;
}

svc_signal_flags svc_signals_install(void)
{
    struct sigaction sa;
    svc_signal_flags f = {(volatile int *)&stop_requested, (volatile int *)&reload_requested};

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_reload;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return f;
}
