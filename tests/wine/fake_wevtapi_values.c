/* fake_wevtapi_values.c - TEST ONLY, never packaged: the fake wevtapi.dll's render contexts and
 * EvtRender(EvtRenderEventValues), answered from the replayed <Event> line: System values (provider,
 * event ID, version, time created, record ID, channel, computer) and Event/EventData/Data[@Name='F']
 * values, typed as Windows types them (see fake_wevtapi.c) and laid out like the real API: the
 * EVT_VARIANT array first, the strings, SIDs and GUIDs they point to after it in the same buffer. */
#include "fake_wevtapi.h"

#include <sddl.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct val {
    DWORD type;
    ULONGLONG u; /* integers, FILETIME */
    BYTE *bytes; /* payload copied after the array: UTF-16 text, SID, GUID (malloc'd) */
    DWORD nbytes;
} val;

EVT_HANDLE WINAPI EvtCreateRenderContext(DWORD count, LPCWSTR *paths, DWORD flags)
{
    fake_handle *c;
    if ((flags != EvtRenderContextSystem && flags != EvtRenderContextValues) || count > CTX_FIELDS ||
        (flags == EvtRenderContextValues && (!count || !paths))) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!(c = fake_new_handle(H_CONTEXT))) {
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    c->system = flags == EvtRenderContextSystem;
    for (DWORD i = 0; !c->system && i < count; i++) {
        const wchar_t *p = wcsstr(paths[i], L"Event/EventData/Data[@Name='");
        size_t n = 0;
        if (p != paths[i]) {
            free(c);
            SetLastError(ERROR_EVT_INVALID_QUERY); /* only the XPaths eventlog_values_win.c makes */
            return NULL;
        }
        for (p += wcslen(L"Event/EventData/Data[@Name='"); *p && *p != L'\'' && n < 71; p++)
            c->fields[i][n++] = (char)*p;
        c->fields[i][n] = 0;
        c->nfields = i + 1;
    }
    return c;
}

/* Appends the UTF-8 of code point cp. */
static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80)
        return o[0] = (char)cp, 1;
    if (cp < 0x800)
        return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 63)), 2;
    if (cp < 0x10000)
        return o[0] = (char)(0xE0 | cp >> 12), o[1] = (char)(0x80 | (cp >> 6 & 63)),
               o[2] = (char)(0x80 | (cp & 63)), 3;
    return o[0] = (char)(0xF0 | cp >> 18), o[1] = (char)(0x80 | (cp >> 12 & 63)),
           o[2] = (char)(0x80 | (cp >> 6 & 63)), o[3] = (char)(0x80 | (cp & 63)), 4;
}

/* XML text [p, end) with its entities decoded (malloc'd UTF-8). */
static char *decode(const char *p, const char *end)
{
    char *out = malloc((size_t)(end - p) + 1), *o = out;
    if (!out)
        return NULL;
    while (p < end) {
        const char *semi = *p == '&' ? memchr(p, ';', (size_t)(end - p)) : NULL;
        static const struct {
            const char *name;
            char c;
        } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
        size_t i, n = semi ? (size_t)(semi - p) + 1 : 0;
        if (!semi) {
            *o++ = *p++;
            continue;
        }
        for (i = 0; i < 5; i++)
            if (strlen(ents[i].name) == n && strncmp(p, ents[i].name, n) == 0)
                break;
        if (i < 5)
            *o++ = ents[i].c;
        else if (p[1] == '#')
            o += put_utf8(o, strtoul(p + 2 + (p[2] == 'x'), NULL, p[2] == 'x' ? 16 : 10));
        else
            memcpy(o, p, n), o += n;
        p += n;
    }
    *o = 0;
    return out;
}

/* The text of <tag>...</tag> (NULL when absent; "" for <tag/>). */
static char *elem_text(const char *xml, const char *tag)
{
    char open[64], close[64];
    const char *p, *gt, *end;
    snprintf(open, sizeof open, "<%s", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    for (p = strstr(xml, open); p && p[strlen(open)] != '>' && p[strlen(open)] != ' ' && p[strlen(open)] != '/';)
        p = strstr(p + 1, open);
    if (!p || !(gt = strchr(p, '>')))
        return NULL;
    if (gt[-1] == '/')
        return decode(gt, gt);
    end = strstr(gt, close);
    return end ? decode(gt + 1, end) : NULL;
}

/* The value of attribute 'name' in the start tag <tag ...> (NULL when absent). */
static char *attr_text(const char *xml, const char *tag, const char *name)
{
    char open[64], key[64];
    const char *p = (snprintf(open, sizeof open, "<%s ", tag), strstr(xml, open)), *gt, *a, *q;
    if (!p || !(gt = strchr(p, '>')))
        return NULL;
    snprintf(key, sizeof key, " %s=", name);
    if (!(a = strstr(p, key)) || a > gt)
        return NULL;
    a += strlen(key);
    return (q = strchr(a + 1, *a)) ? decode(a + 1, q) : NULL;
}

/* The text of <Data Name='name'>...</Data> (NULL when absent; "" for an empty element). */
static char *data_text(const char *xml, const char *name)
{
    for (const char *p = strstr(xml, "<Data "); p; p = strstr(p + 1, "<Data ")) {
        const char *gt = strchr(p, '>'), *end;
        char *n = attr_text(p, "Data", "Name");
        int same = n && strcmp(n, name) == 0;
        free(n);
        if (!gt || !same)
            continue;
        if (gt[-1] == '/')
            return decode(gt, gt);
        return (end = strstr(gt, "</Data>")) ? decode(gt + 1, end) : NULL;
    }
    return NULL;
}

static int set_bytes(val *v, DWORD type, const void *p, DWORD n)
{
    v->type = type;
    v->nbytes = n;
    return (v->bytes = malloc(n)) ? (memcpy(v->bytes, p, n), 0) : -1;
}

static int set_string(val *v, const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    v->type = EvtVarTypeString;
    v->nbytes = n > 0 ? (DWORD)n * sizeof(WCHAR) : 0;
    if (n <= 0 || !(v->bytes = malloc(v->nbytes)))
        return -1;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, (wchar_t *)v->bytes, n);
    return 0;
}

/* 1 when s is digits of 'base' (lower case) without a leading zero, at most 'max' of them. */
static int canonical_number(const char *s, int base, size_t max)
{
    size_t n = strspn(s, base == 16 ? "0123456789abcdef" : "0123456789");
    return n > 0 && n <= max && !s[n] && (s[0] != '0' || n == 1);
}

/* A Data value typed as Windows would have typed the text it renders. */
static int typed(val *v, const char *s)
{
    wchar_t w[256], *back = NULL;
    PSID sid = NULL;
    GUID g;
    unsigned d[11];
    int same, n = 0;

    if (!*s)
        return 0; /* Null */
    if (s[0] == '0' && s[1] == 'x' && canonical_number(s + 2, 16, 16)) {
        v->u = strtoull(s + 2, NULL, 16);
        v->type = v->u > 0xffffffffu ? EvtVarTypeHexInt64 : EvtVarTypeHexInt32;
        return 0;
    }
    if (canonical_number(s, 10, 10) && strtoull(s, NULL, 10) <= 0xffffffffu) {
        v->u = strtoull(s, NULL, 10);
        v->type = EvtVarTypeUInt32;
        return 0;
    }
    if (strncmp(s, "S-1-", 4) == 0 && strlen(s) < 255 && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, 256) &&
        ConvertStringSidToSidW(w, &sid)) {
        same = ConvertSidToStringSidW(sid, &back) && wcscmp(back, w) == 0;
        if (back)
            LocalFree(back);
        n = same ? set_bytes(v, EvtVarTypeSid, sid, GetLengthSid(sid)) : set_string(v, s);
        LocalFree(sid);
        return n;
    }
    if (strlen(s) == 38 && strspn(s + 1, "0123456789ABCDEF-") == 36 && s[0] == '{' && s[37] == '}' &&
        sscanf(s, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}%n", &d[0], &d[1], &d[2], &d[3], &d[4], &d[5],
               &d[6], &d[7], &d[8], &d[9], &d[10], &n) == 11 &&
        n == 38) {
        g.Data1 = d[0];
        g.Data2 = (unsigned short)d[1];
        g.Data3 = (unsigned short)d[2];
        for (int i = 0; i < 8; i++)
            g.Data4[i] = (unsigned char)d[3 + i];
        return set_bytes(v, EvtVarTypeGuid, &g, sizeof g);
    }
    return set_string(v, s);
}

/* "2016-07-08T18:12:51.6816408Z" (any number of fractional digits) as a FILETIME. */
static int filetime_of(const char *s, ULONGLONG *ft)
{
    SYSTEMTIME st = {0};
    FILETIME f;
    unsigned y, mo, d, h, mi, se;
    int n = 0;
    ULONGLONG frac = 0, scale = 1000000;
    if (sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &se, &n) != 6)
        return -1;
    st.wYear = (WORD)y, st.wMonth = (WORD)mo, st.wDay = (WORD)d, st.wHour = (WORD)h, st.wMinute = (WORD)mi,
    st.wSecond = (WORD)se;
    if (!SystemTimeToFileTime(&st, &f))
        return -1;
    if (s[n] == '.')
        for (const char *p = s + n + 1; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += scale ? (ULONGLONG)(*p - '0') * scale : 0;
    *ft = ((ULONGLONG)f.dwHighDateTime << 32 | f.dwLowDateTime) + frac;
    return 0;
}

static int system_values(const char *xml, val *v)
{
    char *t;
    int bad = 0;
    if ((t = attr_text(xml, "Provider", "Name")))
        bad |= set_string(&v[EvtSystemProviderName], t), free(t);
    if ((t = elem_text(xml, "EventID")))
        v[EvtSystemEventID].type = EvtVarTypeUInt16, v[EvtSystemEventID].u = strtoul(t, NULL, 10), free(t);
    if ((t = elem_text(xml, "Version")))
        v[EvtSystemVersion].type = EvtVarTypeByte, v[EvtSystemVersion].u = strtoul(t, NULL, 10), free(t);
    if ((t = attr_text(xml, "TimeCreated", "SystemTime"))) {
        if (filetime_of(t, &v[EvtSystemTimeCreated].u) == 0)
            v[EvtSystemTimeCreated].type = EvtVarTypeFileTime;
        free(t);
    }
    if ((t = elem_text(xml, "EventRecordID")))
        v[EvtSystemEventRecordId].type = EvtVarTypeUInt64,
        v[EvtSystemEventRecordId].u = strtoull(t, NULL, 10), free(t);
    if ((t = elem_text(xml, "Channel")))
        bad |= set_string(&v[EvtSystemChannel], t), free(t);
    if ((t = elem_text(xml, "Computer")))
        bad |= set_string(&v[EvtSystemComputer], t), free(t);
    return bad ? -1 : 0;
}

/* The values laid out in the caller's buffer, with the usual size protocol. */
static BOOL give_values(const val *v, DWORD n, DWORD size, PVOID buf, PDWORD used, PDWORD count)
{
    size_t need = n * sizeof(EVT_VARIANT), off;
    EVT_VARIANT *out = buf;
    for (DWORD i = 0; i < n; i++)
        need += (v[i].nbytes + 7u) & ~7u;
    *used = (DWORD)need;
    if (!buf || size < need) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    off = n * sizeof(EVT_VARIANT);
    for (DWORD i = 0; i < n; i++) {
        BYTE *p = (BYTE *)buf + off;
        memset(&out[i], 0, sizeof out[i]);
        out[i].Type = v[i].type;
        out[i].UInt64Val = v[i].u;
        if (v[i].type == EvtVarTypeFileTime)
            out[i].FileTimeVal = v[i].u;
        if (v[i].bytes) {
            memcpy(p, v[i].bytes, v[i].nbytes);
            off += (v[i].nbytes + 7u) & ~7u;
            if (v[i].type == EvtVarTypeString)
                out[i].StringVal = (LPCWSTR)p;
            else if (v[i].type == EvtVarTypeSid)
                out[i].SidVal = p;
            else
                out[i].GuidVal = (GUID *)p;
        }
    }
    if (count)
        *count = n;
    return TRUE;
}

BOOL fake_render_values(const fake_handle *ctx, const char *xml, DWORD size, PVOID buf, PDWORD used, PDWORD count)
{
    char flag[8];
    DWORD n = ctx->system ? EvtSystemPropertyIdEND : (DWORD)ctx->nfields;
    val v[CTX_FIELDS > EvtSystemPropertyIdEND ? CTX_FIELDS : EvtSystemPropertyIdEND];
    BOOL ok = FALSE;
    int bad = 0;

    memset(v, 0, sizeof v);
    *used = 0;
    if (GetEnvironmentVariableA("ADDECOY_FAKE_EVT_VALUES_FAIL", flag, sizeof flag) == 1 && flag[0] == '1') {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    if (!strstr(xml, "</Event>")) { /* a record the real log could not hold */
        SetLastError(ERROR_INVALID_DATA);
        return FALSE;
    }
    if (ctx->system)
        bad = system_values(xml, v);
    for (DWORD i = 0; !ctx->system && !bad && i < n; i++) {
        char *t = data_text(xml, ctx->fields[i]);
        if (t)
            bad = typed(&v[i], t);
        free(t);
    }
    if (bad)
        SetLastError(ERROR_OUTOFMEMORY);
    else
        ok = give_values(v, n, size, buf, used, count);
    for (DWORD i = 0; i < n; i++)
        free(v[i].bytes);
    return ok;
}
