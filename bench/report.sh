#!/usr/bin/env bash
# Writes the markdown report of a run to stdout, from the raw results run.sh left in bench/work/.
# Usage: report.sh WORK STAMP ELAPSED_S DURATION_S "LOAD AVERAGE AT START" "QUERY NAMES"
set -euo pipefail
WORK="$1"; STAMP="$2"; ELAPSED="$3"; DURATION="$4"; LOAD_START="$5"; QUERIES="$6"
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

sql1() { psql -X -d ocim_bench -tAc "$1"; }

pg_version=$(sql1 "select version()")
postgis_version=$(sql1 "select postgis_full_version()" | grep -o 'POSTGIS="[^"]*"\|GEOS="[^"]*"\|PROJ="[^"]*"' | tr '\n' ' ')
settings=$(sql1 "select string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' order by name) from pg_settings
                 where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit')")
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)

cat <<EOF
# Benchmark: actor list and exports, raw SQL vs HTTP (\`./portal bench\`)

Run $STAMP (UTC), $((ELAPSED / 60)) min $((ELAPSED % 60)) s in all; ${DURATION} s per measurement.

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

The database, the app, pgbench and wrk all run on this one machine and share its cores; other work on the machine
(see the load average) adds noise. Figures of one run are comparable with each other, not with other machines.

## Loading the synthetic inventories
Points drawn inside real commune outlines (\`st_generatepoints\` per commune, shares by INSEE population), then
written through the real \`actor\` table in statement-level batches of 20,000 rows with \`synchronous_commit = off\`:
the BEFORE trigger resolves commune, EPCI, département and région for each row, and every index is maintained.

| size asked | actors written | points (s) | insert through trigger (s) | per row (µs) | vacuum analyze (s) | actor table + indexes | trigger chose the drawing commune |
|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s %% |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$WORK/loads.tsv"

cat <<'EOF'

"Per row" is the insert time divided by the rows: territory resolution plus index maintenance per write. A point on
the border of two communes resolves to the lower code, so a few points land in a neighbour of the commune they were
drawn in. `st_generatepoints` may return a few points fewer than asked for very small outlines.
EOF

for size in $(cut -f1 "$WORK/loads.tsv"); do
  rows=$(awk -F'\t' -v s="$size" '$1 == s { print $2 }' "$WORK/loads.tsv")
  cat <<EOF

## $rows actors
| query | c | SQL req/s | HTTP req/s | HTTP/SQL | SQL p50 / p95 (ms) | HTTP p50 / p95 (ms) | payload (bytes, sample) | load 1 min (SQL / HTTP) | problems |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
EOF
  for name in $QUERIES; do
    awk -F'\t' -v s="$size" -v q="$name" -v samples="$WORK/samples.tsv" '
      BEGIN {
        while ((getline line < samples) > 0) {
          split(line, f, "\t")
          if (f[1] == s && f[2] == q) payload = (f[3] == "200" ? f[4] : "HTTP " f[3] ", " f[4])
        }
      }
      $1 == s && $2 == q {
        key = $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
        if ($4 == "sql") { sr[key] = $5; s50[key] = $6; s95[key] = $7; sp[key] = $9; sl[key] = ($10 == "" ? "?" : $10) }
        else             { hr[key] = $5; h50[key] = $6; h95[key] = $7; hp[key] = $9; hl[key] = ($10 == "" ? "?" : $10) }
      }
      END {
        for (i = 1; i <= n; i++) {
          k = order[i]
          ratio = (sr[k] > 0 && hr[k] != "") ? sprintf("%.2f", hr[k] / sr[k]) : "–"
          problems = ""
          if (sp[k] != "") problems = "SQL: " sp[k]
          if (hp[k] != "") problems = problems (problems != "" ? "; " : "") "HTTP: " hp[k]
          printf "| %s | %s | %s | %s | **%s** | %s / %s | %s / %s | %s | %s / %s | %s |\n",
            q, k, sr[k], hr[k], ratio, s50[k], s95[k], h50[k], h95[k], (i == 1 ? payload : ""), sl[k], hl[k], problems
        }
      }' "$WORK/results.tsv"
  done
  awk -F'\t' -v s="$size" '$1 == s {
      printf "\nApp memory after this size'"'"'s runs (fresh process per size, /proc/<pid>/status): VmRSS %s MB, peak (VmHWM) %s MB.\n", $2, $3
    }' "$WORK/memory.tsv"
done

cat <<EOF

## What each query is
| query | sample path (payload column) | what |
|---|---|---|
EOF
while read -r name path rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ " $QUERIES " == *" $name "* ]] || continue
  printf '| %s | `%s` | %s |\n' "$name" "$path" "$rest"
done < "$BENCH/queries.tsv"

cat <<'EOF'

## Method
- **Side by side in one run.** For each size, each query and each concurrency c, pgbench runs the raw SQL for the
  duration, then wrk runs the endpoint for the same duration, one after the other; each query is first warmed for 2 s
  through HTTP (not recorded). The app is a fresh Release process per size, with `Logging__LogLevel__Default=Warning`.
- **Same statements, same kind of parameters.** `bench/sql/NAME.sql` holds the statements the endpoint runs
  (copied from SearchActors and ListActorChoices for the list page: a count, the page, two facet GROUP BYs, then the
  four choice lists of the form; from ExportActorsCsv / ExportActorsGeoJson for the exports, inside their repeatable
  read, read-only transaction). Random parameters are drawn per transaction by `\set` in pgbench and per request by
  `bench/http/NAME.lua` in wrk, from the same pools (96 metropolitan départements, 13 metropolitan régions, circles
  1–3, 24 subject words, metropolitan commune centres with a 5–30 km radius): same distributions, not the same values.
  pgbench passes them through `bench.*` lookup functions declared immutable, so that the planner folds them into the
  constants it would see from the app's bound parameters (`-M extended`: parse/bind/execute, as Npgsql does).
- **Throughput** is pgbench's tps (without connection time) and wrk's requests / duration. **HTTP/SQL** is their
  ratio: the share of the database's throughput the endpoint delivers (1.0 = the HTTP layer costs nothing).
- **Latency** p50/p95: for SQL, nearest rank over every transaction of pgbench's per-transaction log (`-l`); for
  HTTP, wrk's `latency:percentile()`. A "transaction" is the whole page (all its statements), as a request is.
- **Payload**: the body size of one request to the sample path (curl, no compression asked).
- **Load 1 min** is the machine's one-minute load average read right after each measurement: on 2 cores, a value
  well above the concurrency means other processes competed with the one measured.
- **Problems** lists failed transactions, socket errors, timeouts or non-2xx responses; an empty column means none.
- The SQL side fetches every row into pgbench's client; it does not format CSV or HTML. Tables and raw logs of the
  run are in `bench/work/` (not committed).
EOF
