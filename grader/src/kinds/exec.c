/*
 * exec.c - the exec kind: a command passes when it exits with the status
 * the test expects.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

const struct kind_ops kind_exec = {"exec", kind_backtraced_spec, kind_judge_exit};
