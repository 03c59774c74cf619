#!/usr/bin/env bash
# ./portal bench: synthetic actor inventories in the database ocim_bench, then each query of bench/queries.tsv
# measured side by side as raw SQL (pgbench) and through the app (wrk), at each concurrency, for each size.
# Writes one report, bench/results/<UTC date-time>-actors.md, and prints its path. See bench/README.md.
#
# Usage: bench/run.sh [--sizes 10000,100000,1000000] [--duration 8] [--small-duration 4] [--concurrency 1,2]
#                     [--only NAME,NAME] [--soak SECONDS]
# The largest size runs every query of queries.tsv for --duration seconds per measurement; the smaller sizes run
# the queries marked "all", for --small-duration seconds (the budget of a full run: about 40 minutes).
# Environment (./portal sets it): PGHOST, PGPORT, PGUSER, PGPASSWORD of the local cluster;
#   APP_DLL (the built Ocim.Portal.dll) and APP_CONTENT_ROOT (src/Ocim.Portal); PORTAL_ROOT (for data/).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$BENCH/work"                 # git-ignored: logs, parameter pools, raw results
DB="${BENCH_DB:-ocim_bench}"            # BENCH_DB: another database name, to keep a trial run apart
PGBENCH="${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}"
SEED=42                            # the generated inventory is the same on every run
BATCH=20000                        # actors per INSERT statement

sizes="10000,100000,1000000"
duration=8
small_duration=4
concurrency="1,2"
only=""
soak=0                             # --soak SECONDS: the bounded soak (soak.sh) at the largest size, after the queries

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --small-duration) small_duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --soak) soak="$2"; shift 2 ;;
    *) die "unknown option: $1 (bench/run.sh [--sizes 10000,100000,1000000] [--duration 8] [--small-duration 4] [--concurrency 1,2] [--only NAME,…] [--soak SECONDS])" ;;
  esac
done
[[ "$sizes" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--sizes takes numbers separated by commas"
[[ "$duration" =~ ^[0-9]+$ && "$small_duration" =~ ^[0-9]+$ ]] || die "--duration and --small-duration take whole seconds"
[[ "$soak" =~ ^[0-9]+$ && "$soak" -le 3600 ]] || die "--soak takes whole seconds, at most 3600"
[[ "$concurrency" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--concurrency takes numbers separated by commas"
for var in PGHOST PGPORT PGUSER PGPASSWORD APP_DLL APP_CONTENT_ROOT; do
  [ -n "${!var:-}" ] || die "$var is not set (run this through ./portal bench)"
done
[ -f "$APP_DLL" ] || die "the app is not built: $APP_DLL"
command -v wrk >/dev/null || die "wrk is missing (./portal bench installs it)"
[ -x "$PGBENCH" ] || die "pgbench is missing: $PGBENCH"
export PGHOST PGPORT PGUSER PGPASSWORD
export PGOPTIONS="-c client_min_messages=warning"   # no NOTICE from "drop table if exists" in the rebuilds

started_at=$(date +%s)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p "$WORK/log" "$WORK/params" "$BENCH/results"
rm -f "$WORK"/log/*
RESULTS="$WORK/results.tsv"        # size query c side rps p50_ms p95_ms transactions problems load1 avg_bytes
LOADS="$WORK/loads.tsv"            # size rows points_s insert_s us_per_row rebuild_territories_s examined changed map_rebuild_s vacuum_s table_size same_commune_pct
SAMPLES="$WORK/samples.tsv"        # size query status bytes
MEMORY="$WORK/memory.tsv"          # size instance rss_mb hwm_mb (after the queries)
WRITES="$WORK/writes.tsv"          # size variant op writes mean_us p50_us p95_us
REBUILDS="$WORK/rebuilds.tsv"      # size what seconds result
DOWNLOADS="$WORK/downloads.tsv"    # size what items bytes gzip_bytes seconds
TILESIZES="$WORK/tilesizes.tsv"    # size layer z tiles avg_bytes max_bytes
: > "$WORK/restarts.tsv"; : > "$WORK/soak.tsv"; : > "$RESULTS"; : > "$LOADS"; : > "$SAMPLES"; : > "$MEMORY"; : > "$WRITES"; : > "$REBUILDS"; : > "$DOWNLOADS"; : > "$TILESIZES"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }   # the machine's 1-minute load, noted after each measurement
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# The queries: NAME, SIZES, APP, POOL and sample path from queries.tsv, optionally narrowed by --only.
queries=()
declare -A sample_path query_sizes query_app query_pool query_base
while read -r name qsizes app pool path rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then continue; fi
  base="${name%-cached}"; base="${base%-uncached}"
  [ -f "$BENCH/sql/$base.sql" ] || die "bench/sql/$base.sql is missing"
  # No bench/http/BASE.lua: http_script gives http/sample.lua, which requests the sample path (the adversarial group).
  queries+=("$name"); sample_path[$name]="$path"; query_sizes[$name]="$qsizes"; query_app[$name]="$app"
  query_pool[$name]="$pool"; query_base[$name]="$base"
done < "$BENCH/queries.tsv"
[ ${#queries[@]} -gt 0 ] || die "no query selected"
max_size=$(tr ',' '\n' <<< "$sizes" | sort -n | tail -1)

# ---------------------------------------------------------------- the database
# The app's environment: ocim_bench, no demo actors, no request logging (it would dominate the micro-queries).
APP_ENV=(ConnectionStrings__Portal="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$DB"
         Portal__LoadDemoActors=false Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
         # register-contention posts thousands of registrations from one address: no rate limit, no demo events, and
         # neither the outbox worker nor the reminders/purge job competing for the 2 cores.
         Events__RegistrationRateLimit__PermitLimit=1000000000 Portal__LoadDemoEvents=false
         # nor the per-event cap on registrations waiting for their address to be confirmed (docs/decisions/0032)
         Events__Holds__MaxPerEventPerHour=1000000000
         # place suggestions are asked at every key: wrk sends thousands from one address
         Portal__RateLimits__lieux__PerMinute=1000000000
         Mail__Outbox__Enabled=false Events__Housekeeping__Enabled=false
         # nor the duplicate candidates' worker (minutes to hours of CPU at 1M, docs/decisions/0020): the loads leave
         # its queue empty (its insert trigger is one of the load triggers) and no query here reads its table.
         Curation__Duplicates__Enabled=false
         # plain HTTP on loopback, as ./portal run serves: the antiforgery cookie cannot be Secure here
         Portal__InsecureLoopbackCookies=true)

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
  q -tAc "select q from bench.place_query order by n" > "$WORK/params/place-queries.txt"
  q -tAc "select q from bench.text_place order by n" > "$WORK/params/text-places.txt"
  q -tAc "select word || '|' || commune from bench.text_place order by n" > "$WORK/params/text-place-filters.txt"
  q -tAc "select slug from bench.theme order by n" > "$WORK/params/themes.txt"
}

# The triggers a bulk load leaves out (see data/insert-actors.sql); always switched back on, even on failure.
LOAD_TRIGGERS=(actor_resolve_territory_on_insert actor_map_on_insert actor_map_on_update actor_map_on_delete
               actor_duplicate_on_insert)
set_load_triggers() {
  local verb="$1" t sql=""
  for t in "${LOAD_TRIGGERS[@]}"; do sql="$sql alter table actor $verb trigger $t;"; done
  q -c "$sql" > /dev/null
}

# Draws the points, writes the actors in statement-level batches with the per-row territory trigger and the map
# triggers off, then rebuilds territories (polygon-driven) and the map's aggregates, then vacuums and analyses.
generate() {
  local size="$1" t0 points_s insert_s vacuum_s rebuild_s map_s rows lo result
  say "Generating $size actors: points in commune outlines…"
  t0=$(now)
  q -v size="$size" -v seed="$SEED" -f "$BENCH/data/generate-points.sql" > /dev/null
  points_s=$(seconds_since "$t0")
  rows=$(q -tAc "select count(*) from bench.point")
  say "  $rows points in ${points_s} s; inserting into the actor table ($BATCH per statement, load triggers off)…"
  {
    echo "set synchronous_commit = off;"
    for ((lo = 0; lo < rows; lo += BATCH)); do
      echo "\\set lo $lo"; echo "\\set hi $((lo + BATCH))"; echo "\\i $BENCH/data/insert-actors.sql"
    done
  } > "$WORK/insert.sql"
  set_load_triggers disable
  t0=$(now)
  q -f "$WORK/insert.sql" > /dev/null || { set_load_triggers enable; die "the load failed"; }
  insert_s=$(seconds_since "$t0")
  set_load_triggers enable
  say "  inserted in ${insert_s} s; territories from the outlines (actor_rebuild_territories)…"
  t0=$(now)
  result=$(q -tA -F ' ' -c "select examined, changed from actor_rebuild_territories()")
  rebuild_s=$(seconds_since "$t0")
  say "  ${rebuild_s} s (examined, changed: $result); map aggregates (actor_map_rebuild)…"
  t0=$(now)
  q -c "select actor_map_rebuild()" > /dev/null
  map_s=$(seconds_since "$t0")
  say "  ${map_s} s; vacuum analyze…"
  t0=$(now)
  q -c "vacuum (analyze) actor" -c "vacuum (analyze) actor_cell" -c "vacuum (analyze) actor_cell_total" \
    -c "vacuum (analyze) actor_commune_count" > /dev/null
  vacuum_s=$(seconds_since "$t0")
  # How often the outlines put the point in the commune it was drawn in (borders resolve to the lower code).
  q -tA -F $'\t' -c "
    select count(*), pg_size_pretty(pg_total_relation_size('actor')),
           round(100.0 * count(*) filter (where a.commune_code = p.commune_code) / greatest(count(*), 1), 2)
    from actor a join bench.point p on p.n = a.external_id::bigint where a.source = 'bench'" \
  | while IFS=$'\t' read -r inserted table_size same; do
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$inserted" "$points_s" "$insert_s" \
        "$(awk -v s="$insert_s" -v n="$inserted" 'BEGIN { printf "%.0f", 1e6 * s / n }')" "$rebuild_s" \
        "${result% *}" "${result#* }" "$map_s" "$vacuum_s" "$table_size" "$same" >> "$LOADS"
    done
  q -c "drop table bench.point"
  q -f "$BENCH/data/pools.sql" > /dev/null
  q -f "$BENCH/data/events.sql" > /dev/null
  local z
  for z in 5 8 10 12 14; do q -tAc "select x || '/' || y from bench.tile where z = $z order by n" > "$WORK/params/tiles-z$z.txt"; done
  q -tAc "select href from bench.actor_pick order by n" > "$WORK/params/actors.txt"
}

# ---------------------------------------------------------------- the app
# Two instances of the same build per size: "cached" as deployed, "uncached" with the tile cache switched off.
declare -A APP_PID APP_URL
stop_apps() {
  local k
  for k in "${!APP_PID[@]}"; do
    if kill -0 "${APP_PID[$k]}" 2>/dev/null; then kill "${APP_PID[$k]}"; wait "${APP_PID[$k]}" 2>/dev/null || true; fi
    unset "APP_PID[$k]"
  done
}
cleanup() { stop_apps; set_load_triggers enable 2>/dev/null || true; }
trap cleanup EXIT

free_port() {
  local p
  for p in $(seq "${1:-5190}" 5290); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free TCP port between 5190 and 5290"
}

start_app() {
  local size="$1" instance="$2" port url pid i
  port=$(free_port "$3")
  url="http://127.0.0.1:$port"
  say "Starting the app (Release, $instance) on $url…"
  # env execs dotnet, so $! is the app's own pid (for /proc/<pid>/status and to stop it).
  env "${APP_ENV[@]}" ASPNETCORE_URLS="$url" Portal__PublicUrl="$url" Database__MigrateOnStartup=false \
    Portal__TileCache__Enabled="$([ "$instance" = uncached ] && echo false || echo true)" \
    dotnet "$APP_DLL" --contentRoot "$APP_CONTENT_ROOT" >> "$WORK/log/app-$size-$instance.log" 2>&1 &
  pid=$!
  APP_PID[$instance]=$pid; APP_URL[$instance]=$url
  for i in $(seq 1 120); do
    if curl -fs -o /dev/null "$url/health/ready"; then return; fi
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$WORK/log/app-$size-$instance.log" >&2; die "the app stopped"; }
    sleep 0.5
  done
  die "the app did not answer on $url/health/ready within 60 s"
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
  local size="$1" name="$2" c="$3" secs="$4" prefix out tps n p problems="" pool
  prefix="$WORK/log/$size-$name-c$c-sql"
  out="$prefix.out"
  pool="${query_pool[$name]}"; [ "$pool" = "-" ] && pool=1
  rm -f "$prefix".[0-9]*
  (cd "$WORK/log" && "$PGBENCH" -n -M extended -T "$secs" -c "$c" -j "$c" -l --log-prefix="$prefix" -D pool="$pool" \
     -f "$BENCH/sql/${query_base[$name]}.sql" "$DB") > "$out" 2>&1 || problems="pgbench exit $?"
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | awk '{ printf "%.2f", $1 }')
  n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
  if grep -q -i -E 'error|abort' "$out"; then problems="${problems:+$problems; }$(grep -i -m1 -E 'error|abort' "$out")"; fi
  p=$(percentiles "$prefix".[0-9]*)
  printf '%s\t%s\t%s\tsql\t%s\t%s\t%s\t%s\t%s\t\n' "$size" "$name" "$c" "${tps:--}" "$p" "${n:-0}" "$problems" "$(load1)" >> "$RESULTS"
}

# The wrk script of a query: http/BASE.lua, or http/sample.lua (its sample path, again and again) when it has none.
http_script() {
  if [ -f "$BENCH/http/${query_base[$1]}.lua" ]; then echo "$BENCH/http/${query_base[$1]}.lua"; else echo "$BENCH/http/sample.lua"; fi
}

run_http() {
  local size="$1" name="$2" c="$3" secs="$4" url="$5" out line problems=""
  out="$WORK/log/$size-$name-c$c-http.out"
  BENCH_PARAMS="$WORK/params" BENCH_HTTP="$BENCH/http" BENCH_POOL="${query_pool[$name]}" BENCH_SAMPLE="${sample_path[$name]}" \
    wrk -t "$c" -c "$c" -d "${secs}s" --timeout 120s -s "$(http_script "$name")" "$url" > "$out" 2>&1 \
    || problems="wrk exit $?"
  line=$(grep '^BENCH ' "$out" || true)
  [ -n "$line" ] || { problems="${problems:-no summary from wrk}"; line="BENCH requests=0 duration_us=1 bytes=0 p50_us=0 p95_us=0 errors=0 non2xx=0"; }
  awk -v size="$size" -v name="$name" -v c="$c" -v problems="$problems" -v load1="$(load1)" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      if (f["errors"] > 0) problems = problems (problems ? "; " : "") f["errors"] " socket errors/timeouts"
      if (f["non2xx"] > 0) problems = problems (problems ? "; " : "") f["non2xx"] " non-2xx responses"
      printf "%s\t%s\t%s\thttp\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\t%.0f\n", size, name, c,
        f["requests"] / (f["duration_us"] / 1e6), f["p50_us"] / 1000, f["p95_us"] / 1000, f["requests"], problems, load1,
        (f["requests"] > 0 ? f["bytes"] / f["requests"] : 0)
    }' <<< "$line" >> "$RESULTS"
}

# The path of a sample: the first actor of the pool for the actor page, else the path of queries.tsv.
sample_of() {
  if [ "$1" = nearest ]; then head -1 "$WORK/params/actors.txt"; else echo "${sample_path[$1]}"; fi
}

# The machine is shared: if something else stopped an instance, start it again and say so in the report.
RESTARTS="$WORK/restarts.tsv"      # size instance before_query
ensure_apps() {
  local size="$1" what="$2" instance
  for instance in cached uncached; do
    if ! kill -0 "${APP_PID[$instance]}" 2>/dev/null; then
      say "  the $instance instance stopped (not by this script): starting it again"
      printf '%s\t%s\t%s\n' "$size" "$instance" "$what" >> "$RESTARTS"
      start_app "$size" "$instance" "${APP_URL[$instance]##*:}"
    fi
  done
}

measure_queries() {
  local size="$1" secs="$2" name c status bytes url
  for name in "${queries[@]}"; do
    [ "${query_sizes[$name]}" = all ] || [ "$size" = "$max_size" ] || continue
    ensure_apps "$size" "$name"
    url="${APP_URL[${query_app[$name]}]}"
    read -r status bytes < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$url$(sample_of "$name")")
    printf '%s\t%s\t%s\t%s\n' "$size" "$name" "$status" "$bytes" >> "$SAMPLES"
    # Warm-up, not recorded: JIT and caches of the app, the database's buffers for this query.
    if [ "$status" != 404 ]; then
      BENCH_PARAMS="$WORK/params" BENCH_HTTP="$BENCH/http" BENCH_POOL="${query_pool[$name]}" BENCH_SAMPLE="${sample_path[$name]}" \
        wrk -t 1 -c 1 -d 2s --timeout 120s -s "$(http_script "$name")" "$url" > /dev/null 2>&1 || true
    fi
    for c in ${concurrency//,/ }; do
      say "  $size actors · $name · c=$c: SQL then HTTP, ${secs} s each"
      run_sql "$size" "$name" "$c" "$secs"
      if [ "$status" = 404 ]; then
        printf '%s\t%s\t%s\thttp\t-\t-\t-\t0\tskipped: %s answers 404 (endpoint not merged yet)\t%s\t\n' \
          "$size" "$name" "$c" "$(sample_of "$name")" "$(load1)" >> "$RESULTS"
      else
        run_http "$size" "$name" "$c" "$secs" "$url"
      fi
    done
  done
}

record_memory() {
  local size="$1" instance
  for instance in cached uncached; do
    printf '%s\t%s\t%s\t%s\n' "$size" "$instance" \
      "$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/${APP_PID[$instance]}/status")" \
      "$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/${APP_PID[$instance]}/status")" >> "$MEMORY"
  done
}

# Single-row writes through every trigger, and resolve_territory alone (data/write-costs.sql; rolled back).
measure_writes() {
  local size="$1"
  say "  $size actors · single-row writes (µs), this branch and before"
  q -v bench="$BENCH" -v out="$WORK/writes-$size.tsv" -f "$BENCH/data/write-costs.sql" > /dev/null
  sed "s/^/$size\t/" "$WORK/writes-$size.tsv" >> "$WRITES"
}

# Full rebuilds on the loaded inventory: territories (now and as before this branch; nothing changes, so nothing
# is written) and the map's aggregates.
measure_rebuilds() {
  local size="$1" t0 result secs
  say "  $size actors · full rebuilds"
  t0=$(now); result=$(q -tA -F ' ' -c "select examined, changed from actor_rebuild_territories()"); secs=$(seconds_since "$t0")
  printf '%s\tactor_rebuild_territories() (this branch)\t%s\t%s\n' "$size" "$secs" "examined, changed: $result" >> "$REBUILDS"
  t0=$(now)
  result=$(q -tA -F ' ' -f "$BENCH/data/before-rebuild-territories.sql" -c "select examined, changed from pg_temp.actor_rebuild_territories_before()" | tail -1)
  secs=$(seconds_since "$t0")
  printf '%s\tactor_rebuild_territories() before (main d2bb474)\t%s\t%s\n' "$size" "$secs" "examined, changed: $result" >> "$REBUILDS"
  t0=$(now); q -c "select actor_map_rebuild()" > /dev/null; secs=$(seconds_since "$t0")
  printf '%s\tactor_map_rebuild()\t%s\t%s\n' "$size" "$secs" "$(q -tAc "select count(*) || ' cells, ' || pg_size_pretty(pg_total_relation_size('actor_cell') + pg_total_relation_size('actor_cell_total')) from actor_cell")" >> "$REBUILDS"
  q -c "vacuum (analyze) actor_cell" -c "vacuum (analyze) actor_cell_total" > /dev/null
}

# Every distinct tile of the pool, through the uncached instance: average and largest size per zoom.
measure_tile_sizes() {
  local size="$1" z layer
  for layer in actors territories; do
    for z in 5 8 10 12 14; do
      [ "$layer" = territories ] && [ "$z" != 5 ] && [ "$z" != 10 ] && continue
      # One curl for all of them (a config file: one url and one output per tile).
      sort -u "$WORK/params/tiles-z$z.txt" \
        | awk -v base="${APP_URL[uncached]}/tiles/$layer/$z/" '{ printf "url = \"%s%s.mvt\"\noutput = \"/dev/null\"\n", base, $1 }' > "$WORK/tile-urls.txt"
      curl -s -K "$WORK/tile-urls.txt" -w '%{size_download}\n' \
        | awk -v size="$size" -v layer="$layer" -v z="$z" '
            { n++; s += $1; if ($1 + 0 > m + 0) m = $1 }
            END { printf "%s\t%s\t%s\t%d\t%.0f\t%d\n", size, layer, z, n, (n ? s / n : 0), m }' >> "$TILESIZES"
    done
  done
}

# "Download everything" against the map's first screen.
measure_downloads() {
  local size="$1" url="${APP_URL[cached]}" line n z x0 x1 y0 y1 x y layer raw gz bytes t0 secs
  say "  $size actors · download everything vs the first screen's tiles"
  n=$(q -tAc "select count(*) from actor where status = 'published' and geom is not null")
  line=$(curl -s -o "$WORK/all.geojson" -w '%{http_code} %{size_download} %{time_total}' "$url/acteurs.geojson")
  printf '%s\tGeoJSON /acteurs.geojson (no filter), as the app sends it uncompressed\t%s\t%s\t%s\t%s\n' "$size" "$n" \
    "$(cut -d' ' -f2 <<< "$line")" "$(gzip -6 -c "$WORK/all.geojson" | wc -c)" "$(cut -d' ' -f3 <<< "$line")" >> "$DOWNLOADS"
  line=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$url/acteurs.geojson")
  printf '%s\tGeoJSON /acteurs.geojson (no filter), compressed by the app (Accept-Encoding: gzip)\t%s\t%s\t%s\t%s\n' "$size" "$n" \
    "$(cut -d' ' -f2 <<< "$line")" "$(cut -d' ' -f2 <<< "$line")" "$(cut -d' ' -f3 <<< "$line")" >> "$DOWNLOADS"
  rm -f "$WORK/all.geojson"
  t0=$(now)
  q -tAc "select json_agg(json_build_array(id, round(st_x(geom)::numeric, 5), round(st_y(geom)::numeric, 5), circle) order by id)
          from actor where status = 'published' and geom is not null" > "$WORK/all-compact.json"
  secs=$(seconds_since "$t0")
  printf '%s\tcompact array [id,lon,lat,circle] built by SQL (psql; no endpoint)\t%s\t%s\t%s\t%s\n' "$size" "$n" \
    "$(wc -c < "$WORK/all-compact.json")" "$(gzip -6 -c "$WORK/all-compact.json" | wc -c)" "$secs" >> "$DOWNLOADS"
  rm -f "$WORK/all-compact.json"
  # The tiles covering metropolitan France (extent of its régions) at zooms 5 and 6: actors and territories,
  # fetched once each from the cached instance (first request: built from the database).
  for z in 5 6; do
    read -r x0 x1 y0 y1 < <(q -tA -F ' ' -c "
      select floor((st_xmin(e) + 20037508.342789244) / 40075016.68557849 * (1 << $z))::int,
             floor((st_xmax(e) + 20037508.342789244) / 40075016.68557849 * (1 << $z))::int,
             floor((20037508.342789244 - st_ymax(e)) / 40075016.68557849 * (1 << $z))::int,
             floor((20037508.342789244 - st_ymin(e)) / 40075016.68557849 * (1 << $z))::int
      from (select st_extent(geom_3857) as e from region where code >= '11') r")
    for layer in actors territories; do
      : > "$WORK/first-screen.txt"
      t0=$(now)
      for ((x = x0; x <= x1; x++)); do
        for ((y = y0; y <= y1; y++)); do
          curl -s -o "$WORK/tile.mvt" "$url/tiles/$layer/$z/$x/$y.mvt"
          printf '%s %s\n' "$(wc -c < "$WORK/tile.mvt")" "$(gzip -6 -c "$WORK/tile.mvt" | wc -c)" >> "$WORK/first-screen.txt"
        done
      done
      secs=$(seconds_since "$t0")
      awk -v size="$size" -v z="$z" -v layer="$layer" -v secs="$secs" -v xs="$x0-$x1" -v ys="$y0-$y1" '
          { n++; raw += $1; gz += $2 }
          END { printf "%s\tfirst screen: %s tiles z%d (x %s, y %s), sequential\t%d\t%d\t%d\t%s\n", size, layer, z, xs, ys, n, raw, gz, secs }' \
        "$WORK/first-screen.txt" >> "$DOWNLOADS"
    done
  done
  rm -f "$WORK/tile.mvt" "$WORK/first-screen.txt"
}

measure_size() {
  local size="$1" secs="$small_duration"
  [ "$size" = "$max_size" ] && secs="$duration"
  start_app "$size" cached 5190
  start_app "$size" uncached "$(( ${APP_URL[cached]##*:} + 1 ))"
  measure_queries "$size" "$secs"
  if [ "$soak" -gt 0 ] && [ "$size" = "$max_size" ]; then
    ensure_apps "$size" "soak"
    BENCH_DB="$DB" "$BENCH/soak.sh" "${APP_URL[cached]}" "$soak" "$WORK"
  fi
  ensure_apps "$size" "memory and extras"
  record_memory "$size"
  if [ -z "$only" ]; then
    measure_tile_sizes "$size"
    measure_downloads "$size"
    measure_writes "$size"
    measure_rebuilds "$size"
  fi
  stop_apps
}

# ---------------------------------------------------------------- run
prepare_database
for size in ${sizes//,/ }; do
  generate "$size"
  measure_size "$size"
done

REPORT="$BENCH/results/$stamp-actors.md"
elapsed=$(( $(date +%s) - started_at ))
"$BENCH/report.sh" "$WORK" "$stamp" "$elapsed" "$duration" "$load_at_start" "${queries[*]}" "$small_duration" "$max_size" > "$REPORT"
say "Report written (whole run: $((elapsed / 60)) min $((elapsed % 60)) s)"
echo "$REPORT"
