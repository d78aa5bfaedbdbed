/*
 * binxml_name.c - BinXML name structures (element and attribute names) read from a chunk and
 * reduced to XML name characters, so that a name can never inject markup. Shared by the renderer
 * (binxml.c) and the direct path's template compiler (binxml_template.c).
 */
#include "evtx/binxml.h"
#include "evtx/evtx.h"

#include <stdlib.h>
#include <string.h>

size_t binxml_name_size(const uint8_t *c, size_t clen, size_t off)
{
    size_t n;
    if (off > clen || clen - off < 8)
        return 0;
    n = (size_t)(c[off + 6] | (c[off + 7] << 8));
    if ((clen - off - 8) / 2 < n + 1)
        return 0;
    return 8 + 2 * n + 2;
}

char *binxml_name_utf8(const uint8_t *c, size_t off, size_t sz, int *changed)
{
    size_t n = (sz - 10) / 2, i;
    uint16_t *u;
    char *s;
    int ch_ = 0;

    u = malloc((n ? n : 1) * sizeof *u);
    if (!u)
        return NULL;
    for (i = 0; i < n; i++)
        u[i] = (uint16_t)(c[off + 8 + 2 * i] | (c[off + 9 + 2 * i] << 8));
    s = evtx_utf16_to_utf8(u, n);
    free(u);
    if (!s)
        return NULL;
    for (i = 0; s[i]; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80 || ch == ':')
            ch_ = 1; /* valid in a rendered name, but not in the direct path's plain form */
        if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                           ch == '_' || ch == '-' || ch == '.' || ch == ':')) {
            s[i] = '_';
            ch_ = 1;
        }
    }
    if (i != n)
        ch_ = 1; /* a NUL inside the name */
    if (!s[0] || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '.') {
        char *p = malloc(i + 2);
        if (p) {
            p[0] = '_';
            memcpy(p + 1, s, i + 1);
        }
        free(s);
        s = p;
        ch_ = 1;
    }
    if (changed)
        *changed = ch_;
    return s;
}
