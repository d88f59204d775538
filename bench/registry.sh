#!/usr/bin/env bash
# galley registry benchmarks, each beside its anchor in the same run,
# interleaved round by round (bench/side_by_side.py: medians, and ratios of
# medians; the machines are shared and noisy).
#
#   bench/registry.sh [GALLEY_BINARY]     (default: build/galley)
#
# 1. registering a 10 MB model (fresh random bytes every run, so nothing is
#    deduplicated), against `cp` plus `sha256sum` of the same file, and
#    against the same plus `sync` of the copy (the durability register has:
#    it syncs the stored file and commits in SQLite's FULL mode);
# 2. `registry show` and `registry list` (the models, and every version of
#    one) with 10,000 versions, whole process, against `galley --version`
#    (the process floor) and /bin/true.
# The figures are in docs/benchmarks.md.
set -euo pipefail
command -v sqlite3 >/dev/null || { echo "bench/registry.sh: needs sqlite3 (apt-get install sqlite3)" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="$(realpath "${1:-$root/build/galley}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export GALLEY_REGISTRY="$work/registry" GITHUB_SHA=bench GALLEY_ACTOR=bench
unset GITHUB_ACTIONS GITHUB_OUTPUT TF_BUILD

echo "== 1. register a 10 MB model"
fresh="sh -c 'head -c 10485760 /dev/urandom > $work/model.bin; rm -f $work/copy.bin'"
python3 "$root/bench/side_by_side.py" --rounds "${RUNS:-30}" --prepare "$fresh" --anchor "cp+sha256sum" \
  "galley register=$galley registry register --name m --path $work/model.bin" \
  "cp+sha256sum=sh -c 'cp $work/model.bin $work/copy.bin && sha256sum $work/model.bin'" \
  "cp+sha256sum+sync=sh -c 'cp $work/model.bin $work/copy.bin && sha256sum $work/model.bin && sync $work/copy.bin'"

echo "== 2. show and list with 10,000 versions"
rm -rf "$GALLEY_REGISTRY"
mkdir -p "$work/small"
echo '{"auc": 0.8}' > "$work/small/metrics.json"
head -c 1000 /dev/urandom > "$work/small/model.pkl"
"$galley" registry register --name credit-risk --path "$work/small" --metrics "$work/small/metrics.json" \
  --stage staging >/dev/null 2>&1
# 9,999 more versions of the same files, written directly: registering them
# one by one would take minutes and measure nothing new.
sqlite3 "$GALLEY_REGISTRY/registry.db" "
  WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
  INSERT INTO model_versions SELECT name, i, 'archived', single_file, metrics, params, tags,
    git_commit, run_id, pipeline, created_by, created_at FROM model_versions, n WHERE version = 1;
  WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
  INSERT INTO version_files SELECT name, i, path, sha256, size, executable
    FROM version_files, n WHERE version = 1;
  UPDATE models SET last_version = 10000, versions = 10000;
  UPDATE model_versions SET stage = 'production' WHERE version = 9000;"
python3 "$root/bench/side_by_side.py" --rounds "${RUNS:-50}" --anchor "galley --version" \
  "show @production=$galley registry show credit-risk@production" \
  "show @5000=$galley registry show credit-risk@5000" \
  "list=$galley registry list" \
  "list NAME=$galley registry list credit-risk" \
  "list NAME --limit 20=$galley registry list credit-risk --limit 20" \
  "galley --version=$galley --version" \
  "/bin/true=/bin/true"
