/* eventlog_values_win.c - a Windows event record rendered as values, not as XML: one
 * EvtRenderContextSystem context for the System values and one EvtRenderContextValues context with
 * the XPath Event/EventData/Data[@Name='F'] of each field the caller reads; EvtRender
 * (EvtRenderEventValues) fills EVT_VARIANT arrays that become the normalised event directly. Each
 * value is written as the XML rendering shows it (HexInt32 "0x17", SIDs "S-1-5-...", GUIDs
 * "{...}" upper case, times ISO 8601 UTC) so the detector sees the same text either way. */
#include <windows.h>

#include <sddl.h>
#include <winevt.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/eventlog_int.h"

#define VALUES_MAX_BYTES (16u * 1024 * 1024) /* a rendering larger than this is refused */
#define FILETIME_UNIX_MS 11644473600000LL    /* ms from 1601-01-01 to 1970-01-01 */

struct evtx_values {
    EVT_HANDLE sys;  /* EvtRenderContextSystem */
    EVT_HANDLE data; /* EvtRenderContextValues over the fields' XPaths */
    char **names;    /* the fields, in the order of the XPaths */
    size_t n;
    EVT_VARIANT *buf; /* EvtRender output (grown as needed) */
    DWORD cap;        /* bytes */
};

/* A field name goes into an XPath between quotes: letters, digits and '_' only. */
static int field_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* Event/EventData/Data[@Name='NAME'] into out (128 wide chars; NAME passed field_name_ok). */
static void xpath_of(const char *name, wchar_t *out)
{
    static const wchar_t head[] = L"Event/EventData/Data[@Name='";
    size_t o = 0;
    for (size_t i = 0; head[i]; i++)
        out[o++] = head[i];
    while (*name)
        out[o++] = (wchar_t)(unsigned char)*name++;
    out[o++] = L'\'';
    out[o++] = L']';
    out[o] = 0;
}

evtx_values *evtx_values_new(const char *const *fields, size_t nfields, char *err, size_t errlen)
{
    evtx_values *v = NULL;
    wchar_t **paths = NULL;
    size_t i;

    if (!fields || nfields == 0 || nfields > EVTX_MAX_FIELDS) {
        snprintf(err, errlen, "values rendering needs 1 to %d field names", EVTX_MAX_FIELDS);
        return NULL;
    }
    if (!(v = calloc(1, sizeof *v)) || !(v->names = calloc(nfields, sizeof *v->names)) ||
        !(paths = calloc(nfields, sizeof *paths))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (i = 0; i < nfields; i++) {
        if (!field_name_ok(fields[i])) {
            snprintf(err, errlen, "invalid EventData field name '%.64s'", fields[i] ? fields[i] : "(null)");
            goto fail;
        }
        if (!(v->names[i] = _strdup(fields[i])) || !(paths[i] = calloc(128, sizeof **paths))) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        v->n = i + 1;
        xpath_of(fields[i], paths[i]);
    }
    v->sys = EvtCreateRenderContext(0, NULL, EvtRenderContextSystem);
    v->data = v->sys ? EvtCreateRenderContext((DWORD)nfields, (LPCWSTR *)paths, EvtRenderContextValues) : NULL;
    if (!v->sys || !v->data) {
        snprintf(err, errlen, "EvtCreateRenderContext failed (error %lu)", (unsigned long)GetLastError());
        goto fail;
    }
    for (i = 0; i < nfields; i++)
        free(paths[i]);
    free(paths);
    return v;
fail:
    if (paths)
        for (i = 0; i < nfields; i++)
            free(paths[i]);
    free(paths);
    evtx_values_free(v);
    return NULL;
}

void evtx_values_free(evtx_values *v)
{
    if (!v)
        return;
    if (v->sys)
        EvtClose(v->sys);
    if (v->data)
        EvtClose(v->data);
    for (size_t i = 0; v->names && i < v->n; i++)
        free(v->names[i]);
    free(v->names);
    free(v->buf);
    free(v);
}

/* EvtRender(EvtRenderEventValues) into v->buf; returns the number of values, -1 with *error set. */
static long render_values(evtx_values *v, EVT_HANDLE ctx, EVT_HANDLE record, DWORD *error)
{
    DWORD used = 0, count = 0;
    while (!EvtRender(ctx, record, EvtRenderEventValues, v->cap, v->buf, &used, &count)) {
        DWORD e = GetLastError();
        EVT_VARIANT *bigger;
        if (e != ERROR_INSUFFICIENT_BUFFER || used <= v->cap || used > VALUES_MAX_BYTES) {
            *error = e ? e : ERROR_INVALID_DATA;
            return -1;
        }
        if (!(bigger = realloc(v->buf, used))) {
            *error = ERROR_OUTOFMEMORY;
            return -1;
        }
        v->buf = bigger;
        v->cap = used;
    }
    return (long)count;
}

static char *printed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printed(const char *fmt, ...)
{
    char tmp[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return _strdup(tmp);
}

/* 100 ns units since 1601 as the XML rendering's ISO 8601 UTC text (7 fractional digits). */
static char *filetime_text(ULONGLONG ft)
{
    char ms_text[40];
    int64_t ms = (int64_t)(ft / 10000) - FILETIME_UNIX_MS;
    size_t dot;
    evtx_format_time(ms, ms_text, sizeof ms_text); /* "2020-08-02T11:33:06.521Z" */
    dot = strcspn(ms_text, ".");
    if (ms_text[dot] != '.')
        return _strdup(ms_text);
    snprintf(ms_text + dot, sizeof ms_text - dot, ".%07luZ", (unsigned long)(ft % 10000000u));
    return _strdup(ms_text);
}

static char *sid_text(PSID sid)
{
    wchar_t *w = NULL;
    char *s;
    if (!sid || !IsValidSid(sid) || !ConvertSidToStringSidW(sid, &w))
        return NULL;
    s = evtx_utf16_to_utf8((const uint16_t *)w, wcslen(w));
    LocalFree(w);
    return s;
}

static char *binary_text(const BYTE *p, DWORD n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *s = malloc((size_t)n * 2 + 1);
    if (!s)
        return NULL;
    for (DWORD i = 0; i < n; i++) {
        s[2 * i] = hex[p[i] >> 4];
        s[2 * i + 1] = hex[p[i] & 15];
    }
    s[(size_t)n * 2] = 0;
    return s;
}

char *evtx_values_text(const EVT_VARIANT *val, int *status)
{
    const GUID *g;
    const SYSTEMTIME *st;
    char *s = NULL;

    *status = -1;
    if ((val->Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeNull) {
        *status = 0;
        return NULL;
    }
    if (val->Type & EVT_VARIANT_TYPE_ARRAY)
        return NULL; /* not in the events the detector reads: the XML rendering takes it */
    switch (val->Type) {
    case EvtVarTypeString:
        s = val->StringVal ? evtx_utf16_to_utf8((const uint16_t *)val->StringVal, wcslen(val->StringVal))
                           : _strdup("");
        break;
    case EvtVarTypeAnsiString: s = _strdup(val->AnsiStringVal ? val->AnsiStringVal : ""); break;
    case EvtVarTypeSByte: s = printed("%d", (int)val->SByteVal); break;
    case EvtVarTypeByte: s = printed("%u", (unsigned)val->ByteVal); break;
    case EvtVarTypeInt16: s = printed("%d", (int)val->Int16Val); break;
    case EvtVarTypeUInt16: s = printed("%u", (unsigned)val->UInt16Val); break;
    case EvtVarTypeInt32: s = printed("%ld", (long)val->Int32Val); break;
    case EvtVarTypeUInt32: s = printed("%lu", (unsigned long)val->UInt32Val); break;
    case EvtVarTypeInt64: s = printed("%lld", (long long)val->Int64Val); break;
    case EvtVarTypeUInt64: s = printed("%llu", (unsigned long long)val->UInt64Val); break;
    case EvtVarTypeHexInt32: s = printed("0x%lx", (unsigned long)val->UInt32Val); break;
    case EvtVarTypeHexInt64: s = printed("0x%llx", (unsigned long long)val->UInt64Val); break;
    case EvtVarTypeSizeT: s = printed("0x%llx", (unsigned long long)val->SizeTVal); break;
    case EvtVarTypeBoolean: s = _strdup(val->BooleanVal ? "true" : "false"); break;
    case EvtVarTypeSingle: s = printed("%g", (double)val->SingleVal); break;
    case EvtVarTypeDouble: s = printed("%g", val->DoubleVal); break;
    case EvtVarTypeGuid:
        if (!(g = val->GuidVal))
            return NULL;
        s = printed("{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned long)g->Data1,
                    (unsigned)g->Data2, (unsigned)g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
                    g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
        break;
    case EvtVarTypeFileTime: s = filetime_text(val->FileTimeVal); break;
    case EvtVarTypeSysTime:
        if (!(st = val->SysTimeVal))
            return NULL;
        s = printed("%04u-%02u-%02uT%02u:%02u:%02u.%03u0000Z", st->wYear, st->wMonth, st->wDay, st->wHour,
                    st->wMinute, st->wSecond, st->wMilliseconds);
        break;
    case EvtVarTypeSid: s = sid_text(val->SidVal); break;
    case EvtVarTypeBinary: s = val->BinaryVal ? binary_text(val->BinaryVal, val->Count) : _strdup(""); break;
    default: return NULL;
    }
    if (s)
        *status = 1;
    return s;
}

/* A System string value into ev through set(); a null value leaves it empty. */
static int set_sys_text(evtx_event *ev, const EVT_VARIANT *val, int (*set)(evtx_event *, const char *, size_t))
{
    int st;
    char *s = evtx_values_text(val, &st);
    int rc = st == 0 ? 0 : !s ? -1 : set(ev, s, strlen(s));
    free(s);
    return rc;
}

static unsigned sys_uint(const EVT_VARIANT *val)
{
    switch (val->Type) {
    case EvtVarTypeByte: return val->ByteVal;
    case EvtVarTypeUInt16: return val->UInt16Val;
    case EvtVarTypeUInt32: return val->UInt32Val;
    default: return 0;
    }
}

int evtx_values_render(evtx_values *v, EVT_HANDLE record, evtx_event *ev, char *err, size_t errlen)
{
    DWORD e = 0;
    long n;
    size_t found = 0;
    const EVT_VARIANT *val;

    evtx_event_reset(ev);
    n = render_values(v, v->sys, record, &e);
    if (n < 0 || n < EvtSystemVersion + 1) {
        snprintf(err, errlen, "EvtRender(system values) failed (error %lu)", (unsigned long)(n < 0 ? e : 0));
        return -1;
    }
    val = v->buf;
    ev->event_id = sys_uint(&val[EvtSystemEventID]);
    ev->version = sys_uint(&val[EvtSystemVersion]);
    ev->record_id =
        val[EvtSystemEventRecordId].Type == EvtVarTypeUInt64 ? val[EvtSystemEventRecordId].UInt64Val : 0;
    if (val[EvtSystemTimeCreated].Type == EvtVarTypeFileTime)
        evtx_event_set_time_ms(ev, (int64_t)(val[EvtSystemTimeCreated].FileTimeVal / 10000) - FILETIME_UNIX_MS);
    if (set_sys_text(ev, &val[EvtSystemChannel], evtx_event_set_channel) != 0 ||
        set_sys_text(ev, &val[EvtSystemProviderName], evtx_event_set_provider) != 0 ||
        set_sys_text(ev, &val[EvtSystemComputer], evtx_event_set_computer) != 0) {
        snprintf(err, errlen, "a System value cannot be rendered");
        return -1;
    }

    n = render_values(v, v->data, record, &e);
    if (n < 0 || (size_t)n != v->n) {
        snprintf(err, errlen, "EvtRender(EventData values) failed (error %lu)", (unsigned long)(n < 0 ? e : 0));
        return -1;
    }
    for (size_t i = 0; i < v->n; i++) {
        int st;
        char *s = evtx_values_text(&v->buf[i], &st);
        found += st > 0;
        if (st < 0) {
            snprintf(err, errlen, "EventData %s: value of type %lu not rendered as values", v->names[i],
                     (unsigned long)v->buf[i].Type);
            return -1;
        }
        if (st > 0 && evtx_event_add_field(ev, v->names[i], s, strlen(s)) != 0) {
            free(s);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(s);
    }
    return found ? 0 : 1;
}
