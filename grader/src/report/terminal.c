/*
 * terminal.c - the terminal report, its summary line and the commands
 * that rerun a test.
 */
#define _GNU_SOURCE
#include "report/report.h"

#include <string.h>
#include <stdlib.h>

#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define BOLD   "\033[1m"
#define DIM    "\033[2m"
#define RESET  "\033[0m"

size_t report_tampered(const struct report *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n; i++)
        n += r->res[i].selected && r->res[i].tamper != NULL;
    return n;
}

/* Every test that showed tampering, with what was seen (none: nothing printed). */
static void print_tampering(const struct report *r, FILE *out, bool colour)
{
    if (report_tampered(r) == 0)
        return;
    fprintf(out, "\n%sTampering suspected:%s the tests below failed for it.\n", colour ? RED : "",
            colour ? RESET : "");
    for (size_t i = 0; i < r->n; i++)
        if (r->res[i].selected && r->res[i].tamper != NULL)
            fprintf(out, "  %s: %s\n", r->res[i].test->name, r->res[i].tamper);
}

char *report_summary_line(const struct report *r)
{
    struct strbuf s;
    double pct = r->tot.max > 0 ? 100.0 * r->tot.earned / r->tot.max : 0;

    sb_init(&s);
    sb_addf(&s, "Score: %g/%g (%.1f%%): %d passed, %d failed", r->tot.earned, r->tot.max, pct,
            r->tot.passed, r->tot.failed);
    if (r->tot.notrun > 0)
        sb_addf(&s, ", %d not run", r->tot.notrun);
    if (r->tot.skipped > 0)
        sb_addf(&s, ", %d skipped (%g points not gradable on this machine)", r->tot.skipped,
                r->tot.skipped_points);
    if (r->tot.machine > 0)
        sb_addf(&s,
                ". error (environment): %d test%s failed by the machine, not your code; "
                "grade again, and if it happens again tell your instructor",
                r->tot.machine, r->tot.machine == 1 ? "" : "s");
    return sb_detach(&s);
}

static bool plain_lab_name(const char *arg)
{
    return strchr(arg, '/') == NULL;
}

/* The command that reruns test t under tool (NULL: graded, no tool). A new string. */
static char *rerun_command(const struct report *r, const struct test *t, const char *tool)
{
    const char *sub = r->submission;

    if (plain_lab_name(r->lab_arg))
        return xasprintf("make %s LAB=%s ONLY=%s%s%s%s%s", tool ? "debug" : "grade", r->lab_arg,
                         t->name, sub ? " SUB=" : "", sub ? sub : "", tool ? " TOOL=" : "",
                         tool ? tool : "");
    if (tool == NULL)
        return xasprintf("build/grader run %s --only %s%s%s", r->lab_arg, t->name,
                         sub ? " --submission " : "", sub ? sub : "");
    return xasprintf("build/grader debug %s %s%s%s --tool %s", r->lab_arg, t->name,
                     sub ? " --submission " : "", sub ? sub : "", tool);
}

char *report_reproduce(const struct report *r, const struct test *t)
{
    static const char *const tools[] = {NULL, "gdb", "valgrind"};
    /* the debugger variants where the lab is named plainly (make debug), else gdb's */
    size_t ntools = t->kind == KIND_SYMBOLS ? 1 : plain_lab_name(r->lab_arg) ? 3 : 2;
    struct strbuf s;

    sb_init(&s);
    for (size_t i = 0; i < ntools; i++) {
        char *cmd = rerun_command(r, t, tools[i]);
        sb_addf(&s, "%s\n", cmd);
        free(cmd);
    }
    return sb_detach(&s);
}

char *report_hint(const struct report *r, const struct test_result *t)
{
    static const char *const what[] = {
        [FAULT_CRASH] = "it crashed (or exited early): see where with",
        [FAULT_TIMEOUT] = "it did not finish in time: see where it waits with",
        [FAULT_NORUN] = "it could not be run: try it by hand with"};
    char *cmd, *hint;

    if (t->fault == FAULT_CHECK)
        return t->test->hint ? xstrdup(t->test->hint) : NULL;
    if (t->fault == FAULT_MACHINE)
        return xstrdup("nothing to fix in your code: grade again; if it happens again, tell "
                       "your instructor what this says");
    if (t->fault != FAULT_CRASH && t->fault != FAULT_TIMEOUT && t->fault != FAULT_NORUN)
        return NULL;
    cmd = rerun_command(r, t->test, t->test->kind == KIND_SYMBOLS ? NULL : "gdb");
    hint = xasprintf("%s `%s`", what[t->fault], cmd);
    free(cmd);
    return hint;
}

static const char *colour_of(enum outcome o)
{
    return o == OUT_PASS ? GREEN : o == OUT_SKIP ? YELLOW : RED;
}

static void print_header(const struct report *r, FILE *out, bool colour)
{
    fprintf(out, "%s%s%s: %s\n", colour ? BOLD : "", r->lab->name, colour ? RESET : "",
            r->lab->title);
    fprintf(out, "submission  %s\n", r->submission ? r->submission : "(default)");
    fprintf(out, "sandbox     %s; %d parallel job%s", r->host->layer, r->jobs,
            r->jobs == 1 ? "" : "s");
    if (r->repeat > 1)
        fprintf(out, "; every test run %d times", r->repeat);
    fputc('\n', out);
}

static void print_table(const struct report *r, FILE *out, bool colour)
{
    fprintf(out, "\n%-34s %-8s %9s  %-7s %7s\n", "TEST", "KIND", "POINTS", "RESULT", "TIME");
    for (size_t i = 0; i < r->n; i++) {
        const struct test_result *t = &r->res[i];
        char pts[32], reason[96] = "";

        if (!t->selected)
            continue;
        snprintf(pts, sizeof(pts), "%g/%g", t->score, t->test->points);
        if (t->outcome != OUT_PASS && t->reason != NULL)
            snprintf(reason, sizeof(reason), "  %s", t->reason);
        if (strlen(reason) == sizeof(reason) - 1)
            strcpy(reason + sizeof(reason) - 4, "...");
        fprintf(out, "%-34s %-8s %9s  %s%-7s%s %6.2fs%s\n", t->test->name, kind_name(t->test->kind),
                pts, colour ? colour_of(t->outcome) : "", outcome_word(t->outcome),
                colour ? RESET : "", t->time, reason);
    }
}

static void print_failure(const struct report *r, const struct test_result *t, FILE *out,
                          bool colour)
{
    char *repro = report_reproduce(r, t->test);

    fprintf(out, "\n%s== %s (%g/%g) ==%s\n", colour ? BOLD : "", t->test->name, t->score,
            t->test->points, colour ? RESET : "");
    if (t->test->description)
        fprintf(out, "checks:  %s\n", t->test->description);
    fprintf(out, "result:  %s%s%s\n", colour ? colour_of(t->outcome) : "", t->reason,
            colour ? RESET : "");
    if (t->details && *t->details)
        fprintf(out, "%s", t->details);
    char *hint = report_hint(r, t);
    if (hint != NULL)
        fprintf(out, "hint:    %s\n", hint);
    free(hint);
    fprintf(out, "rerun:\n");
    for (char *line = strtok(repro, "\n"); line; line = strtok(NULL, "\n"))
        fprintf(out, "  %s\n", line);
    free(repro);
}

void report_terminal(const struct report *r, FILE *out, bool colour, bool verbose)
{
    char *summary;

    print_header(r, out, colour);
    if (r->setup_problem != NULL)
        fprintf(out, "\n%sThe submission cannot be graded:%s\n%s", colour ? RED : "",
                colour ? RESET : "", r->setup_problem);
    if (r->build != NULL && !r->build->ok)
        fprintf(out, "\n%s%s%s; every test scores 0. The first errors:\n%s", colour ? RED : "",
                r->build->summary, colour ? RESET : "", r->build->errors);
    print_table(r, out, colour);
    for (size_t i = 0; i < r->n; i++) {
        const struct test_result *t = &r->res[i];
        if (t->selected && (t->outcome == OUT_FAIL || (verbose && t->outcome != OUT_NOTRUN)))
            print_failure(r, t, out, colour);
    }
    print_tampering(r, out, colour);
    summary = report_summary_line(r);
    fprintf(out, "\n%s%s%s\n", colour ? BOLD : "", summary, colour ? RESET : "");
    free(summary);
}
