/* service_env_win.c - the Windows service's surroundings: its diagnostic log (Application event
 * log + decoysvc.log), Win32 error text, %ProgramData%\ADDecoy with an ACL that
 * keeps ordinary users out, and the configuration written at first start from the installed example
 * and the settings the MSI stored in the registry. */
#include <windows.h>

#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc/win/service.h"
#include "svc/win/service_win.h"
#include "svc/base/fs.h"

#define LOG_ROTATE_BYTES (8L * 1024 * 1024)
/* SYSTEM and Administrators: full control, inherited; nobody else (protected from inheritance). */
#define STATE_DIR_SDDL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
#define STATE_DIR_SDDL_VIRTUAL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;%ls)"

const char *svc_win_error(DWORD code, char *buf, size_t len)
{
    wchar_t w[256];
    char *u = NULL;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, w,
                             sizeof w / sizeof *w, NULL);
    while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ' || w[n - 1] == L'.'))
        w[--n] = 0;
    if (n > 0)
        u = utf8_from_utf16(w);
    snprintf(buf, len, "%s (error %lu)", u ? u : "Windows error", (unsigned long)code);
    free(u);
    return buf;
}

/* ---- the diagnostic log ------------------------------------------------------------------------ */

static void winlog_write(void *ctx, svc_log_level level, const char *msg)
{
    svc_winlog *w = ctx;
    static const WORD types[] = {EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE, EVENTLOG_INFORMATION_TYPE,
                                 EVENTLOG_INFORMATION_TYPE};
    static const DWORD ids[] = {SVC_MSG_ERROR, SVC_MSG_WARNING, SVC_MSG_INFO, SVC_MSG_INFO};
    int lv = level <= SVC_LOG_DEBUG ? (int)level : (int)SVC_LOG_DEBUG;

    if (w->event_source && level <= SVC_LOG_INFO) {
        wchar_t *wm = utf16_from_utf8(msg, UTF16_NUL, 1);
        const wchar_t *strings[1] = {wm ? wm : L"(message not valid UTF-8)"};
        ReportEventW(w->event_source, types[lv], 0, ids[lv], NULL, 1, 0, strings, NULL);
        free(wm);
    }
    if (w->mu)
        svc_mutex_lock(w->mu);
    if (w->file) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_s(&tm, &now);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(w->file, "%s decoysvc[%s]: %s\n", stamp, svc_log_level_name(level), msg);
        fflush(w->file);
        if (ftell(w->file) > LOG_ROTATE_BYTES) { /* keep one previous file */
            char old[sizeof w->file_path + 4];
            fclose(w->file);
            snprintf(old, sizeof old, "%s.1", w->file_path);
            fs_replace(w->file_path, old);
            w->file = fs_fopen(w->file_path, "a");
        }
    }
    if (w->mu)
        svc_mutex_unlock(w->mu);
}

void svc_winlog_open(svc_winlog *w, const wchar_t *config_path)
{
    wchar_t dir[MAX_PATH];
    wchar_t *slash;
    char *u;

    memset(w, 0, sizeof *w);
    w->mu = svc_mutex_new(); /* NULL (out of memory): unlocked, as before threads */
    w->event_source = RegisterEventSourceW(NULL, SVC_EVENT_SOURCE);
    wcsncpy(dir, config_path, MAX_PATH - 1);
    dir[MAX_PATH - 1] = 0;
    slash = wcsrchr(dir, L'\\');
    if (!slash)
        return;
    wcscpy(slash + 1, L"decoysvc.log");
    u = utf8_from_utf16(dir);
    if (u && strlen(u) < sizeof w->file_path) {
        strcpy(w->file_path, u);
        w->file = _wfopen(dir, L"a");
    }
    free(u);
}

svc_logger svc_winlog_logger(svc_winlog *w, svc_log_level min)
{
    svc_logger lg = {winlog_write, w, min};
    return lg;
}

void svc_winlog_close(svc_winlog *w)
{
    if (w->event_source)
        DeregisterEventSource(w->event_source);
    if (w->file)
        fclose(w->file);
    svc_mutex_free(w->mu);
    memset(w, 0, sizeof *w);
}

/* ---- paths and the state directory ---------------------------------------------------------------- */

int svc_default_config_path(wchar_t *buf, size_t cap, char *err, size_t errlen)
{
    wchar_t *pd = NULL;
    int rc = -1;
    HRESULT hr = SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &pd);
    if (FAILED(hr)) {
        snprintf(err, errlen, "cannot find %%ProgramData%% (HRESULT 0x%08lx)", (unsigned long)hr);
        goto out;
    }
    if ((size_t)_snwprintf(buf, cap, L"%ls\\ADDecoy\\decoysvc.json", pd) >= cap) {
        snprintf(err, errlen, "%%ProgramData%% path too long");
        goto out;
    }
    rc = 0;
out:
    CoTaskMemFree(pd);
    return rc;
}

/* Creates dir (one level) and applies the protected ACL. */
static int protect_dir(const wchar_t *dir, const wchar_t *sddl, char *err, size_t errlen)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    PACL dacl = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    char e[200];
    DWORD rc;
    int ret = -1;

    if (!CreateDirectoryW(dir, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) {
        snprintf(err, errlen, "cannot create the state directory: %s",
                 svc_win_error(GetLastError(), e, sizeof e));
        goto out;
    }
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL) ||
        !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
        snprintf(err, errlen, "cannot build the state directory ACL: %s",
                 svc_win_error(GetLastError(), e, sizeof e));
        goto out;
    }
    rc = SetNamedSecurityInfoW((wchar_t *)dir, SE_FILE_OBJECT,
                               DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL,
                               dacl, NULL);
    if (rc != ERROR_SUCCESS) {
        snprintf(err, errlen, "cannot restrict access to the state directory: %s",
                 svc_win_error(rc, e, sizeof e));
        goto out;
    }
    ret = 0;
out:
    if (sd)
        LocalFree(sd);
    return ret;
}

int svc_state_dir_prepare(const wchar_t *config_path, char *err, size_t errlen)
{
    wchar_t dir[MAX_PATH], sddl[256];
    wchar_t *slash;
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sid_len = sizeof sid, dom_len = 64;
    wchar_t dom[64], *sid_text = NULL;
    SID_NAME_USE use;
    int rc;

    wcsncpy(dir, config_path, MAX_PATH - 1);
    dir[MAX_PATH - 1] = 0;
    slash = wcsrchr(dir, L'\\');
    if (!slash) {
        snprintf(err, errlen, "configuration path has no directory");
        return -1;
    }
    *slash = 0;
    wcscpy(sddl, STATE_DIR_SDDL);
    /* the least-privilege alternative: the virtual account needs the directory too */
    if (LookupAccountNameW(NULL, L"NT SERVICE\\" SVC_SERVICE_NAME, sid, &sid_len, dom, &dom_len, &use) &&
        ConvertSidToStringSidW(sid, &sid_text)) {
        _snwprintf(sddl, sizeof sddl / sizeof *sddl, STATE_DIR_SDDL_VIRTUAL, sid_text);
        sddl[sizeof sddl / sizeof *sddl - 1] = 0;
        LocalFree(sid_text);
    }
    rc = protect_dir(dir, sddl, err, errlen);
    return rc;
}

/* ---- the first-start configuration --------------------------------------------------------------- */

/* A REG_SZ value under HKLM\SOFTWARE\ADDecoy as UTF-8 (malloc'd), NULL when absent or empty. */
static char *registry_setting(const wchar_t *name)
{
    wchar_t buf[2048];
    DWORD size = sizeof buf - sizeof *buf;
    LSTATUS st = RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\ADDecoy", name, RRF_RT_REG_SZ, NULL, buf, &size);
    if (st != ERROR_SUCCESS || !buf[0])
        return NULL;
    return utf8_from_utf16(buf);
}

/* Writes text to dir\name (created or replaced; the directory's ACL protects it). */
static int write_secret_file(const wchar_t *dir, const wchar_t *name, const char *text)
{
    wchar_t path[MAX_PATH];
    FILE *f;
    int ok;
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", dir, name);
    path[MAX_PATH - 1] = 0;
    if (!(f = _wfopen(path, L"wb")))
        return -1;
    ok = fputs(text, f) >= 0;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* The Windows configuration written at first start: the Security channel from now on, the sinks
 * the installer was given (secrets in files next to it, not in the JSON), and a local JSON-lines
 * file so that alerts are never only in memory. */
static json_t *first_config(const wchar_t *dir, int *applied)
{
    char *hec_url = registry_setting(L"HecUrl"), *hec_token = registry_setting(L"HecToken"),
         *hook = registry_setting(L"WebhookUrl");
    json_t *sinks = json_array(), *root;

    *applied = 0;
    if (hec_url && hec_token && write_secret_file(dir, L"hec.token", hec_token) == 0) { /* HEC needs both */
        json_array_append_new(sinks, json_pack("{s:s, s:s, s:s, s:s}", "type", "hec", "url", hec_url,
                                               "token_file", "hec.token", "sourcetype", "addecoy:alert"));
        *applied += 2;
    }
    if (hook && write_secret_file(dir, L"webhook.url", hook) == 0) {
        const char *fmt = strstr(hook, "hooks.slack.com") ? "slack"
                          : (strstr(hook, "logic.azure.com") || strstr(hook, "webhook.office.com"))
                              ? "teams"
                              : "standard";
        json_array_append_new(
            sinks, json_pack("{s:s, s:s, s:s}", "type", "webhook", "format", fmt, "url_file", "webhook.url"));
        (*applied)++;
    }
    json_array_append_new(sinks, json_pack("{s:s, s:s}", "type", "file", "path", "alerts.jsonl"));
    root = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:[s], s:s}], s:{s:i, s:[]}, s:o}", "_comment",
                     "Written by the ADDecoy service at its first start from the installer's settings. "
                     "Reference: docs/windows.md and docs/configuration.md",
                     "inventory", "inventory.json", "state_dir", "state", "log_level", "info", "inputs",
                     "type", "eventlog", "channels", "Security", "start", "end", "throttle", "window_seconds",
                     300, "allowlist", "sinks", sinks);
    free(hec_url);
    free(hec_token);
    free(hook);
    return root;
}

/* The installer's settings are secrets: once used (or refused), they leave the registry. */
static int forget_registry_settings(void)
{
    static const wchar_t *const names[] = {L"HecUrl", L"HecToken", L"WebhookUrl"};
    int had = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *v = registry_setting(names[i]);
        had += v != NULL;
        free(v);
        RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\ADDecoy", names[i]);
    }
    return had;
}

int svc_config_create_default(const wchar_t *config_path, const svc_logger *lg, char *err, size_t errlen)
{
    wchar_t dir[MAX_PATH], tmp[MAX_PATH + 8], inv[MAX_PATH];
    wchar_t *slash;
    char *tmp_u = NULL, *config_u = NULL;
    json_t *root = NULL;
    char e[200];
    int rc = -1, applied = 0;

    if (GetFileAttributesW(config_path) != INVALID_FILE_ATTRIBUTES) { /* the operator's: never touched */
        if (forget_registry_settings() > 0)
            svc_log(lg, SVC_LOG_WARN,
                    "settings given to the installer (HEC_URL, HEC_TOKEN, WEBHOOK_URL) were not "
                    "applied because a configuration already exists; edit it instead");
        return 0;
    }
    config_u = utf8_from_utf16(config_path);
    wcsncpy(dir, config_path, MAX_PATH - 1);
    dir[MAX_PATH - 1] = 0;
    if (!(slash = wcsrchr(dir, L'\\')) || !config_u) {
        snprintf(err, errlen, "bad configuration path");
        goto out;
    }
    *slash = 0;
    root = first_config(dir, &applied);
    _snwprintf(tmp, sizeof tmp / sizeof *tmp, L"%ls.tmp", config_path);
    tmp[sizeof tmp / sizeof *tmp - 1] = 0;
    tmp_u = utf8_from_utf16(tmp);
    if (!root || !tmp_u || json_dump_file(root, tmp_u, JSON_INDENT(2)) != 0) {
        snprintf(err, errlen, "cannot write %s", tmp_u ? tmp_u : "the configuration");
        goto out;
    }
    if (!MoveFileExW(tmp, config_path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        snprintf(err, errlen, "cannot create %s: %s", config_u, svc_win_error(GetLastError(), e, sizeof e));
        DeleteFileW(tmp);
        goto out;
    }
    forget_registry_settings();
    svc_log(lg, SVC_LOG_WARN,
            "created %s with %d setting(s) from the installer (Security channel, new events "
            "only); review it",
            config_u, applied);
    /* an empty inventory keeps the service running until `adseed create` writes the real one */
    _snwprintf(inv, MAX_PATH, L"%ls\\inventory.json", dir);
    inv[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(inv) == INVALID_FILE_ATTRIBUTES) {
        write_secret_file(dir, L"inventory.json", "{\"version\": 1, \"decoys\": []}\n");
        svc_log(lg, SVC_LOG_WARN,
                "no decoys yet: create them with `adseed create` (the inventory is reloaded when "
                "it changes)");
    }
    rc = 0;
out:
    json_decref(root);
    free(tmp_u);
    free(config_u);
    return rc;
}
