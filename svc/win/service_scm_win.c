/* service_scm_win.c - `decoysvc install | uninstall | start | stop | status | reload`: the ADDecoy
 * service and its Application event log source in the Service Control Manager and the registry,
 * and the restart-on-failure recovery actions (set here and at every service start, because the
 * MSI built by wixl cannot set them). Also `decoysvc protect-secret` (DPAPI, svc/secret.h). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/secret.h"
#include "svc/win/service.h"
#include "svc/win/service_win.h"

#define WAIT_MS 30000
#define EVENTLOG_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" SVC_EVENT_SOURCE

static void print_error(const char *cmd, const char *what, DWORD code)
{
    char e[256];
    fprintf(stderr, "decoysvc %s: %s: %s%s\n", cmd, what, svc_win_error(code, e, sizeof e),
            code == ERROR_ACCESS_DENIED ? " (run from an elevated prompt)" : "");
}

/* Opens the service; prints why not. NULL *scm on failure. */
static SC_HANDLE open_service(const char *cmd, DWORD access, SC_HANDLE *scm)
{
    SC_HANDLE svc = NULL;
    *scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!*scm) {
        print_error(cmd, "cannot open the Service Control Manager", GetLastError());
        return NULL;
    }
    svc = OpenServiceW(*scm, SVC_SERVICE_NAME, access);
    if (!svc) {
        DWORD e = GetLastError();
        if (e == ERROR_SERVICE_DOES_NOT_EXIST)
            fprintf(stderr, "decoysvc %s: the ADDecoy service is not installed (decoysvc install)\n", cmd);
        else
            print_error(cmd, "cannot open the ADDecoy service", e);
        CloseServiceHandle(*scm);
        *scm = NULL;
    }
    return svc;
}

/* Waits while the service is in 'pending'; returns the state reached. */
static DWORD wait_state(SC_HANDLE svc, DWORD pending, DWORD target)
{
    SERVICE_STATUS st;
    DWORD waited = 0;
    while (QueryServiceStatus(svc, &st) && st.dwCurrentState != target && waited < WAIT_MS) {
        if (st.dwCurrentState != pending && st.dwCurrentState != target && waited > 2000)
            return st.dwCurrentState; /* e.g. START_PENDING -> STOPPED: it failed */
        Sleep(200);
        waited += 200;
    }
    return QueryServiceStatus(svc, &st) ? st.dwCurrentState : 0;
}

static const char *state_name(DWORD s)
{
    switch (s) {
    case SERVICE_STOPPED: return "STOPPED";
    case SERVICE_START_PENDING: return "START_PENDING";
    case SERVICE_STOP_PENDING: return "STOP_PENDING";
    case SERVICE_RUNNING: return "RUNNING";
    case SERVICE_CONTINUE_PENDING: return "CONTINUE_PENDING";
    case SERVICE_PAUSE_PENDING: return "PAUSE_PENDING";
    case SERVICE_PAUSED: return "PAUSED";
    default: return "UNKNOWN";
    }
}

static int set_recovery(SC_HANDLE svc, char *err, size_t errlen)
{
    SC_ACTION actions[3] = {{SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000}, {SC_ACTION_RESTART, 120000}};
    SERVICE_FAILURE_ACTIONSW fa = {86400, NULL, NULL, 3, actions}; /* failure count resets after a day */
    SERVICE_FAILURE_ACTIONS_FLAG flag = {TRUE}; /* also when it stops with a non-zero exit code */
    char e[200];
    if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa)) {
        snprintf(err, errlen, "cannot set the restart-on-failure actions: %s",
                 svc_win_error(GetLastError(), e, sizeof e));
        return -1;
    }
    ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag); /* not on every Windows/Wine */
    return 0;
}

int svc_service_set_recovery(char *err, size_t errlen)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc = NULL;
    char e[200];
    int rc = -1;
    if (!scm || !(svc = OpenServiceW(scm, SVC_SERVICE_NAME, SERVICE_CHANGE_CONFIG | SERVICE_START))) {
        snprintf(err, errlen, "cannot open the service to set its recovery actions: %s",
                 svc_win_error(GetLastError(), e, sizeof e));
        goto out;
    }
    rc = set_recovery(svc, err, errlen);
out:
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
    return rc;
}

/* The Application log event source: messages come from decoysvc.exe's message table. */
static int register_event_source(const wchar_t *exe)
{
    HKEY k;
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    LSTATUS st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL);
    if (st != ERROR_SUCCESS)
        return (int)st;
    st = RegSetValueExW(k, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
                        (DWORD)((wcslen(exe) + 1) * sizeof *exe));
    if (st == ERROR_SUCCESS)
        st = RegSetValueExW(k, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
    RegCloseKey(k);
    return (int)st;
}

static const char usage_install[] = "usage: decoysvc install [--config FILE] [--virtual-account] [--no-start]\n";

int svc_scm_install(int argc, char **argv)
{
    wchar_t exe[MAX_PATH], config[MAX_PATH], cmdline[2 * MAX_PATH + 32];
    const wchar_t *account = NULL; /* LocalSystem */
    SC_HANDLE scm = NULL, svc = NULL;
    SERVICE_DESCRIPTIONW desc = {L"Watches the Security event log for any use of ADDecoy decoy accounts "
                                 L"(Kerberoasting, AS-REP roasting, logons, enumeration) and alerts the SOC."};
    int start = 1, rc = 1;
    char err[512];
    LSTATUS st;

    if (svc_default_config_path(config, MAX_PATH, err, sizeof err) != 0) {
        fprintf(stderr, "decoysvc install: %s\n", err);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            wchar_t rel[MAX_PATH];
            if (utf16_from_utf8_buf(argv[++i], rel, MAX_PATH) < 0 ||
                !GetFullPathNameW(rel, MAX_PATH, config, NULL)) {
                fprintf(stderr, "decoysvc install: bad --config path\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--virtual-account") == 0) {
            account = L"NT SERVICE\\" SVC_SERVICE_NAME;
        } else if (strcmp(argv[i], "--no-start") == 0) {
            start = 0;
        } else {
            fprintf(stderr, "decoysvc install: unknown option '%s'\n%s", argv[i], usage_install);
            return 2;
        }
    }
    if (!GetModuleFileNameW(NULL, exe, MAX_PATH)) {
        print_error("install", "cannot find decoysvc.exe's path", GetLastError());
        return 1;
    }
    _snwprintf(cmdline, sizeof cmdline / sizeof *cmdline, L"\"%ls\" service --config \"%ls\"", exe, config);
    cmdline[sizeof cmdline / sizeof *cmdline - 1] = 0;

    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE | SC_MANAGER_CONNECT);
    if (!scm) {
        print_error("install", "cannot open the Service Control Manager", GetLastError());
        goto out;
    }
    svc = CreateServiceW(scm, SVC_SERVICE_NAME, SVC_SERVICE_DISPLAY, SERVICE_ALL_ACCESS,
                         SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, cmdline, NULL,
                         NULL, NULL, account, NULL);
    if (!svc) {
        DWORD e = GetLastError();
        if (e == ERROR_SERVICE_EXISTS)
            fprintf(stderr, "decoysvc install: the ADDecoy service is already installed "
                            "(decoysvc uninstall first, or use the MSI to upgrade)\n");
        else
            print_error("install", "cannot create the service", e);
        goto out;
    }
    ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc);
    if (set_recovery(svc, err, sizeof err) != 0)
        fprintf(stderr, "decoysvc install: warning: %s\n", err);
    st = register_event_source(exe);
    if (st != ERROR_SUCCESS)
        print_error("install", "warning: cannot register the Application event log source", (DWORD)st);
    if (svc_state_dir_prepare(config, err, sizeof err) != 0)
        fprintf(stderr, "decoysvc install: warning: %s\n", err);
    printf("ADDecoy service installed (automatic start, %s)\n",
           account ? "NT SERVICE\\ADDecoy: add it to Event Log Readers" : "LocalSystem");
    rc = 0;
    if (start) {
        if (!StartServiceW(svc, 0, NULL)) {
            print_error("install", "installed, but the service did not start", GetLastError());
            rc = 1;
        } else if (wait_state(svc, SERVICE_START_PENDING, SERVICE_RUNNING) != SERVICE_RUNNING) {
            fprintf(stderr, "decoysvc install: installed, but the service stopped: see the Application log "
                            "(source ADDecoy) and decoysvc.log next to the configuration\n");
            rc = 1;
        } else {
            printf("ADDecoy service RUNNING\n");
        }
    }
out:
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
    return rc;
}

int svc_scm_uninstall(void)
{
    SC_HANDLE scm, svc = open_service("uninstall", SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE, &scm);
    SERVICE_STATUS st;
    int rc = 1;
    if (!svc)
        return 1;
    if (ControlService(svc, SERVICE_CONTROL_STOP, &st))
        wait_state(svc, SERVICE_STOP_PENDING, SERVICE_STOPPED);
    if (!DeleteService(svc)) {
        print_error("uninstall", "cannot delete the service", GetLastError());
        goto out;
    }
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY);
    printf("ADDecoy service removed; configuration, inventory, spool and bookmarks are kept in "
           "%%ProgramData%%\\ADDecoy\n");
    rc = 0;
out:
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return rc;
}

int svc_scm_start(void)
{
    SC_HANDLE scm, svc = open_service("start", SERVICE_START | SERVICE_QUERY_STATUS, &scm);
    DWORD state;
    int rc = 1;
    if (!svc)
        return 1;
    if (!StartServiceW(svc, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
        print_error("start", "cannot start the service", GetLastError());
        goto out;
    }
    state = wait_state(svc, SERVICE_START_PENDING, SERVICE_RUNNING);
    printf("ADDecoy service %s\n", state_name(state));
    if (state != SERVICE_RUNNING)
        fprintf(stderr, "decoysvc start: see the Application log (source ADDecoy) and decoysvc.log\n");
    rc = state == SERVICE_RUNNING ? 0 : 1;
out:
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return rc;
}

int svc_scm_stop(void)
{
    SC_HANDLE scm, svc = open_service("stop", SERVICE_STOP | SERVICE_QUERY_STATUS, &scm);
    SERVICE_STATUS st;
    DWORD state;
    int rc = 1;
    if (!svc)
        return 1;
    if (!ControlService(svc, SERVICE_CONTROL_STOP, &st) && GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
        print_error("stop", "cannot stop the service", GetLastError());
        goto out;
    }
    state = wait_state(svc, SERVICE_STOP_PENDING, SERVICE_STOPPED);
    printf("ADDecoy service %s\n", state_name(state));
    rc = state == SERVICE_STOPPED ? 0 : 1;
out:
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return rc;
}

int svc_scm_status(void)
{
    SC_HANDLE scm, svc;
    SERVICE_STATUS_PROCESS sp;
    DWORD need;
    int rc;

    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm) {
        print_error("status", "cannot open the Service Control Manager", GetLastError());
        return 1;
    }
    svc = OpenServiceW(scm, SVC_SERVICE_NAME, SERVICE_QUERY_STATUS);
    if (!svc) {
        printf("ADDecoy service: not installed\n");
        CloseServiceHandle(scm);
        return 4;
    }
    if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&sp, sizeof sp, &need)) {
        print_error("status", "cannot query the service", GetLastError());
        rc = 1;
    } else if (sp.dwCurrentState == SERVICE_RUNNING) {
        printf("ADDecoy service: RUNNING (pid %lu)\n", (unsigned long)sp.dwProcessId);
        rc = 0;
    } else {
        printf("ADDecoy service: %s", state_name(sp.dwCurrentState));
        if (sp.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR)
            printf(" (last exit status %lu)", (unsigned long)sp.dwServiceSpecificExitCode);
        printf("\n");
        rc = 3;
    }
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return rc;
}

int svc_scm_reload(void)
{
    SC_HANDLE scm, svc = open_service("reload", SERVICE_PAUSE_CONTINUE | SERVICE_QUERY_STATUS, &scm);
    SERVICE_STATUS st;
    int rc = 0;
    if (!svc)
        return 1;
    if (!ControlService(svc, SERVICE_CONTROL_PARAMCHANGE, &st)) {
        print_error("reload", "cannot signal the service", GetLastError());
        rc = 1;
    } else {
        printf("ADDecoy service: reload requested\n");
    }
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return rc;
}

/* One line of standard input (UTF-8, without the line end) into buf; not echoed on a console.
 * Returns its length, or -1 when it cannot be read or does not fit. */
static int read_secret_line(char *buf, size_t cap)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode, n = 0;
    size_t len = 0;

    if (in && in != INVALID_HANDLE_VALUE && GetConsoleMode(in, &mode)) {
        wchar_t w[4096];
        BOOL ok;
        int m;
        fputs("Secret (not shown as you type): ", stderr);
        fflush(stderr);
        SetConsoleMode(in, (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);
        ok = ReadConsoleW(in, w, (DWORD)(sizeof w / sizeof *w - 1), &n, NULL);
        SetConsoleMode(in, mode);
        fputs("\n", stderr);
        w[ok ? n : 0] = L'\0';
        w[wcscspn(w, L"\r\n")] = L'\0';
        m = ok && utf8_from_utf16_buf(w, buf, cap) == 0 ? (int)strlen(buf) + 1 : 0;
        SecureZeroMemory(w, sizeof w);
        return m > 0 ? m - 1 : -1;
    }
    while (len < cap - 1 && !memchr(buf, '\n', len)) {
        if (!ReadFile(in, buf + len, (DWORD)(cap - 1 - len), &n, NULL) || n == 0)
            break;
        len += n;
    }
    buf[len] = '\0';
    if (len == cap - 1 && !memchr(buf, '\n', len))
        return -1;
    len = strcspn(buf, "\r\n");
    buf[len] = '\0';
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 BOM from some shells */
        memmove(buf, buf + 3, (len -= 3) + 1);
    return (int)len;
}

int svc_scm_protect_secret(int argc, char **argv)
{
    char buf[8192], err[256], *out = NULL;
    int len;

    (void)argv;
    if (argc > 1) {
        /* The argument may be the secret itself: never echo it. */
        fputs("decoysvc protect-secret: takes no arguments; the secret is read from standard input, "
              "never from the command line\n",
              stderr);
        return 2;
    }
    len = read_secret_line(buf, sizeof buf);
    if (len <= 0) {
        fputs(len < 0 ? "decoysvc protect-secret: cannot read the secret from standard input (at most 8 KiB, "
                        "one line)\n"
                      : "decoysvc protect-secret: no secret on standard input\n",
              stderr);
        SecureZeroMemory(buf, sizeof buf);
        return 1;
    }
    if (secret_protect(buf, (size_t)len, &out, err, sizeof err) < 0) {
        SecureZeroMemory(buf, sizeof buf);
        fprintf(stderr, "decoysvc protect-secret: %s\n", err);
        return 1;
    }
    SecureZeroMemory(buf, sizeof buf);
    printf("%s\n", out);
    fflush(stdout);
    fputs("decoysvc protect-secret: use this line as the value of token, secret, url or routing_key (or as the "
          "content of their *_file); only this machine can read it\n",
          stderr);
    free(out);
    return 0;
}
