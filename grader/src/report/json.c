/*
 * json.c - Gradescope's results.json and Autolab's scores line,
 * built with cJSON.
 */
#define _GNU_SOURCE
#include "report/report.h"
#include "lib/fsutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static cJSON *add_string(cJSON *obj, const char *key, const char *value)
{
    char *clean = utf8_sanitize(value, strlen(value));
    cJSON *item = cJSON_AddStringToObject(obj, key, clean);

    free(clean);
    if (item == NULL)
        die("cJSON: out of memory");
    return item;
}

static void add_number(cJSON *obj, const char *key, double value)
{
    if (cJSON_AddNumberToObject(obj, key, value) == NULL)
        die("cJSON: out of memory");
}

/* A passed test's timeline (trace.c keeps it on a pass), for the pictures of the HTML report. */
static void add_timeline_section(struct strbuf *s, const char *details)
{
    static const char head[] = "--- timeline ---\n";
    const char *start = details ? strstr(details, head) : NULL, *end;

    if (start == NULL || (start != details && start[-1] != '\n'))
        return;
    end = strstr(start + strlen(head), "\n--- ");
    end = end != NULL ? end + 1 : start + strlen(start);
    sb_addf(s, "%.*s", (int)(end - start), start);
}

/* A test's output: why, the evidence, and how to rerun it. */
static char *test_output(const struct report *r, const struct test_result *t)
{
    struct strbuf s;

    sb_init(&s);
    if (t->test->description)
        sb_addf(&s, "Checks: %s\n", t->test->description);
    if (t->outcome != OUT_PASS && t->reason)
        sb_addf(&s, "Result: %s\n", t->reason);
    if (t->outcome == OUT_PASS)
        add_timeline_section(&s, t->details);
    if (t->outcome == OUT_FAIL) {
        char *repro = report_reproduce(r, t->test);
        if (t->details)
            sb_adds(&s, t->details);
        char *hint = report_hint(r, t);
        if (hint != NULL)
            sb_addf(&s, "Hint: %s\n", hint);
        free(hint);
        sb_addf(&s, "Rerun it:\n%s", repro);
        free(repro);
    }
    return sb_detach(&s);
}

static cJSON *test_json(const struct report *r, const struct test_result *t, size_t number)
{
    static const char *const outcomes[] = {"passed", "failed", "skipped", "not_run"};
    cJSON *o = cJSON_CreateObject(), *tags = cJSON_CreateArray(), *extra = cJSON_CreateObject();
    char num[32];
    char *output = test_output(r, t);

    if (o == NULL || tags == NULL || extra == NULL)
        die("cJSON: out of memory");
    snprintf(num, sizeof(num), "%zu", number);
    add_string(o, "name", t->test->name);
    add_string(o, "number", num);
    add_number(o, "score", t->score);
    add_number(o, "max_score", t->test->points);
    add_string(o, "status", t->outcome == OUT_PASS ? "passed" : "failed");
    add_string(o, "output", output);
    add_string(o, "output_format", "text");
    add_string(o, "visibility", visibility_name(t->test->visibility));
    cJSON_AddItemToArray(tags, cJSON_CreateString(kind_name(t->test->kind)));
    for (size_t i = 0; i < t->test->tags.n; i++)
        cJSON_AddItemToArray(tags, cJSON_CreateString(t->test->tags.v[i]));
    cJSON_AddItemToObject(o, "tags", tags);
    add_string(extra, "outcome", outcomes[t->outcome]);
    add_number(extra, "runs", t->runs);
    add_number(extra, "passed_runs", t->passed);
    add_number(extra, "time", t->time);
    add_number(extra, "total_time", t->total_time);
    if (t->runs > 0) { /* what the test used: its slowest run's figures */
        add_number(extra, "cpu_time", t->cpu_time);
        add_number(extra, "peak_memory_kb", (double)t->peak_kb);
        add_string(extra, "ended", t->ended);
    }
    if (t->tamper != NULL)
        add_string(extra, "tampering", t->tamper);
    if (t->not_gradable) /* what a batch marks partial: the machine's lack, not the student's */
        cJSON_AddBoolToObject(extra, "not_gradable", true);
    if (t->outcome == OUT_FAIL && t->fault == FAULT_MACHINE) /* the machine's fault */
        cJSON_AddBoolToObject(extra, "environment_error", true);
    cJSON_AddItemToObject(o, "extra_data", extra);
    free(output);
    return o;
}

static char *overall_output(const struct report *r)
{
    struct strbuf s;
    char *summary = report_summary_line(r);

    sb_init(&s);
    sb_addf(&s, "%s: %s\n", r->lab->name, r->lab->title);
    if (r->setup_problem)
        sb_addf(&s, "The submission cannot be graded:\n%s", r->setup_problem);
    if (r->build != NULL && !r->build->ok)
        sb_addf(&s, "%s; every test scores 0. The first errors:\n%s", r->build->summary,
                r->build->errors);
    if (report_tampered(r) > 0)
        sb_addf(&s, "Tampering suspected in %zu test%s: see each test's result.\n",
                report_tampered(r), report_tampered(r) == 1 ? "" : "s");
    sb_addf(&s, "%s\n", summary);
    free(summary);
    return sb_detach(&s);
}

/* [{"test": NAME, "seen": WHAT}, ...] over the tests that showed tampering. */
static cJSON *tampering_json(const struct report *r)
{
    cJSON *a = cJSON_CreateArray();

    if (a == NULL)
        die("cJSON: out of memory");
    for (size_t i = 0; i < r->n; i++) {
        cJSON *o;
        if (!r->res[i].selected || r->res[i].tamper == NULL)
            continue;
        if ((o = cJSON_CreateObject()) == NULL)
            die("cJSON: out of memory");
        add_string(o, "test", r->res[i].test->name);
        add_string(o, "seen", r->res[i].tamper);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* The defences that were active, one key each, for instructors' audits. */
static cJSON *layers_json(const struct host *b)
{
    cJSON *l = cJSON_CreateObject();

    if (l == NULL)
        die("cJSON: out of memory");
    cJSON_AddBoolToObject(l, "session_and_rlimits", 1);
    cJSON_AddBoolToObject(l, "kill_all_on_exit", 1);
    cJSON_AddBoolToObject(l, "pid_namespace", (b->ns_flags & CLONE_NEWPID) != 0);
    cJSON_AddBoolToObject(l, "net_namespace", (b->ns_flags & CLONE_NEWNET) != 0);
    cJSON_AddBoolToObject(l, "mount_namespace", (b->ns_flags & CLONE_NEWNS) != 0);
    cJSON_AddBoolToObject(l, "ipc_namespace", (b->ns_flags & CLONE_NEWIPC) != 0);
    cJSON_AddBoolToObject(l, "user_namespace", (b->ns_flags & CLONE_NEWUSER) != 0);
    cJSON_AddBoolToObject(l, "per_slot_uids", b->root);
    cJSON_AddBoolToObject(l, "private_tmp", (b->ns_flags & CLONE_NEWNS) != 0);
    cJSON_AddNumberToObject(l, "hidden_paths",
                            (b->ns_flags & CLONE_NEWNS) ? (double)b->hidden.n : 0);
    return l;
}

/* The score of each of the --repeat runs taken alone (see score_of_run). */
static cJSON *run_scores_json(const struct report *r)
{
    cJSON *a = cJSON_CreateArray();

    if (a == NULL)
        die("cJSON: out of memory");
    for (int run = 0; run < r->repeat; run++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(score_of_run(r->res, r->n, run, r->repeat)));
    return a;
}

static cJSON *extra_json(const struct report *r)
{
    cJSON *e = cJSON_CreateObject();

    if (e == NULL)
        die("cJSON: out of memory");
    add_string(e, "lab", r->lab->name);
    add_string(e, "sandbox", r->host->layer);
    cJSON_AddItemToObject(e, "layers", layers_json(r->host));
    add_number(e, "max_score", r->tot.max);
    add_number(e, "skipped_points", r->tot.skipped_points);
    add_number(e, "jobs", r->jobs);
    add_number(e, "repeat", r->repeat);
    add_number(e, "build_time", r->build != NULL ? r->build->time : 0);
    cJSON_AddItemToObject(e, "run_scores", run_scores_json(r));
    if (r->setup_problem != NULL)
        add_string(e, "problem", r->setup_problem);
    char *machine = r->build != NULL && r->build->machine ? xstrdup(r->build->summary)
                                                          : score_machine_error(r->res, r->n);
    if (machine != NULL) { /* a batch grades again, then marks it "error (environment)" */
        const char *word = "error (environment): ", *why = machine;
        if (strncmp(why, word, strlen(word)) == 0)
            why += strlen(word);
        add_string(e, "environment_error", why);
    }
    free(machine);
    if (report_tampered(r) > 0)
        cJSON_AddItemToObject(e, "tampering", tampering_json(r));
    add_string(e, "build",
               r->setup_problem   ? "not-run"
               : r->build == NULL ? "not-run"
               : r->build->ok     ? "ok"
                                  : "failed");
    return e;
}

cJSON *report_json_tree(const struct report *r)
{
    cJSON *root = cJSON_CreateObject(), *tests = cJSON_CreateArray();
    char *output = overall_output(r);

    if (root == NULL || tests == NULL)
        die("cJSON: out of memory");
    add_number(root, "score", r->tot.earned);
    add_number(root, "execution_time", r->total_time);
    add_string(root, "output", output);
    add_string(root, "output_format", "text");
    add_string(root, "visibility", "visible");
    add_string(root, "stdout_visibility", "hidden");
    cJSON_AddItemToObject(root, "extra_data", extra_json(r));
    for (size_t i = 0; i < r->n; i++)
        if (r->res[i].selected)
            cJSON_AddItemToArray(tests, test_json(r, &r->res[i], i + 1));
    cJSON_AddItemToObject(root, "tests", tests);
    free(output);
    return root;
}

int report_json(const struct report *r, const char *path)
{
    cJSON *root = report_json_tree(r);
    char *text;
    int rc;

    text = cJSON_Print(root);
    if (text == NULL)
        die("cJSON: out of memory");
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len] = '\n';
    text[len + 1] = '\0';
    rc = write_file_atomic(path, text, len + 1);
    free(text);
    cJSON_Delete(root);
    return rc;
}

void report_autolab(const struct report *r, FILE *out)
{
    cJSON *root = cJSON_CreateObject(), *scores = cJSON_CreateObject();
    char *text;

    if (root == NULL || scores == NULL)
        die("cJSON: out of memory");
    for (size_t i = 0; i < r->n; i++)
        if (r->res[i].selected)
            add_number(scores, r->res[i].test->name, r->res[i].score);
    cJSON_AddItemToObject(root, "scores", scores);
    text = cJSON_PrintUnformatted(root);
    if (text == NULL)
        die("cJSON: out of memory");
    fprintf(out, "%s\n", text);
    free(text);
    cJSON_Delete(root);
}
