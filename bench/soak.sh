#!/usr/bin/env bash
# The bounded soak of ./portal bench --soak SECONDS (issue 15): for SECONDS (300 = 5 minutes) against one running
# instance of the app on the bench database, on loopback only, and it stops by itself:
#   * 50 concurrent clients: 35 visitors (soak-visitors.lua: tiles, the map's list, territory pages, white zones,
#     the directory, actor pages, exports), 10 list readers (soak-list.lua: the list page whose p95 is reported) and
#     5 registrants posting to one workshop session (register-contention.lua);
#   * 10 slow readers of the exports (curl --limit-rate 1k on /acteurs.csv and /acteurs.geojson, again and again);
#   * a readiness probe every second (GET /health/ready, 5 s timeout), and the database's connections sampled every
#     2 s (how many, how many idle in a transaction, the oldest open transaction);
#   * afterwards, that nothing is half-written: every session's seat count equals its confirmed registrations, and
#     every registration of the soak has its e-mail in the outbox.
# Writes WORK/soak.tsv (key, value) for report.sh, and the raw outputs in WORK/log/soak-*.
# Usage: soak.sh URL SECONDS WORK (PGHOST… and BENCH_DB in the environment, as run.sh sets them)
set -euo pipefail
URL="$1"; SECS="$2"; WORK="$3"
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DB="${BENCH_DB:-ocim_bench}"
LOG="$WORK/log"
OUT="$WORK/soak.tsv"
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -tAc "$1"; }
say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

: > "$OUT"
rm -f "$LOG"/soak-*
end=$(( $(date +%s) + SECS ))
registrations_before=$(q "select count(*) from registration")

say "  soak: $SECS s, 50 clients + 10 slow readers against $URL"
wrk_run() { # name connections script
  BENCH_PARAMS="$WORK/params" BENCH_HTTP="$BENCH/http" BENCH_POOL=1000 \
    wrk -t 2 -c "$2" -d "${SECS}s" --timeout 30s -s "$BENCH/http/$3.lua" "$URL" > "$LOG/soak-$1.out" 2>&1 || true
}
wrk_run visitors 35 soak-visitors &
pids=($!)
wrk_run list 10 soak-list &
pids+=($!)
wrk_run registrations 5 register-contention &
pids+=($!)

# Slow readers: each reads an export at 1 KB/s until the soak ends, then starts again.
slow_reader() {
  local i="$1" path left
  path=$([ $((i % 2)) = 0 ] && echo /acteurs.csv || echo /acteurs.geojson)
  while left=$(( end - $(date +%s) )); [ "$left" -gt 1 ]; do
    # curl exits 28 when the soak's end cuts a download: then the line says 000 (not finished), with what was read.
    line=$(curl -s -o /dev/null --limit-rate 1k --max-time "$left" -w '%{http_code} %{size_download} %{time_total}' "$URL$path" 2>/dev/null) \
      || line="000 $(cut -d' ' -f2- <<< "${line:-0 0 $left}")"
    echo "$line" >> "$LOG/soak-slow-$i.out"
  done
}
for i in $(seq 1 10); do slow_reader "$i" & pids+=($!); done

# The probe and the database sampler.
(
  while [ "$(date +%s)" -lt "$end" ]; do
    curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' "$URL/health/ready" >> "$LOG/soak-probe.out" 2>/dev/null \
      || echo "000 5" >> "$LOG/soak-probe.out"
    sleep 1
  done
) & pids+=($!)
(
  while [ "$(date +%s)" -lt "$end" ]; do
    q "select count(*), count(*) filter (where state like 'idle in transaction%'),
              coalesce(round(extract(epoch from max(clock_timestamp() - xact_start) filter (where state <> 'idle')))::int, 0)
       from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'" \
      | tr '|' ' ' >> "$LOG/soak-db.out" || true
    sleep 2
  done
) & pids+=($!)

for pid in "${pids[@]}"; do wait "$pid" || true; done

# ---- figures
summary() { grep '^BENCH ' "$LOG/soak-$1.out" || echo "BENCH requests=0 duration_us=1 bytes=0 p50_us=0 p95_us=0 errors=0 non2xx=0"; }
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<< "$1"; }
for name in visitors list registrations; do
  line=$(summary "$name")
  requests=$(field "$line" requests); us=$(field "$line" duration_us)
  printf '%s_requests\t%s\n%s_rps\t%s\n%s_p50_ms\t%s\n%s_p95_ms\t%s\n%s_errors\t%s\n%s_non2xx\t%s\n' \
    "$name" "$requests" \
    "$name" "$(awk -v r="$requests" -v d="$us" 'BEGIN { printf "%.1f", r / (d / 1e6) }')" \
    "$name" "$(awk -v v="$(field "$line" p50_us)" 'BEGIN { printf "%.1f", v / 1000 }')" \
    "$name" "$(awk -v v="$(field "$line" p95_us)" 'BEGIN { printf "%.1f", v / 1000 }')" \
    "$name" "$(field "$line" errors)" "$name" "$(field "$line" non2xx)" >> "$OUT"
done
cat "$LOG"/soak-slow-*.out 2>/dev/null | awk '
  { n++; if ($1 == 200) ok++; else if ($1 == 429 || $1 == 503) refused++; else if ($1 == "000") cut++; else other++; bytes += $2 }
  END { printf "slow_reads\t%d\nslow_ok\t%d\nslow_refused\t%d\nslow_cut\t%d\nslow_other\t%d\nslow_bytes\t%d\n", n, ok, refused, cut, other, bytes }' >> "$OUT"
awk '{ n++; if ($1 == 200) ok++; if ($2 > max) max = $2 }
  END { printf "probe_checks\t%d\nprobe_ok\t%d\nprobe_max_s\t%.2f\n", n, ok, max }' "$LOG/soak-probe.out" >> "$OUT"
awk '{ if ($1 > c) c = $1; if ($2 > idle) idle = $2; if ($3 > age) age = $3 }
  END { printf "db_connections_max\t%d\ndb_idle_in_transaction_max\t%d\ndb_oldest_transaction_s\t%d\n", c, idle, age }' "$LOG/soak-db.out" >> "$OUT"

# Nothing half-written: seat counts agree with the registrations, every new registration has its e-mail queued.
printf 'registrations_written\t%s\n' "$(( $(q "select count(*) from registration") - registrations_before ))" >> "$OUT"
printf 'sessions_miscounted\t%s\n' "$(q "select count(*) from event_session s
  where s.confirmed <> (select count(*) from registration r where r.session_id = s.id and r.status = 'confirmed')")" >> "$OUT"
printf 'registrations_without_mail\t%s\n' "$(q "select count(*) from registration r
  where r.email like 'bench-%@example.org' and r.status <> 'cancelled'
    and not exists (select 1 from outbox_message m where m.recipient = r.email)")" >> "$OUT"
say "  soak done: $(tr '\t\n' '= ' < "$OUT")"
