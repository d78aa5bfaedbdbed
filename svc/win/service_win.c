/* service_win.c - decoysvc as a Windows service: ServiceMain and its control handler (stop,
 * shutdown, paramchange -> reload) around the portable daemon, and the SCM commands
 * install | uninstall | start | stop | status | reload. Diagnostics go to the Application event log
 * (source "ADDecoy", message table in installer/decoysvc.mc) and to decoysvc.log in the state
 * directory, because the event log is the first place a Windows admin looks and the file is what
 * remains readable when the event log is not (Wine, a full log). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/daemon.h"
#include "svc/base/log.h"
#include "svc/win/service.h"
#include "svc/win/service_win.h"

#define STOP_WAIT_MS 30000

/* Everything ServiceMain and the control handler share (one service per process). */
typedef struct service_ctx {
    SERVICE_STATUS_HANDLE status_handle;
    SERVICE_STATUS status;
    volatile int stop_flag;
    volatile int reload_flag;
    DWORD checkpoint;
    wchar_t config[MAX_PATH];
    svc_winlog log;
} service_ctx;

/* The SCM calls ServiceMain without a context pointer, so the one service context of this process
 * is reachable here (the only file-scope variable in decoysvc): set once before
 * StartServiceCtrlDispatcherW, then read by ServiceMain. The control handler gets it as context. */
static service_ctx *g_service;

static void report_status(service_ctx *s, DWORD state, DWORD exit_code, DWORD wait_hint)
{
    s->status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s->status.dwCurrentState = state;
    s->status.dwWin32ExitCode = exit_code;
    s->status.dwWaitHint = wait_hint;
    s->status.dwControlsAccepted =
        state == SERVICE_START_PENDING
            ? 0
            : SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE;
    s->status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : ++s->checkpoint;
    SetServiceStatus(s->status_handle, &s->status);
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, void *data, void *context)
{
    service_ctx *s = context;
    (void)type;
    (void)data;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        s->stop_flag = 1;
        report_status(s, SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_MS);
        return NO_ERROR;
    case SERVICE_CONTROL_PARAMCHANGE: s->reload_flag = 1; return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE: return NO_ERROR;
    default: return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    service_ctx *s = g_service;
    svc_logger lg;
    char *config = NULL;
    char err[512];
    int rc = 1;

    /* arguments given to StartService ("sc start ADDecoy --config X") override the ImagePath's */
    for (DWORD i = 1; i + 1 < argc; i++)
        if (wcscmp(argv[i], L"--config") == 0)
            wcsncpy(s->config, argv[i + 1], MAX_PATH - 1);

    s->status_handle = RegisterServiceCtrlHandlerExW(SVC_SERVICE_NAME, control_handler, s);
    if (!s->status_handle)
        return;
    report_status(s, SERVICE_START_PENDING, NO_ERROR, 10000);

    svc_winlog_open(&s->log, s->config);
    lg = svc_winlog_logger(&s->log, SVC_LOG_INFO);
    config = utf8_from_utf16(s->config);
    if (!config) {
        svc_log(&lg, SVC_LOG_ERR, "the configuration path is not valid UTF-16");
        goto out;
    }
    if (svc_state_dir_prepare(s->config, err, sizeof err) != 0)
        svc_log(&lg, SVC_LOG_WARN, "%s", err);
    if (svc_config_create_default(s->config, &lg, err, sizeof err) != 0) {
        svc_log(&lg, SVC_LOG_ERR, "%s", err);
        goto out;
    }
    { /* services start in %SystemRoot%\system32: make the configuration's directory current */
        wchar_t dir[MAX_PATH], *slash;
        wcscpy(dir, s->config);
        if ((slash = wcsrchr(dir, L'\\')) != NULL) {
            *slash = 0;
            SetCurrentDirectoryW(dir);
        }
    }
    if (svc_service_set_recovery(err, sizeof err) != 0)
        svc_log(&lg, SVC_LOG_WARN, "%s", err);

    report_status(s, SERVICE_RUNNING, NO_ERROR, 0);
    svc_log(&lg, SVC_LOG_INFO, "ADDecoy %s service started (config %s)", ADDECOY_VERSION, config);
    rc = svc_daemon_run(config, &s->stop_flag, &s->reload_flag, &lg);
    svc_log(&lg, rc == 0 ? SVC_LOG_INFO : SVC_LOG_ERR, "ADDecoy service stopped (status %d)", rc);
out:
    free(config);
    svc_winlog_close(&s->log);
    /* a non-zero exit code tells the SCM to apply the recovery actions */
    s->status.dwServiceSpecificExitCode = (DWORD)rc;
    report_status(s, SERVICE_STOPPED, rc == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR, 0);
    /* Everything is on disk (spool fsynced, checkpoint written). Leave at once: an installer that
     * saw SERVICE_STOPPED removes decoysvc.exe next, and a process still unloading its DLLs would
     * keep the file in use (then it is only removed at the next reboot). */
    TerminateProcess(GetCurrentProcess(), (UINT)rc);
}

/* `decoysvc service [--config FILE]`: what the SCM starts. */
static int cmd_service(int argc, char **argv)
{
    static service_ctx ctx;
    SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)SVC_SERVICE_NAME, service_main}, {NULL, NULL}};
    char err[512];

    memset(&ctx, 0, sizeof ctx);
    if (svc_default_config_path(ctx.config, MAX_PATH, err, sizeof err) != 0) {
        fprintf(stderr, "decoysvc service: %s\n", err);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            if (utf16_from_utf8_buf(argv[++i], ctx.config, MAX_PATH) < 0) {
                fprintf(stderr, "decoysvc service: --config path too long\n");
                return 2;
            }
        } else {
            fprintf(stderr, "decoysvc service: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    g_service = &ctx;
    if (!StartServiceCtrlDispatcherW(table)) {
        DWORD e = GetLastError();
        if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
            fprintf(stderr, "decoysvc service: this is the entry point the Service Control Manager starts; "
                            "from a console use `decoysvc run --config FILE` or `decoysvc start`\n");
        else
            fprintf(stderr, "decoysvc service: StartServiceCtrlDispatcher failed: %s\n",
                    svc_win_error(e, err, sizeof err));
        return 1;
    }
    return 0;
}

static const char usage_service[] =
    "usage: decoysvc install [--config FILE] [--virtual-account] [--no-start]\n"
    "       decoysvc uninstall | start | stop | status | reload\n"
    "       decoysvc protect-secret < secret.txt\n"
    "\n"
    "  install    registers the ADDecoy service (automatic start, LocalSystem, restart on failure),\n"
    "             the Application event log source, and the state directory under %ProgramData%\\ADDecoy\n"
    "             (readable by SYSTEM and Administrators only), then starts it.\n"
    "             --config FILE      configuration (default %ProgramData%\\ADDecoy\\decoysvc.json)\n"
    "             --virtual-account  run as NT SERVICE\\ADDecoy instead of LocalSystem; add that account to\n"
    "                                the Event Log Readers group (see docs/windows.md)\n"
    "  uninstall  stops and removes the service and the event source; configuration, inventory, spool\n"
    "             and bookmarks under %ProgramData%\\ADDecoy are kept\n"
    "  start | stop  start or stop the service and wait (up to 30 s) until it has\n"
    "  status     prints the state; exit status 0 running, 3 not running, 4 not installed\n"
    "  reload     asks the running service to reload its configuration and inventory\n"
    "  protect-secret  reads one line (a HEC token, webhook URL or secret) from standard input, not\n"
    "             echoed on a console, and prints it protected with DPAPI for this machine as\n"
    "             dpapi:<base64>, to use as the value of token, secret, url or routing_key (or in a\n"
    "             *_file); never give the secret on the command line\n";

const char *svc_service_usage(void)
{
    return "  install | uninstall | start | stop | status | protect-secret\n"
           "                                      manage the Windows service (see `decoysvc install --help`)\n";
}

const char *svc_service_status_usage(void)
{
    return "  Without --config: the Windows service's state (see `decoysvc install --help`).\n";
}

int svc_service_command(int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "";
    int help = 0;

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            help = 1;
    if (strcmp(cmd, "service") == 0)
        return cmd_service(argc, argv);
    if (strcmp(cmd, "install") && strcmp(cmd, "uninstall") && strcmp(cmd, "start") && strcmp(cmd, "stop") &&
        strcmp(cmd, "status") && strcmp(cmd, "reload") && strcmp(cmd, "protect-secret"))
        return SVC_NOT_A_SERVICE_COMMAND;
    if (help) {
        fputs(usage_service, stdout);
        return 0;
    }
    if (strcmp(cmd, "install") == 0)
        return svc_scm_install(argc, argv);
    if (strcmp(cmd, "protect-secret") == 0)
        return svc_scm_protect_secret(argc, argv);
    if (argc > 1) {
        fprintf(stderr, "decoysvc %s: unexpected argument '%s'\n%s", cmd, argv[1], usage_service);
        return 2;
    }
    if (strcmp(cmd, "uninstall") == 0)
        return svc_scm_uninstall();
    if (strcmp(cmd, "start") == 0)
        return svc_scm_start();
    if (strcmp(cmd, "stop") == 0)
        return svc_scm_stop();
    if (strcmp(cmd, "reload") == 0)
        return svc_scm_reload();
    return svc_scm_status();
}
