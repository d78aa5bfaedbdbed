/*
 * xml_record.c - parses one rendered <Event> record (EvtRender or evtxexport form) into the
 * normalised event with libxml2's streaming reader (xmlTextReader), reused across records.
 *
 * Safety: no network, no DTD loading, no entity expansion beyond XML's predefined entities;
 * libxml2's messages go to our handler (never to stderr) and become the record's skip reason.
 * Invalid UTF-8 and characters XML forbids are replaced by U+FFFD before parsing, so a hostile
 * value (say a username with invalid bytes) still reaches the detector instead of hiding the
 * whole record.
 */
#include "evtx/xml_record.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_CAP (EVTX_FIELD_MAX + 8) /* longer values are cut here and counted by the event */

struct xml_record_parser {
    xmlTextReaderPtr reader;
    char *fix, *fix2; /* sanitised copies of a record that needed repair */
    size_t fix_cap, fix2_cap;
    char *val; /* text of the element being captured */
    size_t val_len, val_cap;
    char *name; /* name of the field being captured */
    size_t name_cap;
    char xml_err[256]; /* first libxml2 error of the current record */
};

enum section { SEC_NONE, SEC_SYSTEM, SEC_EVENTDATA, SEC_USERDATA, SEC_OTHER };
enum capture { CAP_NONE, CAP_EVENTID, CAP_VERSION, CAP_RECORDID, CAP_CHANNEL, CAP_COMPUTER, CAP_FIELD };

xml_record_parser *xml_record_parser_new(void)
{
    xmlInitParser();
    return calloc(1, sizeof(xml_record_parser));
}

void xml_record_parser_free(xml_record_parser *p)
{
    if (!p)
        return;
    if (p->reader)
        xmlFreeTextReader(p->reader);
    free(p->fix);
    free(p->fix2);
    free(p->val);
    free(p->name);
    free(p);
}

static int grow(char **buf, size_t *cap, size_t need)
{
    char *nb;
    size_t ncap;
    if (*cap >= need)
        return 0;
    ncap = *cap ? *cap : 256;
    while (ncap < need)
        ncap *= 2;
    nb = realloc(*buf, ncap);
    if (!nb)
        return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

/* ---- input sanitising -------------------------------------------------------------------- */

static int xml_forbidden_at(const unsigned char *p, size_t left)
{
    if (p[0] < 0x20)
        return p[0] != '\t' && p[0] != '\n' && p[0] != '\r';
    /* U+FFFE and U+FFFF are not XML characters */
    return p[0] == 0xEF && left >= 3 && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
}

/* 1 when the record holds invalid UTF-8 or a character XML forbids (rare: fast path first). */
static int needs_repair(const char *xml, size_t len)
{
    const unsigned char *p = (const unsigned char *)xml;
    size_t i = 0;
    int high = 0;

    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            high = 1;
            if (c == 0xEF && xml_forbidden_at(p + i, len - i))
                return 1;
        } else if (xml_forbidden_at(p + i, len - i))
            return 1;
        i++;
    }
    return high && evtx_utf8_valid_prefix(xml, len) != len;
}

/* Returns a copy of xml with invalid UTF-8 and forbidden characters replaced by U+FFFD. */
static const char *repair_input(xml_record_parser *p, const char *xml, size_t *len)
{
    size_t n, o = 0;
    if (*len > (SIZE_MAX - 1) / 9 || grow(&p->fix, &p->fix_cap, 3 * *len + 1) != 0)
        return NULL;
    n = evtx_utf8_repair(p->fix, xml, *len);
    if (grow(&p->fix2, &p->fix2_cap, 3 * n + 1) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *c = (const unsigned char *)p->fix + i;
        if ((c[0] < 0x20 || c[0] == 0xEF) && xml_forbidden_at(c, n - i)) {
            memcpy(p->fix2 + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += c[0] == 0xEF ? 2 : 0;
        } else
            p->fix2[o++] = (char)c[0];
    }
    p->fix2[o] = '\0';
    *len = o;
    return p->fix2;
}

/* ---- libxml2 errors ---------------------------------------------------------------------- */

#if LIBXML_VERSION >= 21200
static void on_xml_error(void *ctx, const xmlError *e)
#else
static void on_xml_error(void *ctx, xmlErrorPtr e)
#endif
{
    xml_record_parser *p = ctx;
    size_t n;
    if (!e || e->level < XML_ERR_ERROR || p->xml_err[0])
        return;
    snprintf(p->xml_err, sizeof p->xml_err, "line %d: %s", e->line, e->message ? e->message : "XML error");
    n = strlen(p->xml_err);
    while (n > 0 && (p->xml_err[n - 1] == '\n' || p->xml_err[n - 1] == ' '))
        p->xml_err[--n] = '\0';
}

/* ---- numbers ----------------------------------------------------------------------------- */

int xml_record_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    size_t i = 0, end = len;
    uint64_t v = 0;
    while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' || s[end - 1] == '\n'))
        end--;
    if (i == end)
        return -1;
    for (; i < end; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int xml_record_peek_id(const char *xml, size_t len, unsigned *id)
{
    const char *p = xml, *end = xml + len;
    uint64_t v;

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        const char *q, *num;
        if (end - p < 9)
            return 0;
        if (p[1] == '!' || p[1] == '?') /* a comment or CDATA could hide a decoy EventID */
            return 0;
        if (memcmp(p + 1, "EventID", 7) != 0 ||
            (p[8] != '>' && p[8] != ' ' && p[8] != '\t' && p[8] != '\r' && p[8] != '\n')) {
            p++;
            continue;
        }
        q = p + 8;
        while (q < end && *q != '>' && *q != '<')
            q++;
        if (q >= end || *q != '>' || q[-1] == '/')
            return 0;
        num = ++q;
        while (q < end && *q != '<')
            q++;
        if (q >= end || xml_record_parse_u64(num, (size_t)(q - num), UINT_MAX, &v) != 0)
            return 0;
        *id = (unsigned)v;
        return 1;
    }
    return 0;
}

/* ---- the reader loop --------------------------------------------------------------------- */

struct walk {
    enum section sect;
    enum capture cap;
    int cap_depth;
    int have_id;
    char *err;
    size_t errlen;
};

static int set_name(xml_record_parser *p, const char *s)
{
    size_t n = strlen(s);
    if (grow(&p->name, &p->name_cap, n + 1) != 0)
        return -1;
    memcpy(p->name, s, n + 1);
    return 0;
}

static int append_text(xml_record_parser *p, const char *s)
{
    size_t n = strlen(s);
    if (p->val_len >= VALUE_CAP)
        return 0;
    if (n > VALUE_CAP - p->val_len)
        n = VALUE_CAP - p->val_len;
    if (grow(&p->val, &p->val_cap, p->val_len + n + 1) != 0)
        return -1;
    memcpy(p->val + p->val_len, s, n);
    p->val_len += n;
    p->val[p->val_len] = '\0';
    return 0;
}

/* Stores the captured text where it belongs. */
static int commit(xml_record_parser *p, struct walk *w, evtx_event *ev)
{
    uint64_t v;
    enum capture cap = w->cap;
    const char *val = p->val_len ? p->val : "";

    w->cap = CAP_NONE;
    switch (cap) {
    case CAP_EVENTID:
        if (xml_record_parse_u64(val, p->val_len, UINT_MAX, &v) != 0) {
            snprintf(w->err, w->errlen, "System/EventID is not a number");
            return -1;
        }
        ev->event_id = (unsigned)v;
        w->have_id = 1;
        return 0;
    case CAP_VERSION:
        ev->version = xml_record_parse_u64(val, p->val_len, UINT_MAX, &v) == 0 ? (unsigned)v : 0;
        return 0;
    case CAP_RECORDID:
        ev->record_id = xml_record_parse_u64(val, p->val_len, UINT64_MAX, &v) == 0 ? v : 0;
        return 0;
    case CAP_CHANNEL: return evtx_event_set_channel(ev, val, p->val_len);
    case CAP_COMPUTER: return evtx_event_set_computer(ev, val, p->val_len);
    case CAP_FIELD: return evtx_event_add_field(ev, p->name, val, p->val_len);
    case CAP_NONE: break;
    }
    return 0;
}

/* Value of attribute 'name' of the current element, or NULL; valid until the next read. */
static const char *attr(xmlTextReaderPtr r, const char *name)
{
    const char *v = NULL;
    if (xmlTextReaderMoveToAttribute(r, (const xmlChar *)name) == 1) {
        v = (const char *)xmlTextReaderConstValue(r);
        xmlTextReaderMoveToElement(r);
    }
    return v;
}

static int on_system_element(xmlTextReaderPtr r, const char *name, struct walk *w, evtx_event *ev)
{
    const char *v;
    if (strcmp(name, "EventID") == 0)
        w->cap = CAP_EVENTID;
    else if (strcmp(name, "Version") == 0)
        w->cap = CAP_VERSION;
    else if (strcmp(name, "EventRecordID") == 0)
        w->cap = CAP_RECORDID;
    else if (strcmp(name, "Channel") == 0)
        w->cap = CAP_CHANNEL;
    else if (strcmp(name, "Computer") == 0)
        w->cap = CAP_COMPUTER;
    else if (strcmp(name, "Provider") == 0 && (v = attr(r, "Name")) != NULL)
        return evtx_event_set_provider(ev, v, (size_t)-1);
    else if (strcmp(name, "TimeCreated") == 0 && (v = attr(r, "SystemTime")) != NULL)
        return evtx_event_set_time(ev, v);
    return 0;
}

static int on_element(xml_record_parser *p, struct walk *w, evtx_event *ev, int depth)
{
    xmlTextReaderPtr r = p->reader;
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    const char *v;

    if (!name)
        name = "";
    if (depth == 0) {
        if (strcmp(name, "Event") != 0) {
            snprintf(w->err, w->errlen, "root element is <%.64s>, not <Event>", name);
            return -1;
        }
        return 0;
    }
    if (depth == 1) {
        w->sect = strcmp(name, "System") == 0      ? SEC_SYSTEM
                  : strcmp(name, "EventData") == 0 ? SEC_EVENTDATA
                  : strcmp(name, "UserData") == 0  ? SEC_USERDATA
                                                   : SEC_OTHER;
        return 0;
    }
    if (w->cap != CAP_NONE) {
        if (w->sect != SEC_USERDATA)
            return 0;      /* markup inside a value: keep collecting its text */
        w->cap = CAP_NONE; /* UserData: the outer element was not a leaf */
    }
    if (w->sect == SEC_SYSTEM && depth == 2) {
        if (on_system_element(r, name, w, ev) != 0)
            return -1;
    } else if (w->sect == SEC_EVENTDATA && depth == 2 && strcmp(name, "Data") == 0) {
        v = attr(r, "Name");
        if (set_name(p, v ? v : "Data") != 0)
            return -1;
        w->cap = CAP_FIELD;
    } else if (w->sect == SEC_USERDATA && depth >= 3) {
        if (set_name(p, name) != 0)
            return -1;
        w->cap = CAP_FIELD;
    }
    if (w->cap == CAP_NONE)
        return 0;
    p->val_len = 0;
    w->cap_depth = depth;
    return xmlTextReaderIsEmptyElement(r) ? commit(p, w, ev) : 0;
}

static int walk_record(xml_record_parser *p, struct walk *w, evtx_event *ev)
{
    xmlTextReaderPtr r = p->reader;
    int ret;

    while ((ret = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        const char *text;

        switch (type) {
        case XML_READER_TYPE_ELEMENT:
            if (on_element(p, w, ev, depth) != 0)
                return -1;
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            if (w->cap != CAP_NONE && (text = (const char *)xmlTextReaderConstValue(r)) != NULL &&
                append_text(p, text) != 0)
                return -1;
            break;
        case XML_READER_TYPE_END_ELEMENT:
            if (w->cap != CAP_NONE && depth == w->cap_depth && commit(p, w, ev) != 0)
                return -1;
            if (depth == 1)
                w->sect = SEC_NONE;
            break;
        default: break;
        }
    }
    if (ret < 0) {
        snprintf(w->err, w->errlen, "not well-formed XML: %s", p->xml_err[0] ? p->xml_err : "parse error");
        return -1;
    }
    if (!w->have_id) {
        snprintf(w->err, w->errlen, "no System/EventID");
        return -1;
    }
    return 0;
}

/* One pass of the reader over xml[0..len). */
static int parse_once(xml_record_parser *p, const char *xml, size_t len, evtx_event *ev, char *err, size_t errlen)
{
    /* No XML_PARSE_NOBLANKS: libxml2 guesses whether whitespace is formatting from what follows
     * it in the reader's current input buffer, so a whitespace-only value would be kept or dropped
     * depending on its offset. Formatting between elements is ignored anyway: text is only
     * collected inside a value (walk_record). */
    const int opts = XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_NOCDATA;
    struct walk w = {SEC_NONE, CAP_NONE, 0, 0, err, errlen};

    err[0] = '\0';
    p->xml_err[0] = '\0';
    evtx_event_reset(ev);
    if (!p->reader)
        p->reader = xmlReaderForMemory(xml, (int)len, NULL, NULL, opts);
    else if (xmlReaderNewMemory(p->reader, xml, (int)len, NULL, NULL, opts) != 0) {
        xmlFreeTextReader(p->reader);
        p->reader = xmlReaderForMemory(xml, (int)len, NULL, NULL, opts);
    }
    if (!p->reader) {
        snprintf(err, errlen, "cannot create XML reader");
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(p->reader, on_xml_error, p);
    if (walk_record(p, &w, ev) != 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory");
        evtx_event_reset(ev); /* leave no half-built event behind */
        return -1;
    }
    return 0;
}

int xml_record_parse(xml_record_parser *p, const char *xml, size_t len, evtx_event *ev, char *err, size_t errlen)
{
    char dummy[1];

    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (len > INT_MAX / 9) {
        evtx_event_reset(ev);
        snprintf(err, errlen, "record too large");
        return -1;
    }
    /* libxml2 rejects invalid UTF-8 and forbidden characters: only then look for them (the
     * common case pays nothing), replace them by U+FFFD and parse again. */
    if (parse_once(p, xml, len, ev, err, errlen) == 0)
        return 0;
    if (!needs_repair(xml, len))
        return -1;
    if ((xml = repair_input(p, xml, &len)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return parse_once(p, xml, len, ev, err, errlen);
}

int evtx_parse_event_xml(const char *xml, size_t len, evtx_event *ev, char *err, size_t errlen)
{
    xml_record_parser *p = xml_record_parser_new();
    int rc;

    if (!p) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = xml_record_parse(p, xml, len, ev, err, errlen);
    xml_record_parser_free(p);
    return rc;
}
