/*
 * options.c - the command line of `grader batch`.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char batch_usage[] =
    "usage: grader batch LAB SUBMISSIONS_DIR --out DIR [--jobs N] [--container|--local]\n"
    "                    [--hidden DIR] [--repeat N] [--shard I/N] [--force] [--timeout SECONDS]\n"
    "                    [--allow-partial] [--similarity] [--trust-submissions]\n"
    "       grader batch --repos REPOS_DIR --out DIR [--labs LAB,...] [--roster ROSTER.csv]\n"
    "                    [the options above but --hidden]\n"
    "       grader merge --out DIR OUT... (or grades.csv on stdout without --out)\n"
    "SUBMISSIONS_DIR holds one directory or archive (.zip, .tar, .tar.gz, ...) per student.\n"
    "REPOS_DIR holds one repository per student (a clone of the handout): every lab it holds\n"
    "(REPO/skeletons/LAB) is graded into DIR/LAB, then DIR/gradebook.csv is written.\n"
    "A lab this machine cannot grade in full (SCHED_FIFO, ptrace, ...) is refused;\n"
    "--allow-partial grades it anyway and marks those students partial.\n"
    "--similarity: then the pairs of similar submissions (grader similarity) in OUT.\n"
    "A local sandbox without namespaces grades only with --trust-submissions.\n";

static int parse_shard(const char *s, struct batch_opts *o)
{
    int i, n, used = 0;

    if (sscanf(s, "%d/%d%n", &i, &n, &used) != 2 || s[used] != '\0' || n < 1 || n > 10000 ||
        i < 1 || i > n)
        return usage_fail(NULL, "--shard: '%s' is not I/N with 1 <= I <= N (e.g. 1/4)", s);
    o->shard_i = i;
    o->shard_n = n;
    return 0;
}

/* With --repos: no LAB and SUBMISSIONS_DIR (each lab is the repositories'), no --hidden. */
static int check_repos_options(int positional, const struct batch_opts *o)
{
    if (positional != 0 || o->out == NULL)
        return usage_fail(batch_usage,
                          "batch --repos needs --out DIR, and no LAB or SUBMISSIONS_DIR");
    if (o->hidden != NULL)
        return usage_fail(NULL, "--hidden is a lab's: grade a lab's hidden tests with "
                                "`grader batch LAB --hidden DIR` on OUT/.repos/LAB");
    return 0;
}

int parse_batch_options(int argc, char **argv, struct batch_opts *o)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'O'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"container", no_argument, NULL, 'C'},
                                             {"local", no_argument, NULL, 'L'},
                                             {"hidden", required_argument, NULL, 'H'},
                                             {"repeat", required_argument, NULL, 'r'},
                                             {"shard", required_argument, NULL, 'S'},
                                             {"force", no_argument, NULL, 'f'},
                                             {"timeout", required_argument, NULL, 'T'},
                                             {"allow-partial", no_argument, NULL, 'P'},
                                             {"similarity", no_argument, NULL, 'Y'},
                                             {"repos", required_argument, NULL, 'R'},
                                             {"labs", required_argument, NULL, 'B'},
                                             {"roster", required_argument, NULL, 'K'},
                                             {"trust-submissions", no_argument, NULL, 'U'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    char msg[160];
    double d;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "O:j:CLH:r:S:fT:PYR:B:K:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'O':
            o->out = optarg;
            break;
        case 'j':
        case 'r':
            if (parse_count_option(c == 'r' ? "repeat" : "jobs", optarg,
                                   c == 'r' ? &o->repeat : &o->jobs, msg, sizeof(msg)) < 0)
                return usage_fail(NULL, "%s", msg);
            break;
        case 'C':
            o->mode = MODE_CONTAINER;
            break;
        case 'L':
            o->mode = MODE_LOCAL;
            break;
        case 'H':
            o->hidden = optarg;
            break;
        case 'S':
            if (parse_shard(optarg, o) != 0)
                return EXIT_USAGE;
            break;
        case 'f':
            o->force = true;
            break;
        case 'T':
            if (parse_double(optarg, 1, 86400, &d) < 0)
                return usage_fail(NULL, "--timeout: '%s' is not a number of seconds", optarg);
            o->timeout = d;
            break;
        case 'P':
            o->allow_partial = true;
            break;
        case 'Y':
            o->similarity = true;
            break;
        case 'R':
            o->repos = optarg;
            break;
        case 'B':
            o->labs = optarg;
            break;
        case 'K':
            o->roster = optarg;
            break;
        case 'U':
            o->trust_submissions = true;
            break;
        case 'h':
            fputs(batch_usage, stdout);
            exit(0);
        default:
            fputs(batch_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (o->repos != NULL)
        return check_repos_options(argc - optind, o);
    if (o->labs != NULL || o->roster != NULL)
        return usage_fail(batch_usage, "--labs and --roster go with --repos");
    if (argc - optind != 2 || o->out == NULL) {
        fputs(batch_usage, stderr);
        return usage_fail(NULL, "batch needs LAB, SUBMISSIONS_DIR and --out DIR");
    }
    o->lab_arg = argv[optind];
    o->subs = argv[optind + 1];
    return 0;
}
