/* fake_wevtapi.h - TEST ONLY: the handle shared by the fake wevtapi.dll's files (fake_wevtapi.c:
 * subscription, records, bookmarks; fake_wevtapi_values.c: render contexts and values). */
#ifndef ADDECOY_FAKE_WEVTAPI_H
#define ADDECOY_FAKE_WEVTAPI_H

#include <windows.h>

#include <winevt.h>

enum { H_SUB = 0x53554231, H_EVENT, H_BOOKMARK, H_CONTEXT };

#define CTX_FIELDS 128

typedef struct fake_handle {
    int kind;
    unsigned long long pos; /* sub: records consumed; event: its record; bookmark: last record */
    int has_pos;            /* bookmark: holds a position */
    HANDLE signal;
    HANDLE watcher; /* sub: thread that signals when the log grows */
    volatile LONG stop;
    wchar_t channel[128];
    char *xml;      /* event: its line */
    int system;     /* context: EvtRenderContextSystem */
    size_t nfields; /* context: the Data names of its XPaths */
    char fields[CTX_FIELDS][72];
} fake_handle;

fake_handle *fake_new_handle(int kind);

/* EvtRender(EvtRenderEventValues) of one replayed <Event> line through a render context. */
BOOL fake_render_values(const fake_handle *ctx, const char *xml, DWORD size, PVOID buf, PDWORD used,
                        PDWORD count);

#endif
