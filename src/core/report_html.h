/* What the pieces of the HTML writer (report_html*.c) share: escaping of
 * hostile text for HTML and for the JSON block inside a <script> element,
 * the server-side summary, and the embedded page assets. Not a public API:
 * callers use ld_report_render with LD_FORMAT_HTML (core/report.h). */
#ifndef LD_CORE_REPORT_HTML_H
#define LD_CORE_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "core/report.h"

/* Writes s as HTML text (also safe inside a quoted attribute value): & < >
 * " ' become character references, invalid UTF-8 and control characters
 * other than tab and newline become U+FFFD. NULL writes nothing. */
void ld_html_text(FILE *o, const char *s);

/* A FILE that passes everything written to it on to out, with the bytes
 * that could end or confuse a <script> element in HTML escaped the JSON
 * way: '<', '>' and '&' as \u003c \u003e \u0026, U+2028 and U+2029 as
 * \u2028 \u2029. Meant for JSON text only (these characters can occur in
 * JSON only inside strings, where the escapes mean the same characters).
 * fclose() flushes a pending partial sequence; out stays open. NULL on
 * failure (errno set). */
FILE *ld_html_script_json_open(FILE *out);

/* The server-side part of the page (readable without JavaScript and when
 * printed): verdict, level and why, compliance per tier and per level,
 * the tier records, the top risks, counts by status. */
void ld_html_write_summary(FILE *o, const ld_report *r);
/* The notes of the run (server-side too). */
void ld_html_write_notes(FILE *o, const ld_report *r);

/* The page's stylesheet and script, compiled in from data/report.css and
 * data/report.js (cmake/embed.cmake). */
extern const unsigned char ld_data_report_css[];
extern const size_t ld_data_report_css_len;
extern const unsigned char ld_data_report_js[];
extern const size_t ld_data_report_js_len;

#endif
