#!/usr/bin/env bash
# The registry suite: `galley registry` end to end, run as real processes,
# against one backend. The same checks run on both:
#   tests/registry/registry.sh GALLEY sqlite
#   tests/registry/registry.sh GALLEY postgres   # starts a throwaway server
# Exit 0: all passed; 1: a check failed; 77: skipped (PostgreSQL's server
# binaries are not installed), which ctest reports as skipped.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
galley=$(realpath "${1:-build/galley}")
backend=${2:-sqlite}
tmp=$(mktemp -d)
chmod 755 "$tmp"
pg_ctl=""
cleanup() {
  # The server goes in every outcome: a test never leaves one running.
  if [ -n "$pg_ctl" ]; then as_pg "$pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
passed=0
failed=0
unset GITHUB_ACTIONS GITHUB_OUTPUT TF_BUILD GITHUB_RUN_ID BUILD_BUILDID GALLEY_RUN_ID GITHUB_SHA
export GALLEY_ACTOR=tester

# initdb refuses to run as root: the server runs as the postgres user
# (or nobody) when the tests do.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin
  bin=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "SKIP: the PostgreSQL server binaries (initdb, pg_ctl) are not installed;" \
      "install Debian's postgresql package to run the registry suite on PostgreSQL"
    exit 77
  fi
  pg_user=postgres
  getent passwd postgres >/dev/null || pg_user=nobody
  mkdir -p "$tmp/pg" "$tmp/sock"
  [ "$(id -u)" = 0 ] && chown "$pg_user" "$tmp/pg" "$tmp/sock"
  local port
  pg_bin=$bin
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if ! as_pg "$bin/initdb" -D "$tmp/pg" -A trust -U galley --no-sync >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log"
    echo "FAIL: initdb"
    exit 1
  fi
  pg_ctl="$bin/pg_ctl"
  if ! as_pg "$pg_ctl" -D "$tmp/pg" -l "$tmp/sock/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $tmp/sock -F -c max_connections=60" start >/dev/null; then
    cat "$tmp/sock/server.log"
    echo "FAIL: pg_ctl start"
    exit 1
  fi
  pg_port=$port
  export GALLEY_REGISTRY="postgresql://galley@127.0.0.1:$port/postgres"
  export GALLEY_REGISTRY_STORE="$tmp/store"
  store="$tmp/store"
}

case "$backend" in
  sqlite)
    export GALLEY_REGISTRY="$tmp/registry"
    unset GALLEY_REGISTRY_STORE
    store="$tmp/registry"
    ;;
  postgres) start_postgres ;;
  *) echo "usage: $0 GALLEY sqlite|postgres" >&2; exit 2 ;;
esac

# expect NAME STATUS COMMAND...: runs COMMAND; stdout in $out, stderr in $err.
expect() {
  local name=$1 want=$2
  shift 2
  out=$("$@" 2>"$tmp/stderr")
  local got=$?
  err=$(cat "$tmp/stderr")
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: exit $got, wanted $want"
    echo "$out" | head -20
    echo "$err" | head -20
  fi
}
# same NAME WANT GOT: exact equality.
same() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1"
    diff <(echo "$2") <(echo "$3") | head -20
  fi
}
# holds NAME TEXT HAYSTACK
holds() {
  if grep -qF -- "$2" <<<"$3"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1: lacks: $2"
    echo "$3" | head -20
  fi
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

g() { "$galley" registry "$@"; }

model="$tmp/model"
mkdir -p "$model/src"
printf 'weights v1' >"$model/model.pkl"
printf 'def init(): pass\ndef run(data): return data\n' >"$model/src/score.py"
echo '{"auc": 0.80, "f1": 0.7}' >"$tmp/m1.json"
echo '{"auc": 0.83, "f1": 0.7}' >"$tmp/m2.json"
echo '{"auc": 0.831}' >"$tmp/m3.json"

# ---- register, show, list ----
expect "register prints the first version" 0 g register --name credit-risk --path "$model" \
  --metrics "$tmp/m1.json" --param lr=0.1 --tag team=risk --stage staging
same "register prints the first version" "1" "$out"
same "register says what it stored" "Registered credit-risk@1 (staging, 2 files, 54 B)." "$err"
expect "a second register is version 2" 0 g register --name credit-risk --path "$model" --metrics "$tmp/m2.json"
same "a second register is version 2" "2" "$out"
expect "show --format json" 0 g show credit-risk@1 --format json
same "show: stage" "staging" "$(json 'd["stage"]' <<<"$out")"
same "show: metrics" "0.8" "$(json 'd["metrics"]["auc"]' <<<"$out")"
same "show: params and tags" "0.1 risk" "$(json 'd["params"]["lr"], d["tags"]["team"]' <<<"$out" | tr -d "(),'")"
same "show: lineage user" "tester" "$(json 'd["lineage"]["user"]' <<<"$out")"
same "show: files by sha256" "model.pkl $(printf 'weights v1' | sha256sum | cut -c1-64)" \
  "$(json 'd["files"][0]["path"] + " " + d["files"][0]["sha256"]' <<<"$out")"
expect "show text" 0 g show credit-risk
holds "show without a version is the latest" "credit-risk@2" "$out"
holds "show lists files" "src/score.py" "$out"
expect "list" 0 g list
same "list shows the model" "NAME VERSIONS LATEST PRODUCTION STAGING UPDATED|credit-risk 2 2 - 1" \
  "$(awk 'NR == 1 { h = $0 } NR == 2 { print $1, $2, $3, $4, $5 }' <<<"$out" | sed "1s/^/$(head -1 <<<"$out" | tr -s ' ')|/")"
expect "list NAME" 0 g list credit-risk --format json
same "list NAME gives every version" "[1, 2]" "$(json '[v["version"] for v in d]' <<<"$out")"
expect "list NAME --limit" 0 g list credit-risk --limit 1 --format json
same "list NAME --limit gives the newest" "[2]" "$(json '[v["version"] for v in d]' <<<"$out")"
expect "--registry comes before or after the subcommand" 0 "$galley" registry --registry "$GALLEY_REGISTRY" list credit-risk
expect "--registry after the subcommand" 0 g list credit-risk --registry "$GALLEY_REGISTRY"

# ---- lineage ----
GITHUB_RUN_ID=4711 GITHUB_WORKFLOW=train GITHUB_SHA=0123abcd expect "lineage from the CI host" 0 \
  g register --name lineage --path "$model/model.pkl"
expect "lineage shown" 0 g show lineage@1 --format json
same "lineage: run, pipeline, commit" "4711 train 0123abcd" \
  "$(json '" ".join([d["lineage"]["run_id"], d["lineage"]["pipeline"], d["lineage"]["git_commit"]])' <<<"$out")"
same "a registered file is kind file" "file" "$(json 'd["kind"]' <<<"$out")"
GALLEY_RUN_ID=run-9 BUILD_BUILDID=77 expect "galley's run id first" 0 g register --name lineage --path "$model/model.pkl"
expect "lineage shown" 0 g show lineage@2 --format json
same "galley's run id wins over the host's" "run-9" "$(json 'd["lineage"]["run_id"]' <<<"$out")"

# ---- promote, aliases, history ----
expect "promote to production" 0 g promote credit-risk 1 --stage production
same "promote says so" "credit-risk@1 is in production." "$out"
expect "promote the next" 0 g promote credit-risk 2 --stage production -m "auc +0.03"
same "the previous production version is archived" "credit-risk@2 is in production; version 1 was archived." "$out"
expect "stages" 0 g list credit-risk --format json
same "one production version" "['archived', 'production']" "$(json '[v["stage"] for v in d]' <<<"$out")"
expect "alias set" 0 g alias set credit-risk champion 2
same "alias set says so" "credit-risk@champion is version 2." "$out"
expect "show by alias" 0 g show credit-risk@champion --format json
same "the alias resolves" "2 ['champion']" "$(json 'd["version"], d["aliases"]' <<<"$out" | tr -d '(),')"
expect "alias moves" 0 g alias set credit-risk champion 1
expect "alias rm" 0 g alias rm credit-risk champion
expect "history" 0 g history credit-risk --format json
same "history: events in order" \
  "register:1::staging register:2::none stage:1:staging:production stage:1:production:archived stage:2:none:production alias-set:2::2 alias-set:1:2:1 alias-rm:1:1:" \
  "$(json '" ".join("%s:%s:%s:%s" % (h["event"], h["version"], h["from"], h["to"]) for h in d)' <<<"$out")"
same "history: who and comment" "tester auc +0.03" "$(json 'd[4]["who"] + " " + d[4]["comment"]' <<<"$out")"
expect "history text" 0 g history credit-risk
holds "history text shows the change" "production -> archived" "$out"

# ---- bad input ----
expect "an unknown model" 1 g show fraud
same "an unknown model: message" "galley: error: no model named 'fraud' in the registry" "$err"
expect "an unknown version" 1 g show credit-risk@9
same "an unknown version: message" "galley: error: model 'credit-risk' has no version 9 (the latest is 2)" "$err"
expect "an unknown alias" 1 g show credit-risk@best
same "an unknown alias: message" "galley: error: model 'credit-risk' has no alias 'best' (it has none)" "$err"
expect "an empty stage" 1 g show credit-risk@staging
same "an empty stage: message" "galley: error: model 'credit-risk' has no version in staging" "$err"
expect "promote an unknown version" 1 g promote credit-risk 12 --stage production
expect "a bad stage" 2 g promote credit-risk 1 --stage prod
same "a bad stage: message" "galley: error: --stage 'prod': use staging, production or archived" "$err"
expect "an alias that is a stage" 2 g alias set credit-risk staging 1
expect "a bad model name" 2 g register --name "../x" --path "$model"
same "a bad model name: message" "galley: error: '../x': a model name starts with a letter or a digit" "$err"
expect "a missing path" 2 g register --name credit-risk --path "$tmp/nope"
same "a missing path: message" "galley: error: $tmp/nope: no such file or directory" "$err"
printf '{"auc": 0.8,\n  "f1": }\n' >"$tmp/bad.json"
expect "malformed metrics" 2 g register --name credit-risk --path "$model" --metrics "$tmp/bad.json"
holds "malformed metrics: positioned" "galley: error: $tmp/bad.json:2:9: not JSON:" "$err"
expect "a bad --param" 2 g register --name credit-risk --path "$model" --param lr
same "a bad --param: message" "galley: error: --param 'lr' is not KEY=VALUE" "$err"
expect "nothing half-registered by bad input" 0 g list credit-risk --format json
same "still two versions" "2" "$(json 'len(d)' <<<"$out")"

# ---- download ----
expect "download verifies and writes" 0 g download credit-risk@production "$tmp/dl"
same "download says so" "Downloaded credit-risk@2 (2 files, 54 B, sha256 verified) to $tmp/dl." "$out"
same "downloaded files" "weights v1" "$(cat "$tmp/dl/model.pkl")"
obj=$(find "$store/objects" -type f | head -1)
chmod u+w "$obj"
cp "$obj" "$tmp/object.bak"
echo tampered >"$obj"
expect "a corrupt file is refused" 2 g download credit-risk@2 "$tmp/dl2"
holds "a corrupt file is named" "is corrupt in the store: $obj has sha256" "$err"
same "nothing is written when a file is corrupt" "" "$(ls -A "$tmp/dl2")"
cp "$tmp/object.bak" "$obj"

# ---- compare ----
expect "compare with production: keep" 1 g compare credit-risk --metrics "$tmp/m3.json" --metric auc --min-delta 0.005
same "compare verdict" "False 0.83 0.831 credit-risk@2" \
  "$(json 'd["promote"], d["champion_value"], d["challenger_value"], d["champion"]' <<<"$out" | tr -d "(),'")"
same "compare delta" "0.001" "$(json 'round(d["delta"], 6)' <<<"$out")"
same "compare says why on stderr" "auc: challenger 0.831, champion 0.83 (credit-risk@2), delta +0.001000 < 0.005: keep the champion" "$err"
expect "compare: a tie promotes at 0" 0 g compare credit-risk --metrics "$tmp/m2.json" --metric auc
expect "compare lower is better" 1 g compare credit-risk --metrics "$tmp/m3.json" --metric auc --direction lower
expect "compare with an alias baseline" 0 g compare credit-risk --metrics "$tmp/m3.json" --metric auc --baseline 1 --min-delta 0.03
expect "compare without a champion promotes" 0 g compare newmodel --metrics "$tmp/m3.json" --metric auc
same "no champion" "True None" "$(json 'd["promote"], d["delta"]' <<<"$out" | tr -d "(),")"
expect "compare: a metric the file lacks" 2 g compare credit-risk --metrics "$tmp/m3.json" --metric f1
same "compare: a metric the file lacks: message" "galley: error: $tmp/m3.json has no 'f1'" "$err"

# ---- host-native outputs ----
: >"$tmp/gh_output"
GITHUB_ACTIONS=true GITHUB_OUTPUT="$tmp/gh_output" expect "register in a GitHub job" 0 \
  g register --name hosted --path "$model/model.pkl"
same "the version is a GitHub step output" "version 1" \
  "$(python3 -c 'import sys; l = open(sys.argv[1]).read().split("\n"); print(l[0].split("<<")[0], l[1]); assert l[2] == l[0].split("<<")[1]' "$tmp/gh_output")"
TF_BUILD=True expect "register in an Azure job" 0 g register --name hosted --path "$model/model.pkl"
same "stdout stays the version alone" "2" "$out"
holds "the version is an Azure output variable" "##vso[task.setvariable variable=version;isOutput=true]2" "$err"

# ---- delete ----
expect "delete production is refused" 1 g delete credit-risk 2
same "delete production: message" "galley: error: credit-risk@2 is in production: promote another version first, or delete with --force" "$err"
expect "delete an archived version" 0 g delete credit-risk 1
expect "the deleted version is gone" 1 g show credit-risk@1
same "deleted: message" "galley: error: model 'credit-risk' has no version 1 (it was deleted)" "$err"
expect "delete --force" 0 g delete credit-risk 2 --force
expect "history survives deletion" 0 g history credit-risk --format json
same "history ends with the deletions" "delete delete" "$(json '" ".join(h["event"] for h in d[-2:])' <<<"$out")"
expect "a number is never given twice" 0 g register --name credit-risk --path "$model"
same "after deleting 1 and 2, the next is 3" "3" "$out"

# ---- 16 concurrent registers ----
head -c 2000000 /dev/urandom >"$tmp/big.bin"
pids=()
for i in $(seq 16); do
  ( g register --name race --path "$tmp/big.bin" >"$tmp/race.$i" 2>"$tmp/race.$i.err"; echo $? >"$tmp/race.$i.rc" ) &
  pids+=($!)
done
wait "${pids[@]}"
same "16 concurrent registers all succeed" "0000000000000000" "$(cat "$tmp"/race.*.rc | tr -d '\n')"
same "16 concurrent registers get 1 to 16" "$(seq 16 | tr '\n' ' ')" "$(cat "$tmp"/race.? "$tmp"/race.?? | sort -n | tr '\n' ' ')"
expect "16 versions listed" 0 g list race --format json
same "16 versions listed" "$(seq 16 | tr '\n' ' ')" "$(json '" ".join(str(v["version"]) for v in d) + " "' <<<"$out")"
same "one stored object for 16 identical files" "1" "$(find "$store/objects" -type f -size 2000000c | wc -l)"

# ---- concurrent promotions are serialized ----
pids=()
for i in $(seq 8); do
  g promote race "$i" --stage production >/dev/null 2>&1 &
  pids+=($!)
done
wait "${pids[@]}"
expect "after 8 concurrent promotions" 0 g list race --format json
same "exactly one production version" "1" "$(json 'sum(v["stage"] == "production" for v in d)' <<<"$out")"
expect "their history" 0 g history race --format json
same "7 archived by the promotions that followed" "8 7" \
  "$(json 'sum(h["to"] == "production" for h in d), sum(h["to"] == "archived" for h in d)' <<<"$out" | tr -d '(),')"

# ---- kill -9 during register ----
head -c 60000000 /dev/urandom >"$tmp/huge.bin"
# Each kill lands once the register has begun staging its files (its
# folder under tmp/ appears): timed kills missed on fast machines (the copy
# was over) and on loaded ones (it had not begun).
for attempt in 1 2 3 4 5; do
  "$galley" registry register --name killed --path "$tmp/huge.bin" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 2000); do
    [ -n "$(ls -A "$store/tmp" 2>/dev/null)" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.002
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ "$attempt" -ge 2 ] && [ -n "$(ls -A "$store/tmp" 2>/dev/null)" ] && break
done
left=$(find "$store/tmp" -mindepth 1 -maxdepth 1 | wc -l)
if [ "$left" -ge 1 ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL: no kill landed while a register was copying"; fi
expect "a register after the kills" 0 g register --name killed --path "$model/model.pkl"
last=$out
expect "versions after kill -9" 0 g list killed --format json
same "the versions are 1..N with no holes" "$(seq "$last" | tr '\n' ' ')" \
  "$(json '" ".join(str(v["version"]) for v in d) + " "' <<<"$out")"
for v in $(seq "$last"); do
  expect "version $v survived whole" 0 g download "killed@$v" "$tmp/k$v"
done
same "no staging left behind after the next register" "" "$(ls -A "$store/tmp")"

# ---- the database itself ----
if [ "$backend" = sqlite ]; then
  mkdir -p "$tmp/corrupt"
  head -c 8192 /dev/urandom >"$tmp/corrupt/registry.db"
  GALLEY_REGISTRY="$tmp/corrupt" expect "a corrupt database" 2 g list
  same "a corrupt database: message" "galley: error: $tmp/corrupt/registry.db is not a galley registry: the file is not an SQLite database" "$err"
  mkdir -p "$tmp/foreign"
  python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table notes (t)"); c.commit()' "$tmp/foreign/registry.db"
  GALLEY_REGISTRY="$tmp/foreign" expect "a foreign database" 2 g list
  same "a foreign database: message" "galley: error: $tmp/foreign/registry.db is not a galley registry: it is an SQLite database of something else" "$err"
  same "a rollback journal" "delete" "$(sqlite3 "$store/registry.db" 'PRAGMA journal_mode')"
  # A registry from before 2026-12-06 is in WAL mode: the next command
  # switches it back, but not while another process has it open (an
  # endpoint's supervisor); that command neither waits (its busy timeout is
  # 60 s) nor fails, and the file stays in WAL mode until a later command.
  cp -r "$store" "$tmp/walreg"
  sqlite3 "$tmp/walreg/registry.db" 'PRAGMA journal_mode = WAL' >/dev/null
  python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM models").fetchall()
open(sys.argv[2], "w").close(); time.sleep(8)' "$tmp/walreg/registry.db" "$tmp/walreg-held" &
  holder=$!
  for _ in $(seq 100); do [ -e "$tmp/walreg-held" ] && break; sleep 0.05; done
  GALLEY_REGISTRY="$tmp/walreg" expect "a WAL registry held open: show" 0 timeout 6 "$galley" registry list
  same "a WAL registry held open: stays WAL" "wal" "$(sqlite3 "$tmp/walreg/registry.db" 'PRAGMA journal_mode')"
  GALLEY_REGISTRY="$tmp/walreg" expect "a WAL registry held open: register" 0 timeout 6 "$galley" registry register --name walled --path "$model"
  wait "$holder"
  GALLEY_REGISTRY="$tmp/walreg" expect "a WAL registry, alone: list" 0 g list
  same "a WAL registry, alone: switched to a rollback journal" "delete" "$(sqlite3 "$tmp/walreg/registry.db" 'PRAGMA journal_mode')"
  same "a WAL registry, alone: no WAL files left" "" "$(find "$tmp/walreg" -maxdepth 1 \( -name '*-wal' -o -name '*-shm' \))"
  GALLEY_REGISTRY="$tmp/walreg" expect "a WAL registry, alone: the version written meanwhile" 0 g show walled@1
  same "schema versions recorded" "1 2 3" "$(sqlite3 "$store/registry.db" 'SELECT version FROM schema_migrations ORDER BY 1' | tr '\n' ' ' | sed 's/ $//')"
  GALLEY_REGISTRY="$tmp/model/model.pkl/reg" expect "an unwritable registry" 2 g register --name x --path "$model"
  same "an unwritable registry: message" "galley: error: cannot create the registry directory $tmp/model/model.pkl/reg: Not a directory" "$err"
  if [ "$(id -u)" != 0 ]; then
    mkdir -p "$tmp/ro" && chmod 555 "$tmp/ro"
    GALLEY_REGISTRY="$tmp/ro/reg" expect "a read-only parent" 2 g list
    holds "a read-only parent: named" "$tmp/ro/reg" "$err"
  fi
else
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U galley foreign &&
    "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U galley -d foreign -c "CREATE TABLE model_versions (x int)"
  GALLEY_REGISTRY="${GALLEY_REGISTRY%/postgres}/foreign" expect "a foreign PostgreSQL database" 2 g list
  same "a foreign PostgreSQL database: message" "galley: error: ${GALLEY_REGISTRY%/postgres}/foreign is not a galley registry: it has a model_versions table but no registry_meta" "$err"
  expect "an unreachable server" 2 env GALLEY_REGISTRY="postgresql://galley:secret@127.0.0.1:1/x" "$galley" registry list
  holds "an unreachable server: named, password hidden" "cannot connect to the registry database postgresql://galley:***@127.0.0.1:1/x" "$err"
  expect "no store for PostgreSQL" 2 env -u GALLEY_REGISTRY_STORE "$galley" registry list
  holds "no store: message" "keeps its files in GALLEY_REGISTRY_STORE, which is not set" "$err"
fi

echo "registry ($backend): $passed passed, $failed failed"
[ "$failed" = 0 ]
