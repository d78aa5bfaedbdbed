/* json_int.h - private interface between the JSON event modules: the hardened loader of one line
 * (json_line.c) used by the layout mapping (json_event.c). Not part of the public API. */
#ifndef ADDECOY_EVTX_JSON_INT_H
#define ADDECOY_EVTX_JSON_INT_H

#include <jansson.h>
#include <stddef.h>

/* Loads one line as a JSON object (a UTF-8 BOM and surrounding blanks are ignored). Nesting
 * deeper than EVTX_JSON_DEPTH_MAX is refused before parsing; invalid UTF-8, raw control characters
 * inside strings and lone surrogate escapes are replaced by U+FFFD and the line parsed again;
 * duplicate keys are accepted (the last value wins) and reported in *dup_keys. Returns the
 * object (caller json_decref's it) or NULL with the reason in err. */
json_t *json_line_load(const char *line, size_t len, int *dup_keys, char *err, size_t errlen);

#endif
