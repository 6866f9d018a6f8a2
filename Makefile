# oslabs - graded operating-systems labs and their autograder.
#
#   make grade [LAB=shell] [SUB=dir] [ONLY="test ..."]   grade a submission (default: skeletons/LAB)
#   make build LAB=shell [SUB=dir]                       stage and build it by hand in build/run/LAB
#   make debug LAB=shell ONLY=test [TOOL=gdb|valgrind|strace|none] [SUB=dir]
#   make test                                            the kit's self-test (what CI runs)
#   make deps                                            install the Debian packages grading needs
#   make deps-test                                       ... and the self-test's tools too
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

.PHONY: all grade build debug test deps deps-grade deps-test check-deps-grade check-deps-test bench soak lint list clean \
        image docker-grade docker-shell batch dist gradescope prairielearn autolab new-lab
all: $(GRADER)

$(GRADER): $(GRADER_SRC)
	@$(MAKE) --no-print-directory -C grader

check-deps-grade:
	@grader/deps.sh check grade

check-deps-test:
	@grader/deps.sh check test

# make deps: what make grade needs; make deps-test: the self-test's tools too
deps deps-grade:
	@grader/deps.sh install grade

deps-test:
	@grader/deps.sh install test

grade: check-deps-grade $(GRADER)
	@if [ -n "$(SUB)" ] && [ -z "$(LAB)" ]; then echo "oslabs: SUB= needs LAB= too"; exit 1; fi
	@if [ -z "$(GRADE_LABS)" ]; then echo "oslabs: no lab has landed yet (labs/*/lab.ini)"; exit 0; fi
	@for lab in $(GRADE_LABS); do \
	    mkdir -p build/results/$$lab && \
	    $(GRADER) run $$lab $(if $(SUB),--submission $(SUB)) $(foreach t,$(ONLY),--only $(t)) \
	        --repeat $(REPEAT) --json build/results/$$lab/results.json \
	        --junit build/results/$$lab/junit.xml --html build/results/$$lab/report.html || exit $$?; \
	    echo "(results: build/results/$$lab/results.json, junit.xml; to look at: build/results/$$lab/report.html)"; \
	done; \
	if [ $(words $(GRADE_LABS)) -gt 1 ]; then \
	    echo; echo "Summary"; \
	    for lab in $(GRADE_LABS); do \
	        s=$$(grep -o 'Score: [0-9.]*/[0-9.]* ([0-9.]*%)' build/results/$$lab/results.json | head -n 1); \
	        printf '  %-10s %s\n' "$$lab" "$${s#Score: }"; \
	    done | tee build/results/summary.txt; \
	    awk '{ split($$2, a, "/"); s += a[1]; m += a[2] } \
	         END { printf "  %-10s %g/%g (%.1f%%)\n", "total", s, m, m ? 100 * s / m : 0 }' \
	        build/results/summary.txt; \
	fi

build: check-deps-grade $(GRADER)
	@if [ -z "$(LAB)" ]; then echo "usage: make build LAB=lab [SUB=dir]"; exit 1; fi
	@$(GRADER) build $(LAB) $(if $(SUB),--submission $(SUB)) >/dev/null && \
	    echo "oslabs: built in build/run/$(LAB): cd build/run/$(LAB) and run the programs there"

debug: check-deps-grade $(GRADER)
	@if [ -z "$(LAB)" ] || [ -z "$(ONLY)" ]; then \
	    echo "usage: make debug LAB=lab ONLY=test [TOOL=gdb|valgrind|strace|none] [SUB=dir]"; exit 1; fi
	@$(GRADER) debug $(LAB) $(ONLY) --tool $(TOOL) $(if $(SUB),--submission $(SUB))

test: deps-test $(GRADER)
	@$(MAKE) --no-print-directory -C grader test
	@tests/selftest/run.sh $(LABS)

bench: check-deps-grade $(GRADER)
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

batch: check-deps-grade $(GRADER)
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
