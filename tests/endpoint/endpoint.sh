#!/usr/bin/env bash
# galley endpoint end to end: trains the credit-risk example's model with
# Debian's scikit-learn, registers it, and deploys it for real: every input
# format of MLflow's protocol and CSV, 400 and 413, a blue/green redeploy
# under load that loses no request, a failed deploy that leaves the old
# version serving, a port in use, batch scoring, and delete leaving no
# process and no file. Every worker is stopped in every outcome.
#
#   tests/endpoint/endpoint.sh GALLEY
set -uo pipefail
galley="$(realpath "$1")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
example="$root/examples/credit-risk"
# Debian's interpreter: a pyenv shim's Python does not see Debian's scikit-learn.
export PATH="/usr/local/bin:/usr/bin:/bin" NO_COLOR=1
unset GITHUB_ACTIONS TF_BUILD GALLEY_OUTPUT
tmp="$(mktemp -d)"
export GALLEY_REGISTRY="$tmp/registry"

cleanup() {
  for name in $("$galley" endpoint list --format json 2>/dev/null |
    python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)))' 2>/dev/null); do
    "$galley" endpoint delete "$name" >/dev/null 2>&1
  done
  [ -f "$tmp/pids" ] && while read -r pid; do kill "$pid" 2>/dev/null; done <"$tmp/pids"
  rm -rf "$tmp"
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}
# check NAME EXPECTED ACTUAL
check() { if [ "$2" == "$3" ]; then pass; else fail "$1: expected [$2], got [$3]"; fi; }
# contains NAME NEEDLE HAYSTACK
contains() { if [[ "$3" == *"$2"* ]]; then pass; else fail "$1: [$2] not in [$3]"; fi; }

# "gone" when no process has that pid, or only its zombie (which init
# reaps in its own time), else "running".
state() {
  local s
  s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  if [ -z "$s" ] || [ "$s" = Z ] || [ "$s" = X ]; then echo gone; else echo running; fi
}
# The live members of a process group.
group() { for p in $(pgrep -g "$1" 2>/dev/null); do [ "$(state "$p")" = running ] && echo "$p"; done; }

# HTTP without the galley client: prints "STATUS BODY".
http() {
  python3 - "$@" <<'EOF'
import http.client, sys
method, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
body = open(sys.argv[5], "rb").read() if len(sys.argv) > 5 else None
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
c.request(method, path, body, {"Content-Type": sys.argv[4]} if len(sys.argv) > 4 else {})
r = c.getresponse()
print(r.status, r.read().decode())
EOF
}

if ! python3 -c "import sklearn, numpy" 2>/dev/null; then
  echo "endpoint.sh: skipped: Debian's python3-sklearn is not installed (apt-get install python3-sklearn)"
  exit 0
fi

# --- a model, registered twice, and a scoring package -----------------------
cd "$tmp" || exit 1
if ! python3 "$example/src/prep.py" --rows 300 --output-dir data >/dev/null ||
  ! python3 "$example/src/train.py" --data-dir data --model-dir model >/dev/null; then
  echo "endpoint.sh: cannot train the example's model"
  exit 1
fi
mkdir -p code broken
cp "$example/src/score.py" "$example/src/features.py" code/
printf 'def init():\n    raise RuntimeError("the model file is corrupt")\n\ndef run(raw):\n    return []\n' >broken/score.py
v1=$("$galley" registry register --name credit-risk --path model 2>"$tmp/err")
check "register v1" "1" "$v1"
v2=$("$galley" registry register --name credit-risk --path model 2>"$tmp/err")
check "register v2" "2" "$v2"

# --- deploy and every input format -------------------------------------------
url=$("$galley" endpoint deploy --name cr --model credit-risk --version 1 --code code \
  --max-request-size 65536 2>"$tmp/err")
check "deploy exits 0" "0" "$?"
port="${url##*:}"
contains "deploy prints the URL" "http://127.0.0.1:" "$url"
check "ping" "200 " "$(http GET "$port" /ping | tr -d '\n')"
contains "version names the model" '"model": "credit-risk", "version": "1"' "$(http GET "$port" /version)"

expected=$("$galley" endpoint invoke --name cr --request "$example/deploy/sample-request.json")
check "invoke with Azure's data exits 0" "0" "$?"
contains "predictions" '{"predictions": [' "$expected"
cols='"columns": ["age", "income", "debt_ratio", "credit_lines", "late_payments", "loan_amount", "employment_years"]'
rows='[[35, 42000, 0.31, 4, 0, 12000, 6], [58, 91000, 0.12, 7, 0, 15000, 22], [24, 18000, 0.55, 2, 3, 14000, 1]]'
echo "{\"dataframe_split\": {$cols, \"data\": $rows}}" >split.json
echo "{\"instances\": $rows}" >instances.json
echo "{\"inputs\": $rows}" >inputs.json
python3 -c '
import csv, json, sys
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(sys.argv[1], newline=""))]
print(json.dumps({"dataframe_records": rows}))' "$example/deploy/sample-batch.csv" >records.json
for f in split instances inputs records; do
  check "invoke with $f" "$expected" "$("$galley" endpoint invoke --name cr --request $f.json)"
done
cp "$example/deploy/sample-batch.csv" sample.csv
check "invoke with CSV" "$expected" "$("$galley" endpoint invoke --name cr --request sample.csv)"

# --- bad input: positioned in the file, 400 from the server, 413 -------------
printf '{"instances": [[1, 2}\n' >bad.json
out=$("$galley" endpoint invoke --name cr --request bad.json 2>&1)
check "a malformed request file exits 2" "2" "$?"
contains "it is positioned" "bad.json:1:21: not valid JSON" "$out"
check "malformed JSON gets 400" "400" "$(http POST "$port" /invocations application/json bad.json | cut -d' ' -f1)"
echo '[1, 2]' >list.json
contains "a bare list gets 400 and says why" '400 {"error_code": "BAD_REQUEST", "message": "the request must be a JSON object with exactly one of' \
  "$(http POST "$port" /invocations application/json list.json)"
echo '{"instances": [[1, 2]]}' >short.json
out=$("$galley" endpoint invoke --name cr --request short.json 2>"$tmp/err")
check "the model rejecting the input exits 1" "1" "$?"
contains "with the server's 400" '"message": "the model rejected the input: KeyError:' "$out"
contains "and the status" "endpoint cr answered 400" "$(cat "$tmp/err")"
python3 -c 'import json; print(json.dumps({"instances": [[0] * 7] * 4000}))' >big.json
out=$("$galley" endpoint invoke --name cr --request big.json 2>/dev/null)
check "an oversized request exits 1" "1" "$?"
contains "with 413" '"error_code": "REQUEST_TOO_LARGE"' "$out"
check "text/plain gets 415" "415" "$(http POST "$port" /invocations text/plain sample.csv | cut -d' ' -f1)"
check "still serving after bad input" "200 " "$(http GET "$port" /ping | tr -d '\n')"

# --- blue/green under load -----------------------------------------------------
python3 - "$port" >load.out 2>&1 <<'EOF' &
import http.client, os, sys
port = int(sys.argv[1])
body = open("split.json", "rb").read()
ok = errors = 0
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
while not os.path.exists("stop-load"):
    try:
        conn.request("POST", "/invocations", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        ok += r.status == 200
        errors += r.status != 200
    except Exception as e:
        errors += 1
        print("error:", repr(e))
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
print(f"ok {ok} errors {errors}")
EOF
load=$!
echo "$load" >>"$tmp/pids"
sleep 1
old_pid=$("$galley" endpoint show cr --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
url2=$("$galley" endpoint deploy --name cr --model credit-risk --version 2 --code code \
  --max-request-size 65536 2>"$tmp/err")
check "redeploy exits 0" "0" "$?"
check "redeploy keeps the port" "$url" "$url2"
sleep 1
touch stop-load
wait "$load"
load_out=$(cat load.out)
contains "no request failed during the switch" "errors 0" "$load_out"
check "the old worker is gone" "gone" "$(state "$old_pid")"
contains "the new version serves" '"version": "2"' "$(http GET "$port" /version)"

# --- a failed deploy leaves the old version serving -------------------------
"$galley" endpoint deploy --name cr --model credit-risk --version 1 --code broken >/dev/null 2>"$tmp/err"
check "a failed deploy exits 1" "1" "$?"
err=$(cat "$tmp/err")
contains "it says why" "RuntimeError: the model file is corrupt" "$err"
contains "and what still serves" "credit-risk@2 keeps serving cr at $url" "$err"
check "the old version still answers" "$expected" "$("$galley" endpoint invoke --name cr --request split.json)"
check "show still says version 2" "2" "$("$galley" endpoint show cr --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')"

# --- an alias, and the URL as a GitHub job's output ----------------------------
"$galley" registry alias set credit-risk champion 1 >/dev/null
echo >gh.out
url3=$(GITHUB_ACTIONS=true GITHUB_OUTPUT="$tmp/gh.out" "$galley" endpoint deploy --name cr \
  --model credit-risk --version @champion --code code 2>"$tmp/err")
check "deploy of @champion exits 0" "0" "$?"
check "it keeps the port and max request size is back to the default" "$url" "$url3"
contains "the URL is the GitHub job's output" "url=$url" "$(cat gh.out)"
contains "@champion is version 1" '"version": "1"' "$(http GET "$port" /version)"
check "the default request limit is back" "200" \
  "$(http POST "$port" /invocations application/json big.json | cut -d' ' -f1)"

# --- port in use, unknown names ------------------------------------------------
python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(600)' >busy.port &
echo $! >>"$tmp/pids"
for _ in $(seq 50); do [ -s busy.port ] && break; sleep 0.1; done
busy=$(cat busy.port)
out=$("$galley" endpoint deploy --name other --model credit-risk --version 1 --code code --port "$busy" 2>&1)
check "a port in use exits 2" "2" "$?"
check "naming the port" "galley: error: cannot deploy other: port $busy on 127.0.0.1 is in use" "$out"
out=$("$galley" endpoint deploy --name other --model credit-risk --version 9 --code code 2>&1)
check "an unknown version exits 1" "1" "$?"
out=$("$galley" endpoint show nope 2>&1)
check "an unknown endpoint exits 1" "1" "$?"
check "and is named" "galley: error: no endpoint named 'nope'" "$out"

# --- batch --------------------------------------------------------------------
"$galley" endpoint deploy --name crb --model credit-risk --version 2 --code code --kind batch 2>"$tmp/err"
check "batch deploy exits 0" "0" "$?"
"$galley" endpoint invoke --name crb --request sample.csv --output out1 >/dev/null 2>&1
check "batch invoke of a file exits 0" "0" "$?"
check "one row per applicant" "4" "$(wc -l <out1/predictions.csv | tr -d ' ')"
contains "with the scores" "default_probability" "$(head -1 out1/predictions.csv)"
mkdir -p in && cp sample.csv in/a.csv && cp sample.csv in/b.csv
"$galley" endpoint invoke --name crb --request in --output out2 >/dev/null 2>&1
check "batch invoke of a folder" "7" "$(wc -l <out2/predictions.csv | tr -d ' ')"
job=$("$galley" endpoint invoke --name crb --request sample.csv 2>/dev/null)
contains "without --output, a job folder of the endpoint" "$GALLEY_REGISTRY/endpoints/crb/jobs/" "$job"
check "holding the predictions" "4" "$(wc -l <"$job/predictions.csv" | tr -d ' ')"
printf 'age,income\n1,2\n' >short.csv
"$galley" endpoint invoke --name crb --request short.csv --output out3 >/dev/null 2>"$tmp/err"
check "a batch the model rejects exits 1" "1" "$?"
contains "saying so" "galley: error: the batch job of crb failed" "$(cat "$tmp/err")"

# --- list, logs, delete -------------------------------------------------------
list=$("$galley" endpoint list)
contains "list shows the online endpoint" "credit-risk@1" "$list"
contains "serving" "serving" "$list"
contains "list shows the batch endpoint" "batch" "$list"
http POST "$port" /invocations application/json list.json >/dev/null
logs=$("$galley" endpoint logs cr)
contains "logs show the failed requests" '"POST /invocations HTTP/1.1" 400' "$logs"
contains "and whose worker they come from" "[credit-risk@1 pid " "$logs"
pid=$("$galley" endpoint show cr --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
"$galley" endpoint delete cr 2>/dev/null
check "delete exits 0" "0" "$?"
check "no process is left" "gone" "$(state "$pid")"
check "nor its group" "" "$(group "$pid")"
check "nor its files" "" "$(find "$GALLEY_REGISTRY/endpoints" -name cr -o -name cr.lock)"
check "the port is free" "000" "$(python3 -c "import socket; s=socket.socket(); print('000' if s.connect_ex(('127.0.0.1', $port)) else 'open')")"
"$galley" endpoint delete crb 2>/dev/null
check "delete of a batch endpoint" "0" "$?"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
