/*
 * junit.c - JUnit XML, the format CI systems and LMS plugins read.
 * Text is sanitised to valid UTF-8 without control characters first, so
 * that whatever a submission printed, the file stays well-formed XML.
 */
#define _GNU_SOURCE
#include "report/report.h"
#include "report/html.h"
#include "lib/fsutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* XML text: the markup characters as entities (the same as HTML's). */
static void add_escaped(struct strbuf *s, const char *text)
{
    html_escape(s, text);
}

static void add_testcase(struct strbuf *s, const struct report *r, const struct test_result *t)
{
    sb_addf(s, "    <testcase classname=\"oslabs.%s\" name=\"", r->lab->name);
    add_escaped(s, t->test->name);
    sb_addf(s, "\" time=\"%.3f\">\n", t->time);
    sb_addf(s,
            "      <properties><property name=\"score\" value=\"%g\"/>"
            "<property name=\"max_score\" value=\"%g\"/></properties>\n",
            t->score, t->test->points);
    if (t->outcome == OUT_FAIL || t->outcome == OUT_NOTRUN) {
        char *repro = report_reproduce(r, t->test);
        sb_adds(s,
                t->outcome == OUT_FAIL ? "      <failure message=\"" : "      <error message=\"");
        add_escaped(s, t->reason ? t->reason : "failed");
        sb_adds(s, "\">");
        if (t->details)
            add_escaped(s, t->details);
        sb_adds(s, "Rerun it:\n");
        add_escaped(s, repro);
        sb_adds(s, t->outcome == OUT_FAIL ? "</failure>\n" : "</error>\n");
        free(repro);
    } else if (t->outcome == OUT_SKIP) {
        sb_adds(s, "      <skipped message=\"");
        add_escaped(s, t->reason ? t->reason : "skipped");
        sb_adds(s, "\"/>\n");
    }
    sb_adds(s, "    </testcase>\n");
}

int report_junit(const struct report *r, const char *path)
{
    struct strbuf s;
    char stamp[32];
    time_t now = time(NULL);
    int tests = r->tot.passed + r->tot.failed + r->tot.skipped + r->tot.notrun, rc;

    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&now));
    sb_init(&s);
    sb_adds(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb_addf(&s,
            "<testsuites name=\"oslabs\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
            "skipped=\"%d\" time=\"%.3f\">\n",
            tests, r->tot.failed, r->tot.notrun, r->tot.skipped, r->total_time);
    sb_addf(&s,
            "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
            "skipped=\"%d\" time=\"%.3f\" timestamp=\"%s\">\n",
            r->lab->name, tests, r->tot.failed, r->tot.notrun, r->tot.skipped, r->total_time,
            stamp);
    sb_addf(&s,
            "    <properties><property name=\"score\" value=\"%g\"/>"
            "<property name=\"max_score\" value=\"%g\"/>"
            "<property name=\"sandbox\" value=\"",
            r->tot.earned, r->tot.max);
    add_escaped(&s, r->host->layer);
    sb_adds(&s, "\"/></properties>\n");
    for (size_t i = 0; i < r->n; i++)
        if (r->res[i].selected)
            add_testcase(&s, r, &r->res[i]);
    sb_adds(&s, "  </testsuite>\n</testsuites>\n");
    rc = write_file_atomic(path, s.buf, s.len);
    sb_free(&s);
    return rc;
}
