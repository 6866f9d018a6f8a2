/*
 * html_page.c - what the grader's HTML pages share: escaping, and the
 * head with its inline style sheet (no script, nothing fetched).
 */
#define _GNU_SOURCE
#include "report/html.h"

#include <stdlib.h>
#include <string.h>

void html_escape(struct strbuf *s, const char *text)
{
    char *clean = utf8_sanitize(text, strlen(text));

    for (const char *p = clean; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            sb_adds(s, "&amp;");
            break;
        case '<':
            sb_adds(s, "&lt;");
            break;
        case '>':
            sb_adds(s, "&gt;");
            break;
        case '"':
            sb_adds(s, "&quot;");
            break;
        case '\'':
            sb_adds(s, "&#39;");
            break;
        default:
            sb_add(s, p, 1);
        }
    }
    free(clean);
}

char *html_first_line(const char *text, size_t max)
{
    size_t len = strcspn(text, "\n");

    return xasprintf("%.*s", (int)(len < max ? len : max), text);
}

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:80em;padding:0 1em;"
    "color:#1d1d1f}\n"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\n"
    "table{border-collapse:collapse;margin:.5em 0}\n"
    "th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}\n"
    "th{background:#f4f4f6}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "pre{background:#f7f7f9;border:1px solid #e3e3e8;padding:.6em;overflow-x:auto;"
    "white-space:pre-wrap;word-break:break-all;font-size:13px}\n"
    "pre.cmd{user-select:all;background:#eef3ff;margin:.2em 0}\n"
    ".passed{color:#176f2c}.failed,.not_run{color:#b3261e}.skipped{color:#8a6d00}\n"
    "tr.failed td,tr.not_run td{background:#fff5f4}\n"
    ".add{background:#e6ffec;color:#116329}.del{background:#ffebe9;color:#a40e26}"
    ".hunk{color:#6639ba}\n"
    ".reason{font-weight:600}.hint{background:#fff8c5;padding:.3em .6em}\n"
    ".bar{background:#4f7bd9;height:1em;display:inline-block;vertical-align:middle}\n"
    "summary{cursor:pointer;font-weight:600}section.test{margin:1.2em 0}\n"
    ".chart{overflow-x:auto}\n";

void html_begin(struct strbuf *s, const char *title)
{
    sb_adds(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               /* defence in depth: were an escape missed, no script would run */
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'\">\n"
               "<title>");
    html_escape(s, title);
    sb_addf(s, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

void html_end(struct strbuf *s)
{
    sb_adds(s, "</body>\n</html>\n");
}
