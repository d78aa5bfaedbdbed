/* fake_wevtapi.c - TEST ONLY, never packaged: a wevtapi.dll that replays rendered <Event> XML so the
 * real subscription code (evtx/eventlog_win.c) runs under Wine, whose Event Log API is a stub.
 *
 * The log is the file named by ADDECOY_FAKE_EVT_FILE: one <Event> document per line, record number =
 * line number (1-based); it is re-read on every EvtNext, so lines appended later are new records.
 * ADDECOY_FAKE_EVT_FIRST=N pretends records before N were cleared (a bookmark before them is stale).
 * A service does not see the test's environment: then both settings come from wevtapi-fake.txt
 * next to the DLL ("file=C:\path\events.xml", "first=N" lines).
 * Implemented: pull-mode EvtSubscribe (signal event; start at oldest, after bookmark (+strict), future
 * events), EvtNext, EvtRender (event XML, bookmark XML, event values), EvtCreateRenderContext
 * (system values; values of Event/EventData/Data[@Name='F'] XPaths), EvtCreateBookmark,
 * EvtUpdateBookmark, EvtClose. Values come from the replayed XML, typed as Windows types them:
 * canonical "0x..." HexInt32/HexInt64, decimal UInt32, "S-1-..." Sid, "{GUID}" Guid, else String;
 * an empty or absent Data is Null. ADDECOY_FAKE_EVT_VALUES_FAIL=1 makes every values rendering fail. Like the real log, a subscription's signal is set when records arrive (a thread polls
 * the file every 50 ms). The XPath query is ignored (the caller's in-process filter is the authority). */
#include <windows.h>

#include <sddl.h>
#include <winevt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_wevtapi.h"

/* A setting: the environment variable, else "key=value" in wevtapi-fake.txt beside this DLL. */
static int setting(const char *env, const char *key, char *buf, DWORD len)
{
    char path[MAX_PATH], line[MAX_PATH + 32], *slash;
    HMODULE self = NULL;
    size_t klen = strlen(key);
    FILE *f;
    DWORD n = GetEnvironmentVariableA(env, buf, len);
    if (n > 0 && n < len)
        return 1;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)(void *)setting, &self) ||
        !GetModuleFileNameA(self, path, sizeof path) || !(slash = strrchr(path, '\\')))
        return 0;
    strcpy(slash + 1, "wevtapi-fake.txt");
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strncmp(line, key, klen) == 0 && line[klen] == '=' && strlen(line + klen + 1) < len) {
            strcpy(buf, line + klen + 1);
            fclose(f);
            return 1;
        }
    }
    fclose(f);
    return 0;
}

static unsigned long long env_ull(const char *name, unsigned long long dflt)
{
    char buf[64];
    return setting(name, "first", buf, sizeof buf) ? strtoull(buf, NULL, 10) : dflt;
}

/* Line 'want' (1-based) of the log, malloc'd without its newline; NULL when there is none. */
static char *read_line(unsigned long long want)
{
    char path[MAX_PATH], *line = NULL;
    size_t len = 0, cap = 0;
    unsigned long long no = 1;
    FILE *f;
    int c;

    if (!setting("ADDECOY_FAKE_EVT_FILE", "file", path, sizeof path) || !(f = fopen(path, "rb")))
        return NULL;
    while ((c = getc(f)) != EOF) {
        if (c == '\n') {
            if (no == want)
                break;
            no++;
            continue;
        }
        if (no != want)
            continue;
        if (len + 2 > cap) {
            char *b = realloc(line, cap = cap ? cap * 2 : 4096);
            if (!b)
                break;
            line = b;
        }
        line[len++] = (char)c;
    }
    if (no == want && c == EOF && len == 0) { /* no such line */
        free(line);
        line = NULL;
    }
    if (line) {
        if (len && line[len - 1] == '\r')
            len--;
        line[len] = 0;
    }
    fclose(f);
    return line;
}

fake_handle *fake_new_handle(int kind)
{
    fake_handle *h = calloc(1, sizeof *h);
    if (h)
        h->kind = kind;
    return h;
}

static unsigned long long count_lines(void)
{
    char path[MAX_PATH], buf[4096];
    unsigned long long n = 0;
    size_t got;
    FILE *f;
    if (!setting("ADDECOY_FAKE_EVT_FILE", "file", path, sizeof path) || !(f = fopen(path, "rb")))
        return 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < got; i++)
            n += buf[i] == '\n';
    fclose(f);
    return n;
}

static DWORD WINAPI watch(void *arg)
{
    fake_handle *s = arg;
    while (!s->stop) {
        if (count_lines() > s->pos)
            SetEvent(s->signal);
        Sleep(50);
    }
    return 0;
}

EVT_HANDLE WINAPI EvtSubscribe(EVT_HANDLE session, HANDLE signal, LPCWSTR channel, LPCWSTR query,
                               EVT_HANDLE bookmark, PVOID context, EVT_SUBSCRIBE_CALLBACK callback, DWORD flags)
{
    fake_handle *s, *bm = (fake_handle *)bookmark;
    unsigned long long first = env_ull("ADDECOY_FAKE_EVT_FIRST", 1), n = 0;
    char *line;
    (void)session;
    (void)query;
    (void)context;
    if (callback || !signal || !channel) {
        SetLastError(ERROR_NOT_SUPPORTED); /* only pull mode is faked */
        return NULL;
    }
    if (!(s = fake_new_handle(H_SUB))) {
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    s->signal = signal;
    lstrcpynW(s->channel, channel, 128);
    switch (flags & 3) {
    case EvtSubscribeToFutureEvents:
        while ((line = read_line(n + 1))) {
            free(line);
            n++;
        }
        s->pos = n;
        break;
    case EvtSubscribeStartAfterBookmark:
        if (!bm || bm->kind != H_BOOKMARK || !bm->has_pos) {
            free(s);
            SetLastError(ERROR_INVALID_PARAMETER);
            return NULL;
        }
        if (bm->pos + 1 < first && (flags & EvtSubscribeStrict)) {
            free(s);
            SetLastError(ERROR_NOT_FOUND); /* the bookmarked record was cleared: stale */
            return NULL;
        }
        s->pos = bm->pos + 1 < first ? first - 1 : bm->pos;
        break;
    default: /* EvtSubscribeStartAtOldestRecord */ s->pos = first - 1; break;
    }
    SetEvent(signal);
    s->watcher = CreateThread(NULL, 0, watch, s, 0, NULL);
    return s;
}

BOOL WINAPI EvtNext(EVT_HANDLE result, DWORD size, EVT_HANDLE *events, DWORD timeout, DWORD flags, PDWORD returned)
{
    fake_handle *s = (fake_handle *)result;
    DWORD got = 0;
    (void)timeout;
    (void)flags;
    *returned = 0;
    if (!s || s->kind != H_SUB) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    while (got < size) {
        char *line = read_line(s->pos + 1);
        fake_handle *e;
        if (!line)
            break;
        if (!(e = fake_new_handle(H_EVENT))) {
            free(line);
            break;
        }
        e->pos = ++s->pos;
        e->xml = line;
        lstrcpyW(e->channel, s->channel);
        events[got++] = e;
    }
    *returned = got;
    if (got == 0) {
        SetLastError(ERROR_NO_MORE_ITEMS);
        return FALSE;
    }
    return TRUE;
}

/* Copies UTF-8 text as UTF-16 into the caller's buffer, with the usual size protocol. */
static BOOL give_text(const char *text, DWORD size, PVOID buf, PDWORD used)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
    *used = (DWORD)n * sizeof(WCHAR);
    if (n <= 0) {
        SetLastError(ERROR_INVALID_DATA);
        return FALSE;
    }
    if (!buf || size < *used) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    MultiByteToWideChar(CP_UTF8, 0, text, -1, buf, n);
    return TRUE;
}

BOOL WINAPI EvtRender(EVT_HANDLE context, EVT_HANDLE fragment, DWORD flags, DWORD size, PVOID buf,
                      PDWORD used, PDWORD count)
{
    fake_handle *h = (fake_handle *)fragment, *ctx = (fake_handle *)context;
    char xml[512], ch[128];
    if (count)
        *count = 0;
    if (!h) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (flags == EvtRenderEventValues && h->kind == H_EVENT && ctx && ctx->kind == H_CONTEXT)
        return fake_render_values(ctx, h->xml, size, buf, used, count);
    if (flags == EvtRenderEventXml && h->kind == H_EVENT)
        return give_text(h->xml, size, buf, used);
    if (flags == EvtRenderBookmark && h->kind == H_BOOKMARK) {
        WideCharToMultiByte(CP_UTF8, 0, h->channel, -1, ch, sizeof ch, NULL, NULL);
        if (h->has_pos)
            snprintf(xml, sizeof xml,
                     "<BookmarkList>\r\n  <Bookmark Channel='%s' RecordId='%llu' IsCurrent='true'/>\r\n</BookmarkList>",
                     ch, h->pos);
        else
            snprintf(xml, sizeof xml, "<BookmarkList/>");
        return give_text(xml, size, buf, used);
    }
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
}

EVT_HANDLE WINAPI EvtCreateBookmark(LPCWSTR xml)
{
    fake_handle *b = fake_new_handle(H_BOOKMARK);
    const wchar_t *rid, *chan;
    if (!b) {
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    if (!xml)
        return b;
    rid = wcsstr(xml, L"RecordId='");
    chan = wcsstr(xml, L"Channel='");
    if (!wcsstr(xml, L"<BookmarkList") || !rid || !chan) {
        free(b);
        SetLastError(ERROR_EVT_INVALID_QUERY);
        return NULL;
    }
    b->pos = _wcstoui64(rid + 10, NULL, 10);
    b->has_pos = 1;
    for (int i = 0; i < 127 && chan[9 + i] && chan[9 + i] != L'\''; i++)
        b->channel[i] = chan[9 + i];
    return b;
}

BOOL WINAPI EvtUpdateBookmark(EVT_HANDLE bookmark, EVT_HANDLE event)
{
    fake_handle *b = (fake_handle *)bookmark, *e = (fake_handle *)event;
    if (!b || !e || b->kind != H_BOOKMARK || e->kind != H_EVENT) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    b->pos = e->pos;
    b->has_pos = 1;
    lstrcpyW(b->channel, e->channel);
    return TRUE;
}

BOOL WINAPI EvtClose(EVT_HANDLE object)
{
    fake_handle *h = (fake_handle *)object;
    if (h) {
        if (h->watcher) {
            InterlockedExchange(&h->stop, 1);
            WaitForSingleObject(h->watcher, INFINITE);
            CloseHandle(h->watcher);
        }
        free(h->xml);
        free(h);
    }
    return TRUE;
}
