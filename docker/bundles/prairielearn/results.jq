# results.jq - the grader's results.json (Gradescope's format) in
# PrairieLearn's external-grader format. PrairieLearn shows every test
# to the student at once, so the tests not visible now (hidden,
# after_due_date, after_published) are summed into one "hidden tests"
# entry: their points count, their names and output stay private. A
# grading machine that cannot run some tests gives no grade (gradable:
# false, saying why) unless OSLABS_ALLOW_PARTIAL=1; so does one that failed
# a test itself (extra_data.environment_error).

# output capped: PrairieLearn refuses results over 1 MB
def cap($n): if length > $n then .[:$n] + "\n[... cut]\n" else . end;
def lines: (.output // "") | split("\n");

.extra_data as $x
| ($x.max_score // 0) as $max
| ([.tests[] | select(.extra_data.not_gradable)]) as $short
| if ($short | length) > 0 and ($ENV.OSLABS_ALLOW_PARTIAL // "") != "1" then
    # the grading machine lacks what some tests need: no short grade
    # (the course's setup, not the student's code); OSLABS_ALLOW_PARTIAL=1 grades anyway
    {gradable: false,
     message: ("This submission could not be graded in full on this grading machine, through no fault of"
               + " your code: \($short | map(.name) | join(", ")) need what it lacks"
               + " (\($short[0].output | split("\n") | map(select(startswith("Result: "))) | first // ""
                    | ltrimstr("Result: "))). Please tell your instructor."),
     format_errors: [],
     output: ((.output // "") | cap(100000))}
  elif $x.environment_error != null then
    # the machine failed a test or the build (a fork, the sandbox): no grade,
    # no attempt used up on it
    {gradable: false,
     message: ("The grading machine failed, not your code: \($x.environment_error)."
               + " Please submit again; if it happens again, tell your instructor."),
     format_errors: [],
     output: ((.output // "") | cap(100000))}
  elif $x.build == "failed" or $x.problem != null then
    {gradable: false,
     message: (if $x.problem != null
               then "The submission cannot be graded: " + ($x.problem | rtrimstr("\n"))
               else "The code does not compile (with -Wall -Wextra -Werror, a warning is an error):"
                    + " no test could run. The compiler's errors are below." end),
     format_errors: [(.output // "") | cap(20000)],
     output: ((.output // "") | cap(100000))}
  else
    ([.tests[] | select(.visibility != "visible")]) as $hidden
    | {gradable: true,
       score: (if $max > 0 then .score / $max else 0 end),
       points: .score, max_points: $max,
       message: "\($x.lab): \(.score)/\($max) points",
       output: ((.output // "") | cap(100000)),
       tests: ([.tests[] | select(.visibility == "visible")
                | lines as $l | .extra_data.outcome as $outcome
                | {name,
                   description: ($l | map(select(startswith("Checks: "))) | first // "" | ltrimstr("Checks: ")),
                   points: .score, max_points: .max_score,
                   message: ($l | map(select(startswith("Result: "))) | first // $outcome | ltrimstr("Result: ")),
                   output: (.output // "" | cap(8000))}]
               + if ($hidden | length) == 0 then [] else
                   [{name: "hidden tests",
                     description: "\($hidden | length) tests whose details are not shown; their points count",
                     points: ($hidden | map(.score) | add), max_points: ($hidden | map(.max_score) | add),
                     message: "\($hidden | map(select(.extra_data.outcome == "passed")) | length) of \($hidden | length) passed",
                     output: ""}] end)}
  end
