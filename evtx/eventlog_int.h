/*
 * eventlog_int.h - private to the Windows event log source (eventlog_win.c): rendering only the
 * values the caller asked for (eventlog_values_win.c) instead of the whole event as XML.
 */
#ifndef ADDECOY_EVTX_EVENTLOG_INT_H
#define ADDECOY_EVTX_EVENTLOG_INT_H

#include <windows.h>

#include <winevt.h>

#include <stddef.h>

#include "evtx/evtx.h"

typedef struct evtx_values evtx_values;

/* Render contexts for the System values and for Event/EventData/Data[@Name='...'] of each field.
 * Returns NULL with err set (bad field name, too many fields, EvtCreateRenderContext failed). */
evtx_values *evtx_values_new(const char *const *fields, size_t nfields, char *err, size_t errlen);
void evtx_values_free(evtx_values *v);

/* Fills ev (reset first) from one record: the System values and each field that has a value, as
 * the XML rendering would show it (so the detector sees the same text). Returns 0; 1 when none of
 * the fields has a value (a UserData event such as 1102, or one without these fields: the caller
 * renders it as XML, which holds every field); -1 with err set when the record cannot be rendered
 * this way (the caller falls back to XML). */
int evtx_values_render(evtx_values *v, EVT_HANDLE record, evtx_event *ev, char *err, size_t errlen);

/* One value as text, as the XML rendering shows it (UTF-8, malloc'd). NULL with *status 0: the
 * value is null (absent); NULL with *status -1: a type this code does not render, or no memory. */
char *evtx_values_text(const EVT_VARIANT *val, int *status);

#endif
