# feedback.jq - Autolab's feedback from the grader's results.json: every
# visible test's result, the output of those that did not pass (capped:
# Autolab keeps a bounded output and the scores line must stay last),
# and the tests not visible now only as their total.
def cap($n): if length > $n then .[:$n] + "\n[... cut]\n" else . end;

([.tests[] | select(.visibility != "visible")]) as $hidden
| (.output // ""),
  (.tests[] | select(.visibility == "visible")
   | "\(.name): \(.score)/\(.max_score) \(.extra_data.outcome)"),
  (.tests[] | select(.visibility == "visible" and .extra_data.outcome != "passed")
   | "\n== \(.name) (\(.score)/\(.max_score)) ==\n" + (.output // "" | cap(4000))),
  (if ($hidden | length) > 0 then
     "\nhidden tests: \($hidden | map(.score) | add)/\($hidden | map(.max_score) | add) points"
     + " (\($hidden | length) tests; their details are not shown)"
   else empty end)
