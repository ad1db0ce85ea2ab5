#!/usr/bin/env bash
# Runs every test: the .NET solution (unit, functional, the whole-stack AppHost test, the browser test), the
# starknet.js conformance suite and the dashboard's unit tests, type check and lint, then prints one line
# "tests: N passed, M failed".
# Tests start their own PostgreSQL/Redis/SMTP on free ports and stop them; nothing needs to run beforehand.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" || { echo "tests: 0 passed, 1 failed"; exit 1; }
cd "$root"
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

status=0
export CIRO_TEST_RUN="$(date +%s)-$$-$RANDOM"
# The JavaScript suites (starknet.js conformance, the dashboard's unit tests, type check and lint) and the contracts
# check run beside the .NET tests, at a lower priority: the .NET run is two long lanes (test projects two at a time),
# and these took about 4 minutes after it. Their output goes to a log, printed once both are done.
js_suites() {
  local failed=0
  renice -n 10 -p $BASHPID >/dev/null
  # starknet.js against the chain simulator it starts (and stops) itself; still under CIRO_TEST_RUN so a simulator
  # left running is caught below. The spec reporter's output goes to a log beside the junit file.
  (cd tests/starknetjs && node --experimental-websocket --test --test-reporter=junit --test-reporter-destination="$results/starknetjs-junit.xml" \
    --test-reporter=spec --test-reporter-destination="$results/starknetjs.log") || failed=1
  bash contracts/check.sh || failed=1

  client=src/Ciro.Web/ClientApp
  if [ -f "$client/package.json" ]; then
    (cd "$client" && npx vitest run --reporter=junit --outputFile="$results/dashboard-junit.xml" >/dev/null 2>&1) || failed=1
    # The type check (the generated types/messages.ts against its consumers) and ESLint count as tests: one
    # test for tsc, one per linted file; their findings are printed.
    (cd "$client" && npx tsc -b) > "$results/dashboard-tsc.log" 2>&1
    tsc_failed=$?
    [ $tsc_failed -eq 0 ] || { failed=1; cat "$results/dashboard-tsc.log"; }
    (cd "$client" && npx eslint --max-warnings 0 -f json -o "$results/dashboard-eslint.json" .) >/dev/null 2>&1 \
      || { failed=1; (cd "$client" && npx eslint --max-warnings 0 .); }
    python3 - "$results" "$tsc_failed" "$root/$client" <<'PY'
import json, os, sys
from xml.sax.saxutils import escape, quoteattr
results, tsc_failed, client = sys.argv[1], sys.argv[2] != "0", sys.argv[3]
with open(f"{results}/dashboard-tsc-junit.xml", "w") as out:
    body = f"<failure>{escape(open(f'{results}/dashboard-tsc.log').read())}</failure>" if tsc_failed else ""
    out.write(f'<testsuite name="dashboard-tsc" tests="1" failures="{int(tsc_failed)}"><testcase name="tsc -b">{body}</testcase></testsuite>\n')
try:
    files = json.load(open(f"{results}/dashboard-eslint.json"))
except (OSError, ValueError):
    files = None
with open(f"{results}/dashboard-eslint-junit.xml", "w") as out:
    if files is None:  # ESLint itself failed (bad config): one failed test
        out.write('<testsuite name="dashboard-eslint" tests="1" failures="1"><testcase name="eslint"><failure>eslint did not run</failure></testcase></testsuite>\n')
    else:
        cases, failures = [], 0
        for f in files:
            problems = [m for m in f["messages"] if m.get("severity", 0) >= 1]
            name = os.path.relpath(f["filePath"], client)
            failure = ""
            if problems:
                failures += 1
                text = "\n".join(f'{m.get("line", 0)}:{m.get("column", 0)} {m.get("ruleId")}: {m["message"]}' for m in problems)
                failure = f"<failure>{escape(text)}</failure>"
            cases.append(f"<testcase name={quoteattr(name)}>{failure}</testcase>")
        out.write(f'<testsuite name="dashboard-eslint" tests="{len(cases)}" failures="{failures}">{"".join(cases)}</testsuite>\n')
PY
  fi
  return $failed
}
js_suites > "$results/js-suites.log" 2>&1 &
js_pid=$!
dotnet test CiroAspire.sln --no-build -nologo -v q --logger "trx" --results-directory "$results" || status=1
wait $js_pid || status=1
cat "$results/js-suites.log"
run_id="$CIRO_TEST_RUN"
export -n CIRO_TEST_RUN

# Tests must stop every process they start (servers, services, DCP, browsers). Every process the test run
# starts inherits CIRO_TEST_RUN; after a moment for stops to finish, any process still carrying it is a leak.
sleep 3
leftover=""
for environ in /proc/[0-9]*/environ; do
  pid=${environ#/proc/}; pid=${pid%/environ}
  [ "$pid" = "$$" ] && continue
  if { tr '\0' '\n' < "$environ"; } 2>/dev/null | grep -qx "CIRO_TEST_RUN=$run_id"; then
    leftover+="$pid $(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null | cut -c1-200)"$'\n'
  fi
done
if [ -n "$leftover" ]; then
  echo "processes left running by the tests:"; printf '%s' "$leftover"
  echo '<testsuite name="leftover-processes" tests="1" failures="1"></testsuite>' > "$results/leftover-junit.xml"
else
  echo '<testsuite name="leftover-processes" tests="1" failures="0"></testsuite>' > "$results/leftover-junit.xml"
fi

python3 - "$results" <<'PY' || status=1
import glob, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
passed = failed = 0
for path in glob.glob(f"{root}/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
for path in glob.glob(f"{root}/*junit*.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests = int(suite.get("tests", 0)); bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        passed += tests - bad - skipped; failed += bad
print(f"tests: {passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
exit $status
