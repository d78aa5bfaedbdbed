/* signals_win.c - Ctrl-C, Ctrl-Break and console close request a stop of the foreground daemon. */
#include "svc/signals.h"

#include <windows.h>

static volatile int stop_requested; /* set only by the console control handler */
static volatile int reload_requested;

static BOOL WINAPI on_console(DWORD type)
{
    (void)type;
    stop_requested = 1;
    return TRUE;
}

svc_signal_flags svc_signals_install(void)
{
    svc_signal_flags f = {&stop_requested, &reload_requested};
    SetConsoleCtrlHandler(on_console, TRUE);
    return f;
}
