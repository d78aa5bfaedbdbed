/*
 * html.h - private to adseed: escaping text for HTML (element content and quoted attribute values,
 * also inside inline SVG). Every value adseed puts in a page is admin-typed or attacker-influenced.
 */
#ifndef ADDECOY_ADSEED_HTML_H
#define ADDECOY_ADSEED_HTML_H

#include "adseed/decoy.h"

/* Appends s to b escaped: & < > " ' as character references; C0/C1 control characters (other than
 * tab and newline), U+FFFE/U+FFFF and invalid or overlong UTF-8 become U+FFFD. NULL appends "". */
void html_escape(strbuf *b, const char *s);
/* Like html_escape, at most max_chars characters (code points); "…" appended when cut. */
void html_escape_max(strbuf *b, const char *s, size_t max_chars);

#endif
