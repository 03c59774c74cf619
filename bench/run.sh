#!/usr/bin/env bash
# ./portal bench: synthetic actor inventories in the database ocim_bench, then each query of bench/queries.tsv
# measured side by side as raw SQL (pgbench) and through the app (wrk), at each concurrency, for each size.
# Writes one report, bench/results/<UTC date-time>-actors.md, and prints its path. See bench/README.md.
#
# Usage: bench/run.sh [--sizes 20000,1000000] [--duration 10] [--concurrency 1,2] [--only NAME,NAME]
# Environment (./portal sets it): PGHOST, PGPORT, PGUSER, PGPASSWORD of the local cluster;
#   APP_DLL (the built Ocim.Portal.dll) and APP_CONTENT_ROOT (src/Ocim.Portal); PORTAL_ROOT (for data/).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$BENCH/work"                 # git-ignored: logs, parameter pools, raw results
DB="ocim_bench"
PGBENCH="${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}"
SEED=42                            # the generated inventory is the same on every run
BATCH=20000                        # actors per INSERT statement

sizes="20000,1000000"
duration=10
concurrency="1,2"
only=""

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) die "unknown option: $1 (bench/run.sh [--sizes 20000,1000000] [--duration 10] [--concurrency 1,2] [--only NAME,…])" ;;
  esac
done
[[ "$sizes" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--sizes takes numbers separated by commas"
[[ "$duration" =~ ^[0-9]+$ ]] || die "--duration takes whole seconds"
[[ "$concurrency" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--concurrency takes numbers separated by commas"
for var in PGHOST PGPORT PGUSER PGPASSWORD APP_DLL APP_CONTENT_ROOT; do
  [ -n "${!var:-}" ] || die "$var is not set (run this through ./portal bench)"
done
[ -f "$APP_DLL" ] || die "the app is not built: $APP_DLL"
command -v wrk >/dev/null || die "wrk is missing (./portal bench installs it)"
[ -x "$PGBENCH" ] || die "pgbench is missing: $PGBENCH"
export PGHOST PGPORT PGUSER PGPASSWORD

started_at=$(date +%s)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p "$WORK/log" "$WORK/params" "$BENCH/results"
rm -f "$WORK"/log/*
RESULTS="$WORK/results.tsv"        # size query c side rps p50_ms p95_ms transactions problems load1
LOADS="$WORK/loads.tsv"            # size rows points_s insert_s us_per_row vacuum_s table_size same_commune_pct
SAMPLES="$WORK/samples.tsv"        # size query status bytes
MEMORY="$WORK/memory.tsv"          # size rss_mb hwm_mb
: > "$RESULTS"; : > "$LOADS"; : > "$SAMPLES"; : > "$MEMORY"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }   # the machine's 1-minute load, noted after each measurement
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The queries: NAME and sample path from queries.tsv, optionally narrowed by --only.
queries=()
declare -A sample_path
while read -r name path rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then continue; fi
  [ -f "$BENCH/sql/$name.sql" ] || die "bench/sql/$name.sql is missing"
  [ -f "$BENCH/http/$name.lua" ] || die "bench/http/$name.lua is missing"
  queries+=("$name"); sample_path[$name]="$path"
done < "$BENCH/queries.tsv"
[ ${#queries[@]} -gt 0 ] || die "no query selected"

# ---------------------------------------------------------------- the database
# The app's environment: ocim_bench, no demo actors, no request logging (it would dominate the micro-queries).
APP_ENV=(ConnectionStrings__Portal="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$DB"
         Portal__LoadDemoActors=false Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production)

prepare_database() {
  if ! psql -X -d postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    say "Creating database $DB…"
    createdb "$DB"
  fi
  say "Applying migrations and loading the territories into $DB (the app's seed; demo actors off)…"
  env "${APP_ENV[@]}" dotnet "$APP_DLL" seed --contentRoot "$APP_CONTENT_ROOT" > "$WORK/log/seed.log" 2>&1 \
    || { tail -n 30 "$WORK/log/seed.log" >&2; die "seed failed on $DB (log: bench/work/log/seed.log)"; }
  q -f "$BENCH/data/setup.sql"
  # The pools the wrk scripts draw from: the same rows as the bench.* functions of the SQL scripts.
  q -tAc "select code from bench.department order by n" > "$WORK/params/departments.txt"
  q -tAc "select code from bench.region order by n" > "$WORK/params/regions.txt"
  q -tAc "select code from bench.commune order by n" > "$WORK/params/communes.txt"
  q -tAc "select word from bench.topic order by n" > "$WORK/params/words.txt"
}

# Draws the points, writes the actors through the trigger in statement-level batches, then vacuums and analyses.
generate() {
  local size="$1" t0 points_s insert_s vacuum_s rows lo
  say "Generating $size actors: points in commune outlines…"
  t0=$(now)
  q -v size="$size" -v seed="$SEED" -f "$BENCH/data/generate-points.sql" > /dev/null
  points_s=$(seconds_since "$t0")
  rows=$(q -tAc "select count(*) from bench.point")
  say "  $rows points in ${points_s} s; inserting through the actor table ($BATCH per statement)…"
  {
    echo "set synchronous_commit = off;"
    for ((lo = 0; lo < rows; lo += BATCH)); do
      echo "\\set lo $lo"; echo "\\set hi $((lo + BATCH))"; echo "\\i $BENCH/data/insert-actors.sql"
    done
  } > "$WORK/insert.sql"
  t0=$(now)
  q -f "$WORK/insert.sql" > /dev/null
  insert_s=$(seconds_since "$t0")
  say "  inserted in ${insert_s} s; vacuum analyze…"
  t0=$(now)
  q -c "vacuum (analyze) actor" > /dev/null
  vacuum_s=$(seconds_since "$t0")
  # How often the trigger put the point in the commune it was drawn in (borders resolve to the lower code).
  q -tA -F $'\t' -c "
    select count(*), pg_size_pretty(pg_total_relation_size('actor')),
           round(100.0 * count(*) filter (where a.commune_code = p.commune_code) / greatest(count(*), 1), 2)
    from actor a join bench.point p on p.n = a.external_id::bigint where a.source = 'bench'" \
  | while IFS=$'\t' read -r inserted table_size same; do
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$inserted" "$points_s" "$insert_s" \
        "$(awk -v s="$insert_s" -v n="$inserted" 'BEGIN { printf "%.0f", 1e6 * s / n }')" "$vacuum_s" "$table_size" "$same" >> "$LOADS"
    done
  q -c "drop table bench.point"
}

# ---------------------------------------------------------------- the app
APP_PID=""
stop_app() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT

free_port() {
  local p
  for p in $(seq 5190 5290); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free TCP port between 5190 and 5290"
}

start_app() {
  local size="$1" i
  PORT=$(free_port)
  URL="http://127.0.0.1:$PORT"
  say "Starting the app (Release) on $URL…"
  # env execs dotnet, so $! is the app's own pid (for /proc/<pid>/status and to stop it).
  env "${APP_ENV[@]}" ASPNETCORE_URLS="$URL" Database__MigrateOnStartup=false \
    dotnet "$APP_DLL" --contentRoot "$APP_CONTENT_ROOT" > "$WORK/log/app-$size.log" 2>&1 &
  APP_PID=$!
  for i in $(seq 1 120); do
    if curl -fs -o /dev/null "$URL/health/ready"; then return; fi
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$WORK/log/app-$size.log" >&2; die "the app stopped"; }
    sleep 0.5
  done
  die "the app did not answer on $URL/health/ready within 60 s"
}

# ---------------------------------------------------------------- measurements
# Nearest-rank percentile (ms) of the per-transaction latencies (µs, third column) of pgbench's -l logs.
percentiles() {
  cat "$@" | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "-\t-"; exit }
      i50 = int(0.50 * NR); if (i50 < 0.50 * NR) i50++
      i95 = int(0.95 * NR); if (i95 < 0.95 * NR) i95++
      printf "%.2f\t%.2f\n", v[i50] / 1000, v[i95] / 1000
    }'
}

run_sql() {
  local size="$1" name="$2" c="$3" prefix out tps n p problems=""
  prefix="$WORK/log/$size-$name-c$c-sql"
  out="$prefix.out"
  (cd "$WORK/log" && "$PGBENCH" -n -M extended -T "$duration" -c "$c" -j "$c" -l --log-prefix="$prefix" \
     -f "$BENCH/sql/$name.sql" "$DB") > "$out" 2>&1 || problems="pgbench exit $?"
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | awk '{ printf "%.2f", $1 }')
  n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
  if grep -q -i -E 'error|abort' "$out"; then problems="${problems:+$problems; }$(grep -i -m1 -E 'error|abort' "$out")"; fi
  p=$(percentiles "$prefix".[0-9]*)
  printf '%s\t%s\t%s\tsql\t%s\t%s\t%s\t%s\t%s\n' "$size" "$name" "$c" "${tps:--}" "$p" "${n:-0}" "$problems" "$(load1)" >> "$RESULTS"
}

run_http() {
  local size="$1" name="$2" c="$3" out line problems=""
  out="$WORK/log/$size-$name-c$c-http.out"
  BENCH_PARAMS="$WORK/params" BENCH_HTTP="$BENCH/http" \
    wrk -t "$c" -c "$c" -d "${duration}s" --timeout 120s -s "$BENCH/http/$name.lua" "$URL" > "$out" 2>&1 \
    || problems="wrk exit $?"
  line=$(grep '^BENCH ' "$out" || true)
  [ -n "$line" ] || { problems="${problems:-no summary from wrk}"; line="BENCH requests=0 duration_us=1 p50_us=0 p95_us=0 errors=0 non2xx=0"; }
  awk -v size="$size" -v name="$name" -v c="$c" -v problems="$problems" -v load1="$(load1)" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      if (f["errors"] > 0) problems = problems (problems ? "; " : "") f["errors"] " socket errors/timeouts"
      if (f["non2xx"] > 0) problems = problems (problems ? "; " : "") f["non2xx"] " non-2xx responses"
      printf "%s\t%s\t%s\thttp\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\n", size, name, c,
        f["requests"] / (f["duration_us"] / 1e6), f["p50_us"] / 1000, f["p95_us"] / 1000, f["requests"], problems, load1
    }' <<< "$line" >> "$RESULTS"
}

measure_size() {
  local size="$1" name c status bytes
  start_app "$size"
  for name in "${queries[@]}"; do
    # Warm-up, not recorded: JIT and caches of the app, the database's buffers for this query.
    BENCH_PARAMS="$WORK/params" BENCH_HTTP="$BENCH/http" \
      wrk -t 1 -c 1 -d 2s --timeout 120s -s "$BENCH/http/$name.lua" "$URL" > /dev/null 2>&1 || true
    read -r status bytes < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$URL${sample_path[$name]}")
    printf '%s\t%s\t%s\t%s\n' "$size" "$name" "$status" "$bytes" >> "$SAMPLES"
    for c in ${concurrency//,/ }; do
      say "  $size actors · $name · c=$c: SQL then HTTP, ${duration} s each"
      run_sql "$size" "$name" "$c"
      run_http "$size" "$name" "$c"
    done
  done
  printf '%s\t%s\t%s\n' "$size" \
    "$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status")" \
    "$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status")" >> "$MEMORY"
  stop_app
}

# ---------------------------------------------------------------- run
prepare_database
for size in ${sizes//,/ }; do
  generate "$size"
  measure_size "$size"
done

REPORT="$BENCH/results/$stamp-actors.md"
elapsed=$(( $(date +%s) - started_at ))
"$BENCH/report.sh" "$WORK" "$stamp" "$elapsed" "$duration" "$load_at_start" "${queries[*]}" > "$REPORT"
say "Report written (whole run: $((elapsed / 60)) min $((elapsed % 60)) s)"
echo "$REPORT"
