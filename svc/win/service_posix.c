/* service_posix.c - there is no Windows service on POSIX (service_win.c): decoysvc runs in the
 * foreground (`decoysvc run`) under systemd or another supervisor; no service commands. */
#include "svc/win/service.h"

int svc_service_command(int argc, char **argv)
{
    (void)argc, (void)argv;
    return SVC_NOT_A_SERVICE_COMMAND;
}

const char *svc_service_usage(void) { return ""; }

const char *svc_service_status_usage(void) { return ""; }
