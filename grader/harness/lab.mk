# lab.mk - build rules shared by every lab. Grader-owned: a lab's Makefile
# starts with `include ../common/lab.mk` and lists its programs.
#
# Student code is compiled with the same strict flags as the kit itself:
# a warning is an error, here and on the grader. Feature macros such as
# _GNU_SOURCE are left to each source file (a -D here would clash with a
# student's own #define and fail the build).

COMMON_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# `make` in a lab builds what the lab's Makefile lists under all, not the
# first rule below.
.DEFAULT_GOAL := all

CC       ?= cc
CPPFLAGS += -Iinclude -I$(COMMON_DIR)
CFLAGS   += -std=gnu11 -g -O1 -fno-omit-frame-pointer -pthread \
            -Wall -Wextra -Werror -MMD -MP
LDLIBS   += -pthread
CMOCKA   := -lcmocka

# The cmocka harness (OSLABS_TEST_MAIN) every test program links, with
# the /proc and clock helpers (oslabs_proc.h); a program without cmocka
# links $(PROC) alone.
PROC    := oslabs_proc.o
HARNESS := oslabs_test.o $(PROC)

oslabs_test.o: $(COMMON_DIR)/oslabs_test.c $(COMMON_DIR)/oslabs_test.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Allocation that cannot fail, tree removal (oslabs_util.h), for the kit's
# own programs a lab builds.
UTIL := oslabs_util.o oslabs_alloc.o

oslabs_util.o: $(COMMON_DIR)/oslabs_util.c $(COMMON_DIR)/oslabs_util.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

oslabs_alloc.o: $(COMMON_DIR)/oslabs_alloc.c $(COMMON_DIR)/oslabs_util.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

oslabs_proc.o: $(COMMON_DIR)/oslabs_proc.c $(COMMON_DIR)/oslabs_proc.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

%.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

%.o: tests/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

-include $(wildcard *.d)

.PHONY: all clean
clean:
	rm -f *.o *.d $(PROGRAMS)
