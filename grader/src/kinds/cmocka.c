/*
 * cmocka.c - the cmocka kind: one case of a test program built on the
 * harness (grader/harness), judged by the harness's verdict (program.c).
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

const struct kind_ops kind_cmocka = {"cmocka", kind_backtraced_spec, kind_judge_exit};
