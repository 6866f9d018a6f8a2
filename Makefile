# oslabs - graded operating-systems labs and their autograder.
#
#   make grade [LAB=shell] [SUB=dir] [ONLY="test ..."]   grade a submission (default: skeletons/LAB)
#   make debug LAB=shell ONLY=test [TOOL=gdb|valgrind|strace|none] [SUB=dir]
#   make test                                            the kit's self-test (what CI runs)
#   make deps                                            install the Debian packages
#   make image                                           build the oslabs container image
#   make docker-grade LAB=shell [SUB=dir]                grade inside a fresh hardened container
#   make docker-shell                                    self-study shell in the container
#   make batch LAB=shell SUBS=dir OUT=dir [ARGS="--jobs 4 --shard 1/2 ..."]
#                                                        grade a class (grader batch)
#   make dist OUT=dir                                    the student handout repository
#   make gradescope|prairielearn|autolab LAB=shell       a platform's autograder bundle
#   make bench | soak | lint | list | clean

LAB  ?=
SUB  ?=
ONLY ?=
TOOL ?= gdb
REPEAT ?= 1
GRADER := build/grader

# The labs in handout order, those that exist, then any other labs/*/lab.ini.
ALL_LABS := shell prodcons deadlock pimutex memlock fsync
LABS     := $(strip $(foreach l,$(ALL_LABS),$(if $(wildcard labs/$(l)/lab.ini),$(l))) \
              $(sort $(filter-out $(ALL_LABS),$(patsubst labs/%/lab.ini,%,$(wildcard labs/*/lab.ini)))))
GRADE_LABS := $(if $(LAB),$(LAB),$(LABS))

GRADER_SRC := $(wildcard grader/src/*.[ch] grader/src/*/*.[ch]) grader/harness/oslabs_alloc.c grader/Makefile

.PHONY: all grade debug test deps deps-grade deps-test bench soak lint list clean \
        image docker-grade docker-shell batch dist gradescope prairielearn autolab new-lab
all: $(GRADER)

$(GRADER): $(GRADER_SRC)
	@$(MAKE) --no-print-directory -C grader

deps-grade:
	@grader/deps.sh check grade

deps-test:
	@grader/deps.sh check test

deps:
	@grader/deps.sh install test

grade: deps-grade $(GRADER)
	@if [ -n "$(SUB)" ] && [ -z "$(LAB)" ]; then echo "oslabs: SUB= needs LAB= too"; exit 1; fi
	@if [ -z "$(GRADE_LABS)" ]; then echo "oslabs: no lab has landed yet (labs/*/lab.ini)"; exit 0; fi
	@for lab in $(GRADE_LABS); do \
	    mkdir -p build/results/$$lab && \
	    $(GRADER) run $$lab $(if $(SUB),--submission $(SUB)) $(foreach t,$(ONLY),--only $(t)) \
	        --repeat $(REPEAT) --json build/results/$$lab/results.json \
	        --junit build/results/$$lab/junit.xml || exit $$?; \
	    echo "(results: build/results/$$lab/results.json, junit.xml)"; \
	done

debug: deps-grade $(GRADER)
	@if [ -z "$(LAB)" ] || [ -z "$(ONLY)" ]; then \
	    echo "usage: make debug LAB=lab ONLY=test [TOOL=gdb|valgrind|strace|none] [SUB=dir]"; exit 1; fi
	@$(GRADER) debug $(LAB) $(ONLY) --tool $(TOOL) $(if $(SUB),--submission $(SUB))

test: deps-test $(GRADER)
	@$(MAKE) --no-print-directory -C grader test
	@tests/selftest/run.sh $(LABS)

bench: deps-grade $(GRADER)
	@tests/bench/run.sh $(GRADE_LABS)

soak: deps-test $(GRADER)
	@tests/selftest/soak.sh $(GRADE_LABS)

lint: deps-test
	@tests/selftest/lint.sh

image:
	@docker/build-image.sh

docker-grade:
	@if [ -z "$(LAB)" ]; then echo "usage: make docker-grade LAB=lab [SUB=dir]"; exit 1; fi
	@docker/grade.sh $(LAB) $(or $(SUB),skeletons/$(LAB)) build/results/docker/$(LAB) \
	    $(foreach t,$(ONLY),--only $(t))
	@echo "(results: build/results/docker/$(LAB)/results.json, junit.xml)"

docker-shell:
	@docker/shell.sh

batch: deps-grade $(GRADER)
	@if [ -z "$(LAB)" ] || [ -z "$(SUBS)" ] || [ -z "$(OUT)" ]; then \
	    echo "usage: make batch LAB=lab SUBS=submissions-dir OUT=results-dir [ARGS=...]"; exit 1; fi
	@$(GRADER) batch $(LAB) $(SUBS) --out $(OUT) $(ARGS)

dist:
	@if [ -z "$(OUT)" ]; then echo "usage: make dist OUT=dir"; exit 1; fi
	@grader/dist.sh $(OUT)

gradescope prairielearn autolab:
	@if [ -z "$(LAB)" ]; then echo "usage: make $@ LAB=lab [OUT=dir]"; exit 1; fi
	@docker/bundle.sh $@ $(LAB) $(or $(OUT),build/bundles)

list: $(GRADER)
	@for lab in $(GRADE_LABS); do $(GRADER) list $$lab; echo; done

new-lab:
	@if [ -z "$(NAME)" ]; then echo "usage: make new-lab NAME=x   (then see grader/ADDING-A-LAB.md)"; exit 1; fi
	@grader/new-lab.sh $(NAME)

clean:
	rm -rf build
