/*
 * xml_record.h - private interface between the record splitter (xml_stream.c) and the parser
 * of one rendered <Event> record (xml_record.c). Not part of the public API.
 */
#ifndef ADDECOY_EVTX_XML_RECORD_H
#define ADDECOY_EVTX_XML_RECORD_H

#include "evtx/evtx.h"

/* One reusable libxml2 reader plus scratch buffers: create once per stream. */
typedef struct xml_record_parser xml_record_parser;

xml_record_parser *xml_record_parser_new(void);
void xml_record_parser_free(xml_record_parser *p);

/* Parses one <Event> record into ev (reset first). -1 = malformed (err says why) or no memory. */
int xml_record_parse(xml_record_parser *p, const char *xml, size_t len, evtx_event *ev, char *err, size_t errlen);

/* Cheap scan for System/EventID without parsing. Returns 1 and sets *id when the text states it
 * unambiguously, 0 when only a full parse can tell. */
int xml_record_peek_id(const char *xml, size_t len, unsigned *id);

/* Decimal number of XML text (surrounding whitespace allowed) up to max: 0, or -1 when it is not
 * one. Shared with the direct .evtx path (binxml_direct.c) so both read numbers alike. */
int xml_record_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif
