#!/usr/bin/env bash
# Writes the markdown report of a run to stdout, from the raw results run.sh left in bench/work/.
# Usage: report.sh WORK STAMP ELAPSED_S DURATION_S "LOAD AVERAGE AT START" "QUERY NAMES" SMALL_DURATION_S MAX_SIZE
set -euo pipefail
WORK="$1"; STAMP="$2"; ELAPSED="$3"; DURATION="$4"; LOAD_START="$5"; QUERIES="$6"; SMALL_DURATION="$7"; MAX_SIZE="$8"
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

sql1() { psql -X -d "${BENCH_DB:-ocim_bench}" -tAc "$1"; }

pg_version=$(sql1 "select version()")
postgis_version=$(sql1 "select postgis_full_version()" | grep -o 'POSTGIS="[^"]*"\|GEOS="[^"]*"\|PROJ="[^"]*"' | tr '\n' ' ')
settings=$(sql1 "select string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' order by name) from pg_settings
                 where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit')")
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)

cat <<EOF
# Benchmark: map tiles, territory counts, nearest, white zones, list pages and exports; raw SQL vs HTTP (\`./portal bench\`)

Run $STAMP (UTC), $((ELAPSED / 60)) min $((ELAPSED % 60)) s in all. ${DURATION} s per measurement at $MAX_SIZE actors (every
query); ${SMALL_DURATION} s per measurement at the smaller sizes, which run only the queries marked \`all\` in
\`bench/queries.tsv\` (to keep the whole run within its budget of about 45 minutes on this shared machine).

## Machine
| | |
|---|---|
| CPU | $(nproc) cores ($cpu) |
| memory | $mem |
| load average (1/5/15 min) | at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg) |
| PostgreSQL | $pg_version |
| PostGIS | $postgis_version |
| server settings | $settings |
| .NET | SDK $(dotnet --version 2>/dev/null || echo '?'), app built in Release |
| tools | $("${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}" --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2) |

The database, the app, pgbench and wrk all run on this one machine and share its 2 cores with other people's work
(see the load average, and the load column of each measurement): absolute figures are noisy. Compare the figures
measured side by side in this run (the HTTP/SQL ratios, this branch against before), not runs with each other.

## Loading the synthetic inventories
Points drawn inside real commune outlines (\`st_generatepoints\` per commune, shares by INSEE population), then
written into the real \`actor\` table in statement-level batches of 20,000 rows with \`synchronous_commit = off\`.
To keep the 1M build fast, the load runs with the per-row territory trigger and the three map triggers **disabled**
(every index and the actor_count triggers stay on): each row takes the territories of the commune it was drawn in,
then \`actor_rebuild_territories()\` checks every point against the outlines (and corrects those on borders, which
resolve to the lowest code), \`actor_map_rebuild()\` builds the map's cluster pyramid and commune counts, and
\`VACUUM ANALYZE\` runs on the actor table and the aggregates. What a write costs through every trigger is measured
separately below ("Single-row writes").

| size asked | actors written | points (s) | insert, triggers off (s) | per row (µs) | territories from outlines (s) | examined | changed | map aggregates (s) | vacuum analyze (s) | actor table + indexes | kept the drawing commune |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %% |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$WORK/loads.tsv"

for size in $(cut -f1 "$WORK/loads.tsv"); do
  rows=$(awk -F'\t' -v s="$size" '$1 == s { print $2 }' "$WORK/loads.tsv")
  cat <<EOF

## $rows actors
| query | app | c | SQL req/s | HTTP req/s | HTTP/SQL | SQL p50 / p95 (ms) | HTTP p50 / p95 (ms) | payload (bytes, sample) | HTTP bytes / response (avg) | load 1 min (SQL / HTTP) | problems |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
EOF
  for name in $QUERIES; do
    app=$(awk -v q="$name" '$1 == q { print $3 }' "$BENCH/queries.tsv")
    awk -F'\t' -v s="$size" -v q="$name" -v app="$app" -v samples="$WORK/samples.tsv" '
      BEGIN {
        while ((getline line < samples) > 0) {
          split(line, f, "\t")
          if (f[1] == s && f[2] == q) payload = (f[3] == "200" ? f[4] : "HTTP " f[3] ", " f[4])
        }
      }
      $1 == s && $2 == q {
        key = $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
        if ($4 == "sql") { sr[key] = $5; s50[key] = $6; s95[key] = $7; sp[key] = $9; sl[key] = ($10 == "" ? "?" : $10) }
        else             { hr[key] = $5; h50[key] = $6; h95[key] = $7; hp[key] = $9; hl[key] = ($10 == "" ? "?" : $10); hb[key] = $11 }
      }
      END {
        for (i = 1; i <= n; i++) {
          k = order[i]
          ratio = (sr[k] > 0 && hr[k] != "" && hr[k] != "-") ? sprintf("%.2f", hr[k] / sr[k]) : "–"
          problems = ""
          if (sp[k] != "") problems = "SQL: " sp[k]
          if (hp[k] != "") problems = problems (problems != "" ? "; " : "") "HTTP: " hp[k]
          printf "| %s | %s | %s | %s | %s | **%s** | %s / %s | %s / %s | %s | %s | %s / %s | %s |\n",
            q, app, k, sr[k], hr[k], ratio, s50[k], s95[k], h50[k], h95[k], (i == 1 ? payload : ""), hb[k], sl[k], hl[k], problems
        }
      }' "$WORK/results.tsv"
  done
  awk -F'\t' -v s="$size" '$1 == s { m = m sprintf("%s%s: VmRSS %s MB, peak (VmHWM) %s MB", (m ? "; " : ""), $2, $3, $4) }
      END { if (m) printf "\nApp memory after the queries of this size (one fresh process per instance and size, /proc/<pid>/status): %s.\n", m }' "$WORK/memory.tsv"

  if grep -q "^$size	" "$WORK/tilesizes.tsv"; then
    cat <<EOF

Tile sizes: every distinct tile of the pool (the tiles holding the 1,000 drawn actors), fetched once from the
uncached instance.

| layer | zoom | distinct tiles | average (bytes) | largest (bytes) |
|---|---:|---:|---:|---:|
EOF
    awk -F'\t' -v s="$size" '$1 == s { printf "| %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }' "$WORK/tilesizes.tsv"
  fi

  if grep -q "^$size	" "$WORK/downloads.tsv"; then
    cat <<EOF

Download everything against the first screen of the map (published, located actors; gzip -6 of the same bytes
shows what a compressing server would send; the app compresses GeoJSON when asked, and does not compress tiles):

| what | actors / tiles | bytes | gzip bytes | seconds |
|---|---:|---:|---:|---:|
EOF
    awk -F'\t' -v s="$size" '$1 == s { printf "| %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }' "$WORK/downloads.tsv"
  fi

  if grep -q "^$size	" "$WORK/writes.tsv"; then
    cat <<EOF

Single-row writes (\`data/write-costs.sql\`: timed inside the server, 300 writes each, rolled back), through every
trigger of the actor table, with this branch's \`actor_map_apply()\` (static SQL) and with main's before it (dynamic
SQL through EXECUTE):

| version of actor_map_apply | operation | writes | mean (µs) | p50 (µs) | p95 (µs) |
|---|---|---:|---:|---:|---:|
EOF
    awk -F'\t' -v s="$size" '$1 == s { printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }' "$WORK/writes.tsv"
  fi

  if grep -q "^$size	" "$WORK/rebuilds.tsv"; then
    cat <<EOF

Full rebuilds on the loaded inventory (one after the other; nothing changes, so nothing is written):

| what | seconds | result |
|---|---:|---|
EOF
    awk -F'\t' -v s="$size" '$1 == s { printf "| %s | %s | %s |\n", $2, $3, $4 }' "$WORK/rebuilds.tsv"
  fi
done

if [ -s "$WORK/restarts.tsv" ]; then
  echo
  echo "**Restarts.** An app instance was stopped by something other than this script (the machine is shared) and"
  echo "started again before: $(awk -F'\t' '{ printf "%s%s actors, %s instance, before %s", (NR > 1 ? "; " : ""), $1, $2, $3 }' "$WORK/restarts.tsv")."
  echo "Its memory figures are then those of the restarted process."
fi

"$BENCH/targets.sh" "$WORK" "$MAX_SIZE"

if [ -s "$WORK/soak.tsv" ]; then
  v() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$WORK/soak.tsv"; }
  cat <<EOF

## Soak ($MAX_SIZE actors, \`--soak\`, bench/soak.sh)
50 concurrent clients (35 visitors on a mix of tiles, the map's list, territory pages, white zones, the directory,
actor pages and exports; 10 on the list page; 5 registering to one session) plus 10 slow readers of the exports at
1 KB/s, all at once for the whole soak, on loopback; a readiness probe every second and the database's connections
every 2 s.

| who | requests | req/s | p50 (ms) | p95 (ms) | socket errors / timeouts | non-2xx (refusals included) |
|---|---:|---:|---:|---:|---:|---:|
| visitors (mix) | $(v visitors_requests) | $(v visitors_rps) | $(v visitors_p50_ms) | $(v visitors_p95_ms) | $(v visitors_errors) | $(v visitors_non2xx) |
| list page | $(v list_requests) | $(v list_rps) | $(v list_p50_ms) | $(v list_p95_ms) | $(v list_errors) | $(v list_non2xx) |
| registrations | $(v registrations_requests) | $(v registrations_rps) | $(v registrations_p50_ms) | $(v registrations_p95_ms) | $(v registrations_errors) | $(v registrations_non2xx) |

| check | measured |
|---|---|
| readiness probe | $(v probe_ok) of $(v probe_checks) answered 200 (slowest $(v probe_max_s) s) |
| slow readers | $(v slow_reads) downloads: $(v slow_ok) complete 200, $(v slow_refused) refused (429/503), $(v slow_cut) still reading when the soak ended, $(v slow_other) other statuses; $(v slow_bytes) bytes read |
| database connections | at most $(v db_connections_max) client connections; at most $(v db_idle_in_transaction_max) idle in a transaction; oldest open transaction $(v db_oldest_transaction_s) s |
| nothing half-written | $(v registrations_written) registrations written; $(v sessions_miscounted) sessions whose seat count differs from their confirmed registrations; $(v registrations_without_mail) registrations without their e-mail in the outbox |
EOF
fi

cat <<EOF

## What each query is
| query | sizes | app | tile pool | sample path (payload column) | what |
|---|---|---|---:|---|---|
EOF
while read -r name qsizes app pool path rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ " $QUERIES " == *" $name "* ]] || continue
  printf '| %s | %s | %s | %s | `%s` | %s |\n' "$name" "$qsizes" "$app" "$pool" "$path" "$rest"
done < "$BENCH/queries.tsv"

cat <<'EOF'

## Method
- **Side by side in one run.** For each size, each query and each concurrency c, pgbench runs the raw SQL for the
  duration, then wrk runs the endpoint for the same duration, one after the other; each query is first warmed for 2 s
  through HTTP (not recorded). Two fresh Release processes of the app per size, with `Logging__LogLevel__Default=Warning`:
  **cached** (as deployed: in-memory tile cache of 64 MB) and **uncached** (`Portal__TileCache__Enabled=false`: every
  tile is built from the database). The "app" column says which one answered.
- **Same statements, same kind of parameters.** `bench/sql/NAME.sql` holds the statements the endpoint runs, copied
  from the use-case classes with the same parameters (BuildActorTile, BuildTerritoryTile, TerritoryCountSql,
  FindNearbyActors, SearchActors and ListActorChoices, the exports), including the data-version read every tile
  request makes. Tiles are drawn from `bench.tile` (`data/pools.sql`): 1,000 published actors drawn at random, and
  the tile holding each at zooms 5–14, so tiles holding actors, weighted to dense areas; cached measurements use the
  first 20 (the hot set: both sides request the same 20 tiles, so the SQL side is what a cache miss costs), uncached
  ones all 1,000. Other parameters come from the same pools on both sides (96 metropolitan départements, 13
  metropolitan régions, themes, actors of `bench.actor_pick`, commune centres with a 5–30 km radius): same
  distributions, not the same values. pgbench passes them through `bench.*` lookup functions declared immutable, so
  that the planner folds them into the constants it sees from the app's bound parameters (`-M extended`).
- **Not like for like** (the ratio then only says how much the page adds): *nearest* (SQL: FindNearbyActors; HTTP:
  the actor's whole page), *counts-…* (SQL: TerritoryCountSql; HTTP: the territory page, which shows those counts
  once the territory pages branch lands), *list-…* and exports (SQL fetches rows; the app also renders HTML/CSV).
  *white-zones…* SQL is a reference (NOT EXISTS on Lambert-93, as in docs/PERFORMANCE), since the endpoint is on
  another branch; its HTTP side is skipped while the sample path answers 404.
- **Throughput** is pgbench's tps (without connection time) and wrk's requests / duration. **HTTP/SQL** is their
  ratio: the share of the database's throughput the endpoint delivers (1.0 = the HTTP layer costs nothing; above 1,
  the endpoint answers without the SQL, as a cached tile does).
- **Latency** p50/p95: for SQL, nearest rank over every transaction of pgbench's per-transaction log (`-l`); for
  HTTP, wrk's `latency:percentile()`. A "transaction" is all the statements of one request.
- **Payload**: the body size of one request to the sample path (curl, no compression asked); "HTTP bytes / response"
  is wrk's bytes read divided by its requests (headers included) over the whole measurement.
- **Load 1 min** is the machine's one-minute load average read right after each measurement: on 2 cores, a value
  well above the concurrency means other processes competed with the one measured.
- **Problems** lists failed transactions, socket errors, timeouts, non-2xx responses or skips; empty means none.
- Raw outputs and per-transaction logs of the run are in `bench/work/` (not committed).
EOF
