/* utf16.h - UTF-8 <-> UTF-16 for the Windows API (utf16_win.c; only *_win.c files use it). Every
 * string inside the tree is UTF-8; it becomes UTF-16 at the Win32 call and comes back at once. */
#ifndef ADDECOY_SVC_UTF16_H
#define ADDECOY_SVC_UTF16_H

#include <stddef.h>
#include <wchar.h>

#define UTF16_NUL ((size_t)-1) /* len: up to the terminating NUL */

/* UTF-8 s (len bytes, or up to its NUL with UTF16_NUL) as a malloc'd NUL-terminated UTF-16 string.
 * strict: NULL when s is not valid UTF-8 (paths, names); otherwise invalid bytes become U+FFFD
 * (text for a person: an alert, an event query). NULL also when out of memory. */
wchar_t *utf16_from_utf8(const char *s, size_t len, int strict);
/* UTF-16 w as a malloc'd UTF-8 string; NULL on an error. */
char *utf8_from_utf16(const wchar_t *w);
/* The same into a caller's buffer of cap units, NUL included (strict UTF-8 for the first): 0, or
 * -1 when the input is invalid or does not fit. */
int utf16_from_utf8_buf(const char *s, wchar_t *out, size_t cap);
int utf8_from_utf16_buf(const wchar_t *w, char *out, size_t cap);

#endif
