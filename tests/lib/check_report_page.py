#!/usr/bin/env python3
"""Checks for the estate report page (tests/integration/test_adseed_report.sh), stdlib only.

  check_report_page.py html FILE   strict structure: doctype, known elements only, every non-void
                                   element closed in order, no duplicate attribute, no script,
                                   external reference or event-handler attribute
  check_report_page.py png FILE W H   the screenshot is W x H and not blank: many distinct colours,
                                   a good share of non-background pixels, the dark header on top
"""
import html.parser
import struct
import sys
import zlib

VOID = {"meta", "br", "hr", "img", "input", "link"}
KNOWN = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
         "h1", "h2", "p", "div", "span", "b", "table", "thead", "tbody", "tr", "th", "td", "pre",
         "br", "svg", "text", "rect", "line", "circle"}


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


class Strict(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.doctype, self.count = [], False, {}

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        where = "line %d: <%s>" % (self.getpos()[0], tag)
        if tag not in KNOWN:
            fail(where + " is not an element the report uses (injected markup?)")
        names = [a for a, _ in attrs]
        if len(names) != len(set(names)):
            fail(where + " has a duplicate attribute")
        for a, v in attrs:
            if a.startswith("on") or a in ("src", "href", "xlink:href", "action", "formaction"):
                fail(where + " has attribute %s" % a)
            if v and "url(" in v:
                fail(where + " references a URL in %s" % a)
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            fail("line %d: </%s> does not close the open <%s>" % (self.getpos()[0], tag,
                                                                self.stack[-1] if self.stack else "-"))
        self.stack.pop()


def check_html(path):
    text = open(path, encoding="utf-8", errors="strict").read()
    p = Strict()
    p.feed(text)
    p.close()
    if not p.doctype:
        fail("no <!DOCTYPE html>")
    if p.stack:
        fail("unclosed elements at the end: %s" % p.stack)
    if not p.count.get("title"):
        fail("no <title>")
    for tag in ("html", "head", "body", "style"):
        if p.count.get(tag) != 1:
            fail("<%s> appears %d times" % (tag, p.count.get(tag, 0)))
    low = text.lower()
    for bad in ("<script", "@import", "url(", "https://", "<link"):
        if bad in low:
            fail("the page contains %r: not self-contained" % bad)
    rest = low.replace('xmlns="http://www.w3.org/2000/svg"', "")
    if "http://" in rest:
        fail("the page references http://")
    print("html ok: %d elements, %d svg charts, %d table rows" %
          (sum(p.count.values()), p.count.get("svg", 0), p.count.get("tr", 0)))


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("unexpected PNG format depth=%d type=%d interlace=%d" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, want_w, want_h):
    w, h, bpp, rows = png_pixels(path)
    if (w, h) != (want_w, want_h):
        fail("screenshot is %dx%d, expected %dx%d" % (w, h, want_w, want_h))
    colours, dark_top = {}, 0
    for y in range(0, h, 2):
        r = rows[y]
        for x in range(0, w, 2):
            px = r[x * bpp:x * bpp + 3]
            colours[px] = colours.get(px, 0) + 1
            if y < 40 and sum(px) < 200:
                dark_top += 1
    background = max(colours.values())  # the most common colour
    total = ((h + 1) // 2) * ((w + 1) // 2)
    share = 1 - background / total
    print("png ok? %dx%d, %d distinct colours, %.0f%% not background, %d dark header samples" %
          (w, h, len(colours), share * 100, dark_top))
    if len(colours) < 40:
        fail("only %d distinct colours: blank or unstyled page" % len(colours))
    if share < 0.25:
        fail("only %.0f%% of the screenshot differs from the background" % (share * 100))
    if dark_top < (w // 2) * 10:
        fail("the dark header band is missing at the top (CSS not applied?)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "html":
        check_html(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "png":
        check_png(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        fail("usage: check_report_page.py html FILE | png FILE W H")
