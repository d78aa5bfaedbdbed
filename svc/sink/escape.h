/* escape.h - every escaping rule for attacker-controlled values in one place: Slack mrkdwn, Teams
 * markdown, defanged links, HTML, CEF header and extension, RFC 5424 structured-data parameter
 * values. All escapers also replace invalid UTF-8 with U+FFFD, so their output is valid UTF-8. */
#ifndef ADDECOY_SVC_ESCAPE_H
#define ADDECOY_SVC_ESCAPE_H

#include <stddef.h>

#include "svc/base/strbuf.h"

/* Plain text for a client that turns URLs, domain names and e-mail addresses into links (Slack,
 * Teams, PagerDuty): "://" -> "[:]//" and '.' before an ASCII letter -> "[.]", the usual way to
 * defang an indicator ("https[:]//phish[.]example/"); IP addresses and sentences are unchanged. */
void escape_defang_links(strbuf *b, const char *s, size_t len);
/* Slack mrkdwn: & < > -> &amp; &lt; &gt; (defeats <!channel>, <@U..> and <url|text> links),
 * * _ ~ ` -> their full-width forms (Slack has no escape for emphasis), links defanged as above. */
void escape_slack(strbuf *b, const char *s, size_t len);
/* Adaptive Card TextBlock markdown (Teams): * _ ~ ` [ ] < > \ # -> their full-width forms (no
 * emphasis, [text](url) link, autolink or backslash escape), links defanged as above. */
void escape_teams(strbuf *b, const char *s, size_t len);
/* HTML text and attribute values: & < > " ' -> entities. */
void escape_html(strbuf *b, const char *s, size_t len);
/* CEF header field: \ -> \\, | -> \|, CR/LF and other control characters -> space. */
void escape_cef_header(strbuf *b, const char *s, size_t len);
/* CEF extension value: \ -> \\, = -> \=, LF -> \n, CR -> \r, other controls -> space. */
void escape_cef_ext(strbuf *b, const char *s, size_t len);
/* RFC 5424 SD-PARAM value: " \ ] -> \" \\ \] ; control characters -> \xHH text so that a record
 * never contains a raw newline. */
void escape_sd_param(strbuf *b, const char *s, size_t len);
/* Copies s with invalid UTF-8 replaced by U+FFFD and control characters (except none) kept. */
void escape_utf8(strbuf *b, const char *s, size_t len);

/* Length in bytes of the longest prefix of s (len bytes) that is at most max bytes and does not cut
 * a UTF-8 sequence. */
size_t escape_utf8_prefix(const char *s, size_t len, size_t max);

#endif
