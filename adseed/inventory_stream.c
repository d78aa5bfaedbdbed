/*
 * inventory_stream.c - parsing the decoy inventory without building the whole document, from a
 * buffer (adseed_inventory_parse) or from a file read in blocks (adseed_inventory_load,
 * adseed_pack_load). The top-level object is scanned here; its members other than "decoys" are
 * parsed whole by jansson (they are small) and "decoys" is read one element at a time: json_loadb
 * with JSON_DISABLE_EOF_CHECK parses one value and reports in position the bytes it used, so only
 * one entry's jansson object exists at once. Syntax errors are those jansson reports for the whole
 * file, with the file's line and column. Entries are validated by inventory_entry.c (every error
 * names the file, decoys[i] (name) and the field). Error precedence is that of a whole-document load: the
 * first syntax error in the file, then 'version', then 'decoys', then the first invalid entry.
 *
 * From a file, the text is a window of the file: bytes before the value being read are dropped
 * (their lines and columns counted for error messages) and the next block is read when a value
 * reaches the window's end, the window growing only for a value larger than itself. So memory
 * holds one entry's text and jansson object at a time, whatever the size of the file. A value is
 * accepted only when a byte after it was seen (a number cut by the window's end is read again),
 * and an error only when it lies well before the window's end.
 */
#include "adseed/inventory_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "svc/base/hash.h"

/* Flags for one value inside the document: as strict as the whole-document load. */
#define VALUE_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK)
/* Flags for lexing a single token (a key, or an unexpected token to quote in an error). */
#define TOKEN_FLAGS (JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL)

/* ---- building the inventory, one entry at a time --------------------------------------------- */
typedef struct loader {
    const char *origin;
    adseed_inventory inv; /* being built; handed over only when everything is valid */
    adseed_pack *pack;    /* or this, when packing */
    uint32_t *seen;       /* duplicate-name set: indexes + 1 of the decoys, 0 = empty */
    size_t nslots;
    int version_ok; /* "version": 1 seen */
    int decoys;     /* 0 absent, 1 an array, -1 something else */
    int failed;     /* an entry error is in err; later entries are only syntax-checked */
    char *err;
    size_t errlen;
} loader;

static int name_eq_nocase(const char *a, const char *b)
{
    for (; tolower((unsigned char)*a) == tolower((unsigned char)*b); a++, b++)
        if (!*a)
            return 1;
    return 0;
}

static size_t name_hash(const char *name) { return (size_t)hash_fnv1a_lower(name, strlen(name)); }

static size_t loader_count(const loader *ld)
{
    return ld->pack ? adseed_pack_count(ld->pack) : ld->inv.ndecoys;
}

static const char *loader_name(const loader *ld, size_t i)
{
    return ld->pack ? inventory_pack_name(ld->pack, i) : ld->inv.decoys[i].name;
}

static void seen_put(uint32_t *slots, size_t nslots, size_t hash, uint32_t value)
{
    size_t i = hash & (nslots - 1);
    while (slots[i])
        i = (i + 1) & (nslots - 1);
    slots[i] = value;
}

/* Open addressing, kept at most half full; doubling rehashes by name. */
static int seen_grow(loader *ld)
{
    size_t n = ld->nslots ? ld->nslots * 2 : 64;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < ld->nslots; i++)
        if (ld->seen[i])
            seen_put(s, n, name_hash(loader_name(ld, ld->seen[i] - 1)), ld->seen[i]);
    free(ld->seen);
    ld->seen = s;
    ld->nslots = n;
    return 0;
}

/* 1 when name is already in the inventory, else records the index it will get (loader_count) and
 * returns 0; -1 when out of memory. Case-insensitive, in constant time. */
static int seen_insert(loader *ld, const char *name)
{
    size_t h = name_hash(name), i, n = loader_count(ld);
    if (n >= UINT32_MAX - 1 || ((n + 1) * 2 > ld->nslots && seen_grow(ld) != 0))
        return -1;
    for (i = h & (ld->nslots - 1); ld->seen[i]; i = (i + 1) & (ld->nslots - 1))
        if (name_eq_nocase(loader_name(ld, ld->seen[i] - 1), name))
            return 1;
    ld->seen[i] = (uint32_t)n + 1;
    return 0;
}

static void loader_entry(loader *ld, size_t index, json_t *obj)
{
    inventory_entry_ctx c = {ld->origin, index, NULL, ld->err, ld->errlen};
    adseed_decoy d;
    int dup;

    if (ld->failed)
        return;
    memset(&d, 0, sizeof d);
    if (inventory_entry_parse(&c, obj, &d) != 0)
        goto fail;
    dup = seen_insert(ld, d.name);
    if (dup > 0) {
        inventory_entry_error(&c, "name", "duplicate name (names are case-insensitive)");
        goto fail;
    }
    if (dup < 0 || (ld->pack ? inventory_pack_append(ld->pack, &d) : inventory_append(&ld->inv, &d)) != 0) {
        snprintf(ld->err, ld->errlen, "%s: out of memory", ld->origin);
        goto fail;
    }
    adseed_decoy_free(&d); /* moved into inv, or copied into the pack */
    return;
fail:
    ld->failed = 1;
    adseed_decoy_free(&d);
}

/* A top-level member other than "decoys" as an array (which is streamed). */
static void loader_member(loader *ld, const char *key, const json_t *v)
{
    if (strcmp(key, "version") == 0)
        ld->version_ok = json_is_integer(v) && json_integer_value(v) == 1;
    else if (strcmp(key, "decoys") == 0)
        ld->decoys = -1;
}

/* ---- the streaming JSON reader ---------------------------------------------------------------- */
/* Reports errors exactly as jansson's whole-document parser does: same text, and line and column
 * counted as jansson counts them (column in UTF-8 characters) from the start of the file.
 * Positions (pos, at) are byte offsets in the document; the window buf holds [base, base + len). */
#define BLOCK_BYTES (64 * 1024)
#define ERROR_MARGIN 16 /* an error this far before the window's end does not depend on what follows */

typedef struct scan {
    const char *buf;
    size_t base, len, pos;
    int line, col; /* jansson's line and column at base */
    int eof;       /* the window reaches the end of the document */
    FILE *f;       /* NULL: the document is all in buf */
    char *own;     /* the window's memory, when reading f */
    size_t cap, block;
    int whole; /* f must be parsed whole instead (a NUL byte, or not an object) */
    int read_errno, oom;
    loader *ld;
} scan;

static size_t scan_end(const scan *s) { return s->base + s->len; }

static const char *scan_ptr(const scan *s, size_t at) { return s->buf + (at - s->base); }

static void count_position(const char *p, size_t n, int *line, int *col)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)p[i];
        if (b == '\n') {
            (*line)++;
            *col = 0;
        } else if (b < 0x80 || (b >= 0xc2 && b <= 0xf4)) { /* first byte of a UTF-8 sequence */
            (*col)++;
        }
    }
}

/* Reads the next block of f into the window, first dropping the bytes before pos. 0 when bytes
 * were added; -1 at the end of the document, on a read error, when out of memory, or on a NUL byte
 * (whole is set: such a file is parsed whole). */
static int more(scan *s)
{
    size_t drop, n;

    if (s->eof)
        return -1;
    drop = s->pos - s->base;
    if (drop) {
        count_position(s->own, drop, &s->line, &s->col);
        memmove(s->own, s->own + drop, s->len - drop);
        s->base += drop;
        s->len -= drop;
    }
    if (s->cap - s->len < (s->cap + 1) / 2 || s->cap == 0) { /* a value over half the window */
        size_t ncap = s->cap ? s->cap * 2 : s->block;
        char *w = ncap > s->cap ? realloc(s->own, ncap) : NULL;
        if (!w) {
            s->oom = s->eof = 1;
            return -1;
        }
        s->own = w;
        s->cap = ncap;
    }
    s->buf = s->own;
    n = fread(s->own + s->len, 1, s->cap - s->len, s->f);
    if (n == 0) {
        if (ferror(s->f))
            s->read_errno = errno ? errno : EIO;
        s->eof = 1;
        return -1;
    }
    if (memchr(s->own + s->len, '\0', n)) {
        s->whole = s->eof = 1;
        return -1;
    }
    s->len += n;
    return 0;
}

/* At least one byte at pos, unless the document ends there. */
static int have_byte(scan *s)
{
    while (s->pos >= scan_end(s))
        if (more(s) != 0)
            return 0;
    return 1;
}

static void skip_ws(scan *s)
{
    while (have_byte(s)) {
        char c = *scan_ptr(s, s->pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        s->pos++;
    }
}

static int out_of_memory(const scan *s)
{
    snprintf(s->ld->err, s->ld->errlen, "%s: out of memory", s->ld->origin);
    return -1;
}

static int at_char(scan *s, char c) { return have_byte(s) && *scan_ptr(s, s->pos) == c; }

static int syntax_error(const scan *s, size_t at, const char *fmt, ...)
{
    char text[JSON_ERROR_TEXT_LENGTH + 64];
    int line = s->line, col = s->col;
    va_list ap;

    if (at > scan_end(s))
        at = scan_end(s);
    if (at < s->base) /* not reached: the window keeps every byte from the value being read */
        at = s->base;
    count_position(s->buf, at - s->base, &line, &col);
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(s->ld->err, s->ld->errlen, "%s:%d:%d: invalid JSON: %s", s->ld->origin, line, col, text);
    return -1;
}

/* json_loadb of the value at pos, reading more of the file until the answer cannot depend on
 * what follows the window. */
static json_t *load_at(scan *s, size_t flags, json_error_t *e)
{
    for (;;) {
        size_t avail = scan_end(s) - s->pos;
        json_t *v = json_loadb(scan_ptr(s, s->pos), avail, flags, e);
        size_t used = (size_t)(e->position < 0 ? 0 : e->position);

        if (s->eof)
            return v;
        if (v && !e->text[0] && used < avail) /* the byte after the value was seen */
            return v;
        if (e->text[0] && used + ERROR_MARGIN < avail)
            return v;
        json_decref(v);
        more(s); /* at the end of the file (or on a failure, reported by the caller), eof is set */
    }
}

/* jansson's error from a json_loadb() that started at byte base. */
static int relay_error(const scan *s, size_t base, const json_error_t *e)
{
    if (!e->text[0]) /* jansson sets no message when it runs out of memory */
        return out_of_memory(s);
    return syntax_error(s, base + (size_t)e->position, "%s", e->text);
}

/* "msg near 'token'" for the n-byte token at byte at; jansson quotes tokens up to 20 bytes. */
static int near_error(const scan *s, const char *msg, size_t at, size_t n)
{
    if (at >= scan_end(s))
        return syntax_error(s, scan_end(s), "%s near end of file", msg);
    if (n <= 20)
        return syntax_error(s, at + n, "%s near '%.*s'", msg, (int)n, scan_ptr(s, at));
    return syntax_error(s, at + n, "%s", msg);
}

/* The token at s->pos is not the expected one: report it as jansson would. A string, number or
 * literal is lexed by jansson; its lexical errors (bad escape, invalid UTF-8...) come first. */
static int token_error(scan *s, const char *msg)
{
    json_error_t e;
    json_t *v;

    if (!have_byte(s) || strchr("{}[]:,", *scan_ptr(s, s->pos)))
        return near_error(s, msg, s->pos, 1);
    v = load_at(s, TOKEN_FLAGS, &e);
    json_decref(v);
    if (v && !e.text[0])
        return near_error(s, msg, s->pos, (size_t)e.position);
    if (strncmp(e.text, "invalid token", 13) == 0) /* no lexical error: the structural one */
        return syntax_error(s, s->pos + (size_t)e.position, "%s%s", msg, e.text + 13);
    return relay_error(s, s->pos, &e);
}

/* jansson refuses values nested deeper than JSON_PARSER_MAX_DEPTH, counted from the root, where a
 * member's value is at depth 2 and an entry at 3; parsed alone they start at 1. A value that may
 * be that deep (2 bytes a level), or the part of one read up to a depth error, is parsed again
 * wrapped in depth - 1 arrays, for the error a whole-document parse reports. */
static int check_depth(const scan *s, size_t at, size_t n, int depth)
{
    size_t pre = (size_t)depth - 1;
    json_error_t e;
    json_t *v;
    char *w = malloc(n + 2 * pre);

    if (!w)
        return out_of_memory(s);
    memset(w, '[', pre);
    memcpy(w + pre, scan_ptr(s, at), n);
    memset(w + pre + n, ']', pre);
    v = json_loadb(w, n + 2 * pre, VALUE_FLAGS, &e);
    free(w);
    json_decref(v);
    if (v)
        return 0;
    e.position -= (int)pre;
    return relay_error(s, at, &e);
}

/* One value at s->pos, parsed by jansson at the given depth (0: a key); advances past it. NULL
 * after an error. A number or a literal can be parsed while the byte after it fails to decode as
 * UTF-8: jansson then returns the value with the error set, which a whole-document parse reports. */
static json_t *scan_value(scan *s, size_t flags, int depth)
{
    size_t deep_enough = 2 * (JSON_PARSER_MAX_DEPTH - (size_t)depth) + 1;
    json_error_t e;
    json_t *v = load_at(s, flags, &e);

    if (!v || e.text[0]) {
        json_decref(v);
        if (!depth || strncmp(e.text, "maximum parsing depth", 21) != 0 ||
            check_depth(s, s->pos, (size_t)e.position, depth) == 0)
            relay_error(s, s->pos, &e);
        return NULL;
    }
    if (depth && (size_t)e.position >= deep_enough && check_depth(s, s->pos, (size_t)e.position, depth) != 0) {
        json_decref(v);
        return NULL;
    }
    s->pos += (size_t)e.position;
    return v;
}

/* A member key at s->pos; rejects NUL bytes and keys already in keys, as jansson does. */
static json_t *scan_key(scan *s, json_t *keys)
{
    size_t at = s->pos;
    json_t *k;
    const char *msg = NULL;
    int oom = 0;

    if (!at_char(s, '"')) {
        token_error(s, "string or '}' expected");
        return NULL;
    }
    k = scan_value(s, TOKEN_FLAGS, 0);
    if (!k)
        return NULL;
    if (strlen(json_string_value(k)) != json_string_length(k))
        msg = "NUL byte in object key not supported";
    else if (json_object_get(keys, json_string_value(k)))
        msg = "duplicate object key";
    else
        oom = json_object_set_new(keys, json_string_value(k), json_null()) != 0;
    if (msg || oom) {
        if (oom)
            out_of_memory(s);
        else
            near_error(s, msg, at, s->pos - at);
        json_decref(k);
        return NULL;
    }
    return k;
}
/* The "decoys" array, s->pos at its '[': one element parsed, validated and freed at a time. */
static int scan_decoys(scan *s)
{
    s->ld->decoys = 1;
    s->pos++;
    skip_ws(s);
    if (at_char(s, ']')) {
        s->pos++;
        return 0;
    }
    for (size_t i = 0;; i++) {
        json_t *v;
        skip_ws(s);
        if (!have_byte(s))
            return token_error(s, "']' expected");
        v = scan_value(s, VALUE_FLAGS, 3);
        if (!v)
            return -1;
        loader_entry(s->ld, i, v);
        json_decref(v);
        skip_ws(s);
        if (!at_char(s, ','))
            break;
        s->pos++;
    }
    if (!at_char(s, ']'))
        return token_error(s, "']' expected");
    s->pos++;
    return 0;
}

/* Parsed whole, as before: a document that is not an object (for jansson's own error), and one
 * with a NUL byte, which jansson's reader drops after a number or a literal so that its positions
 * no longer match byte offsets. Neither is a real inventory. */
static int scan_whole(scan *s)
{
    json_error_t e;
    json_t *root = json_loadb(s->buf, s->len, JSON_REJECT_DUPLICATES, &e), *v, *el;
    const char *key;
    size_t i;

    if (!root && !e.text[0])
        out_of_memory(s);
    else if (!root)
        snprintf(s->ld->err, s->ld->errlen, "%s:%d:%d: invalid JSON: %s", s->ld->origin, e.line, e.column,
                 e.text);
    else if (!json_is_object(root))
        snprintf(s->ld->err, s->ld->errlen, "%s: the inventory must be a JSON object", s->ld->origin);
    if (!json_is_object(root)) {
        json_decref(root);
        return -1;
    }
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "decoys") == 0 && json_is_array(v)) {
            s->ld->decoys = 1;
            json_array_foreach(v, i, el) loader_entry(s->ld, i, el);
        } else {
            loader_member(s->ld, key, v);
        }
    }
    json_decref(root);
    return 0;
}

/* The members of the top-level object, s->pos after its '{', up to and including its '}'. */
static int scan_members(scan *s, json_t *keys)
{
    json_t *key = NULL, *v;
    int rc = -1;

    for (;;) {
        skip_ws(s);
        key = scan_key(s, keys);
        if (!key)
            goto out;
        skip_ws(s);
        if (!at_char(s, ':')) {
            token_error(s, "':' expected");
            goto out;
        }
        s->pos++;
        skip_ws(s);
        if (strcmp(json_string_value(key), "decoys") == 0 && at_char(s, '[')) {
            if (scan_decoys(s) != 0)
                goto out;
        } else {
            v = scan_value(s, VALUE_FLAGS, 2);
            if (!v)
                goto out;
            loader_member(s->ld, json_string_value(key), v);
            json_decref(v);
        }
        json_decref(key);
        key = NULL;
        skip_ws(s);
        if (!at_char(s, ','))
            break;
        s->pos++;
    }
    if (!at_char(s, '}')) {
        token_error(s, "'}' expected");
        goto out;
    }
    s->pos++;
    rc = 0;
out:
    json_decref(key);
    return rc;
}

/* The whole document: {"key": value, ...} then the end of the file. */
static int scan_document(scan *s)
{
    json_t *keys;
    int rc;

    skip_ws(s);
    if (s->f && !at_char(s, '{')) {
        s->whole = 1; /* not an object: the caller parses the file whole for jansson's error */
        return -1;
    }
    if (!at_char(s, '{') || memchr(s->buf, '\0', s->len))
        return scan_whole(s);
    s->pos++;
    skip_ws(s);
    if (at_char(s, '}')) { /* {} */
        s->pos++;
    } else {
        keys = json_object(); /* the keys seen, to reject duplicates */
        if (!keys)
            return out_of_memory(s);
        rc = scan_members(s, keys);
        json_decref(keys);
        if (rc != 0)
            return -1;
    }
    skip_ws(s);
    if (have_byte(s))
        return token_error(s, "end of file expected");
    return 0;
}

/* ---- the entry point -------------------------------------------------------------------------- */
int inventory_stream(adseed_inventory *inv, adseed_pack **pack, const char *json, size_t len, FILE *f,
                     size_t block, const char *origin, char *err, size_t errlen)
{
    loader ld;
    scan s;
    int rc = -1;

    memset(&ld, 0, sizeof ld);
    memset(&s, 0, sizeof s);
    adseed_inventory_init(&ld.inv);
    ld.origin = origin ? origin : "inventory";
    ld.err = err;
    ld.errlen = errlen;
    s.buf = json && !f ? json : "";
    s.len = json && !f ? len : 0;
    s.eof = !f;
    s.f = f;
    s.block = block ? block : BLOCK_BYTES;
    s.line = 1;
    s.ld = &ld;
    if (pack && !(ld.pack = inventory_pack_new())) {
        snprintf(err, errlen, "%s: out of memory", ld.origin);
        goto out;
    }
    if (scan_document(&s) != 0 && !s.whole && !s.read_errno && !s.oom)
        goto out;
    if (s.whole) {
        rc = -2;
        goto out;
    }
    if (s.read_errno) {
        snprintf(err, errlen, "%s: read error: %s", ld.origin, strerror(s.read_errno));
        goto out;
    }
    if (s.oom) {
        snprintf(err, errlen, "%s: out of memory", ld.origin);
        goto out;
    }
    free(s.own); /* the text is no longer needed: give it back before the last steps */
    s.own = NULL;
    free(ld.seen);
    ld.seen = NULL;
    if (!ld.version_ok) {
        snprintf(err, errlen, "%s: field 'version': must be 1 (the only inventory version)", ld.origin);
        goto out;
    }
    if (ld.decoys != 1) {
        snprintf(err, errlen, "%s: field 'decoys': required, an array", ld.origin);
        goto out;
    }
    if (ld.failed)
        goto out;
    if (ld.pack) {
        inventory_pack_done(ld.pack);
        *pack = ld.pack;
        ld.pack = NULL;
    } else {
        if (ld.inv.cap > ld.inv.ndecoys && ld.inv.ndecoys) { /* give back the growth slack */
            adseed_decoy *d = realloc(ld.inv.decoys, ld.inv.ndecoys * sizeof *d);
            if (d) {
                ld.inv.decoys = d;
                ld.inv.cap = ld.inv.ndecoys;
            }
        }
        adseed_inventory_free(inv);
        *inv = ld.inv;
        adseed_inventory_init(&ld.inv);
    }
    rc = 0;
out:
    free(s.own);
    free(ld.seen);
    adseed_inventory_free(&ld.inv);
    adseed_pack_free(ld.pack);
    return rc;
}

int adseed_inventory_parse(adseed_inventory *inv, const char *json, size_t len, const char *origin, char *err,
                           size_t errlen)
{
    return inventory_stream(inv, NULL, json, len, NULL, 0, origin, err, errlen);
}

int adseed_pack_parse(adseed_pack **out, const char *json, size_t len, const char *origin, char *err, size_t errlen)
{
    return inventory_stream(NULL, out, json, len, NULL, 0, origin, err, errlen);
}
