/* utf16_win.c - UTF-8 <-> UTF-16 with MultiByteToWideChar / WideCharToMultiByte (utf16.h). */
#include "svc/base/utf16.h"

#include <windows.h>
#include <limits.h>
#include <stdlib.h>

wchar_t *utf16_from_utf8(const char *s, size_t len, int strict)
{
    DWORD flags = strict ? MB_ERR_INVALID_CHARS : 0;
    int in = len == UTF16_NUL ? -1 : (int)len, n;
    wchar_t *w;

    if (len != UTF16_NUL && len > INT_MAX)
        return NULL;
    if (in == 0) /* MultiByteToWideChar fails on an empty input */
        return calloc(1, sizeof *w);
    if ((n = MultiByteToWideChar(CP_UTF8, flags, s, in, NULL, 0)) <= 0)
        return NULL;
    if (!(w = malloc(((size_t)n + 1) * sizeof *w)))
        return NULL;
    if ((n = MultiByteToWideChar(CP_UTF8, flags, s, in, w, n)) <= 0) {
        free(w);
        return NULL;
    }
    w[n] = L'\0'; /* with len: MultiByteToWideChar does not add one */
    return w;
}

char *utf8_from_utf16(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc((size_t)n) : NULL;

    if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0) {
        free(s);
        s = NULL;
    }
    return s;
}

int utf16_from_utf8_buf(const char *s, wchar_t *out, size_t cap)
{
    int n = cap > INT_MAX ? INT_MAX : (int)cap;
    return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, out, n) > 0 ? 0 : -1;
}

int utf8_from_utf16_buf(const wchar_t *w, char *out, size_t cap)
{
    int n = cap > INT_MAX ? INT_MAX : (int)cap;
    return WideCharToMultiByte(CP_UTF8, 0, w, -1, out, n, NULL, NULL) > 0 ? 0 : -1;
}
