/* service.h - decoysvc as a Windows service (service_win.c): the SCM entry point (ServiceMain and
 * its control handler) and the `install | uninstall | start | stop | status | service` commands.
 * The service runs the portable daemon (svc_daemon_run in daemon.h) with its stop and reload flags
 * set by SERVICE_CONTROL_STOP/SHUTDOWN and SERVICE_CONTROL_PARAMCHANGE. On POSIX there is no such
 * service (service_posix.c): no commands and no usage lines. */
#ifndef ADDECOY_SVC_SERVICE_H
#define ADDECOY_SVC_SERVICE_H

/* The service's name in the SCM, its display name and its Application event log source. */
#define SVC_SERVICE_NAME L"ADDecoy"
#define SVC_SERVICE_DISPLAY L"ADDecoy decoy account monitor"
#define SVC_EVENT_SOURCE L"ADDecoy"

/* Returned by svc_service_command when argv[0] is not one of its commands. */
#define SVC_NOT_A_SERVICE_COMMAND (-1000)

/* Runs a service command; argv[0] is the command ("install", "uninstall", "start", "stop",
 * "status", "service"). Returns the process exit status (0 ok, 1 failure, 2 usage), or
 * SVC_NOT_A_SERVICE_COMMAND. "service" is what the SCM starts (ImagePath "decoysvc.exe service");
 * run from a console it says so and returns 1. */
int svc_service_command(int argc, char **argv);
/* The lines `decoysvc --help` and `decoysvc status --help` add for the service ("" on POSIX). */
const char *svc_service_usage(void);
const char *svc_service_status_usage(void);

#endif
