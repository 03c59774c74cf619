#!/usr/bin/env bash
# The "Targets" section of the report: each target of issue 4 / docs/PERFORMANCE at the largest size, with the value
# this run measured and a pass/fail mark. Usage: targets.sh WORK MAX_SIZE (called by report.sh).
set -euo pipefail
WORK="$1"; SIZE="$2"
R="$WORK/results.tsv"

# worst VALUE_FIELD over the rows of SIZE whose name matches REGEX on SIDE: prints "value<TAB>query c=N"
worst() {
  local regex="$1" side="$2" field="$3"
  awk -F'\t' -v s="$SIZE" -v re="$regex" -v side="$side" -v f="$field" '
    $1 == s && $2 ~ re && $4 == side && $f != "-" && $f != "" { if (!seen || $f + 0 > best + 0) { best = $f; what = $2 " c=" $3; seen = 1 } }
    END { if (seen) printf "%s\t%s\n", best, what; else print "-\t(not measured)" }' "$R"
}
# lowest HTTP/SQL throughput ratio over the queries matching REGEX
lowest_ratio() {
  awk -F'\t' -v s="$SIZE" -v re="$1" '
    $1 == s && $2 ~ re { k = $2 " c=" $3; if ($4 == "sql") sql[k] = $5; else http[k] = $5 }
    END {
      for (k in sql) if (sql[k] > 0 && (k in http) && http[k] != "-") {
        r = http[k] / sql[k]; if (!seen || r < best) { best = r; what = k; seen = 1 }
      }
      if (seen) printf "%.2f\t%s\n", best, what; else print "-\t(not measured)"
    }' "$R"
}
mark() { awk -v v="$1" -v limit="$2" -v dir="$3" 'BEGIN {
    if (v == "-" || v == "") { print "– (not measured)"; exit }
    ok = (dir == "max") ? (v + 0 <= limit + 0) : (v + 0 >= limit + 0); print (ok ? "**pass**" : "**FAIL**") }'; }
val() { cut -f1 <<< "$1"; }
who() { cut -f2 <<< "$1"; }

tile_re='^(tile|territory)-.*-uncached$'
pyramid_re='^tile-z[0-9]+(-cercle|-famille)?-uncached$'
p50=$(worst "$pyramid_re" http 6); p95=$(worst "$pyramid_re" http 7)
theme50=$(worst '^tile-.*-theme-uncached$' http 6); theme95=$(worst '^tile-.*-theme-uncached$' http 7)
terr50=$(worst '^territory-.*-uncached$' http 6); terr95=$(worst '^territory-.*-uncached$' http 7)
pyramid_ratio=$(lowest_ratio "$pyramid_re")
largest=$(awk -F'\t' -v s="$SIZE" '$1 == s { if ($6 + 0 > m + 0) { m = $6; w = $2 " z" $3 } } END { printf "%s\t%s\n", (m == "" ? "-" : m), w }' "$WORK/tilesizes.tsv")
cached95=$(worst '^tile-.*-cached$' http 7)
cachedrps=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /^tile-.*-cached$/ && $4 == "http" { if (!seen || $5 + 0 < m + 0) { m = $5; w = $2 " c=" $3; seen = 1 } } END { printf "%s\t%s\n", (seen ? m : "-"), w }' "$R")
ratio=$(lowest_ratio "$tile_re")
counts95=$(worst '^counts-' sql 7)
white=$(worst '^white-zones$' sql 7)
white_http=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 == "white-zones" && $4 == "http" { print ($5 == "-" ? "HTTP side skipped (endpoint not merged)" : "HTTP p95 " $7 " ms"); exit }' "$R")
resolve=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 == "this branch" && $3 ~ /resolve_territory/ { print $5 "\t" $7 "\t" $6 }' "$WORK/writes.tsv")
insert=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 == "this branch" && $3 == "2 insert" { print $5 "\t" $7 }' "$WORK/writes.tsv")
insert_before=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /^before/ && $3 == "2 insert" { print $5 }' "$WORK/writes.tsv")
rebuild=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /territories\(\) \(this branch\)/ { print $3 }' "$WORK/rebuilds.tsv")
rebuild_before=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /territories\(\) before/ { print $3 }' "$WORK/rebuilds.tsv")
first5=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /^first screen: .* z5 / { b += $4; g += $5 } END { printf "%d\t%d\n", b, g }' "$WORK/downloads.tsv")
first6=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /^first screen: .* z6 / { b += $4; g += $5 } END { printf "%d\t%d\n", b, g }' "$WORK/downloads.tsv")
geojson=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /uncompressed/ { print $4 "\t" $5 "\t" $6 }' "$WORK/downloads.tsv")
compact=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 ~ /^compact/ { print $4 "\t" $5 "\t" $6 }' "$WORK/downloads.tsv")
knn50=$(worst '^nearest$' sql 6); knn95=$(worst '^nearest$' sql 7)
list95=$(worst '^list-department$' http 7)
rss=$(awk -F'\t' -v s="$SIZE" '$1 == s && $2 == "cached" { print $3 "\t" $4 }' "$WORK/memory.tsv")
kb() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1024 }'; }

cat <<EOF

## Tiles at $SIZE actors, side by side
HTTP p50 / p95 (ms) at c = 1 and c = 2, the same for the raw SQL, and the throughput ratio HTTP/SQL.

| tile query | HTTP c=1 | HTTP c=2 | SQL c=1 | SQL c=2 | HTTP/SQL c=1 | HTTP/SQL c=2 |
|---|---:|---:|---:|---:|---:|---:|
EOF
awk -F'\t' -v s="$SIZE" '
  $1 == s && $2 ~ /^(tile|territory)-/ {
    if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
    k = $2 SUBSEP $3 SUBSEP $4; lat[k] = $6 " / " $7; rps[k] = $5
  }
  END {
    for (i = 1; i <= n; i++) {
      q = order[i]
      r1 = (rps[q, 1, "sql"] > 0 && rps[q, 1, "http"] != "-") ? sprintf("%.2f", rps[q, 1, "http"] / rps[q, 1, "sql"]) : "–"
      r2 = (rps[q, 2, "sql"] > 0 && rps[q, 2, "http"] != "-") ? sprintf("%.2f", rps[q, 2, "http"] / rps[q, 2, "sql"]) : "–"
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", q, lat[q, 1, "http"], lat[q, 2, "http"], lat[q, 1, "sql"], lat[q, 2, "sql"], r1, r2
    }
  }' "$R"

place95=$(worst '^place-suggestions$' http 7); place95sql=$(worst '^place-suggestions$' sql 7)
read95=$(worst '^place-read$' http 7); textplace95=$(worst '^list-text-place$' http 7)

cat <<EOF

## Targets at $SIZE actors (issue 4, docs/PERFORMANCE)
Each target with the value this run measured (worst case over the queries and concurrencies it covers, HTTP side
unless said otherwise) and a mark. The machine is shared: see the load column of the measurements above.

| target | measured | mark |
|---|---|---|
| uncached actor tile, z5–z14, unfiltered or circle/family (pyramid; points at z14), c ≤ 2: p50 ≤ 5 ms | $(val "$p50") ms ($(who "$p50")) | $(mark "$(val "$p50")" 5 max) |
| … p95 ≤ 15 ms | $(val "$p95") ms ($(who "$p95")) | $(mark "$(val "$p95")" 15 max) |
| uncached actor tile, filter outside the pyramid (theme: clustered on the fly): p50 ≤ 5 ms, p95 ≤ 15 ms | p50 $(val "$theme50") ms, p95 $(val "$theme95") ms ($(who "$theme95")) | $(mark "$(val "$theme50")" 5 max), $(mark "$(val "$theme95")" 15 max) |
| uncached territory tile (outlines + counts): p50 ≤ 5 ms, p95 ≤ 15 ms | p50 $(val "$terr50") ms ($(who "$terr50")), p95 $(val "$terr95") ms ($(who "$terr95")) | $(mark "$(val "$terr50")" 5 max), $(mark "$(val "$terr95")" 15 max) |
| any tile ≤ 100 KB | largest $(val "$largest") bytes ($(who "$largest")) | $(mark "$(val "$largest")" 102400 max) |
| cached tile: p95 ≤ 2 ms | $(val "$cached95") ms ($(who "$cached95")); lowest throughput $(val "$cachedrps") req/s ($(who "$cachedrps")) | $(mark "$(val "$cached95")" 2 max) |
| tile endpoint ≥ 0.85 × raw SQL throughput (uncached) | lowest ratio $(val "$ratio") ($(who "$ratio")); actor tiles from the pyramid: lowest $(val "$pyramid_ratio") ($(who "$pyramid_ratio")) | $(mark "$(val "$ratio")" 0.85 min) |
| territory counts p95 ≤ 2 ms (SQL, from the aggregates) | $(val "$counts95") ms ($(who "$counts95")) | $(mark "$(val "$counts95")" 2 max) |
| white zones, all communes, ≤ 1 s uncached | SQL p95 $(val "$white") ms ($(who "$white"); reference SQL); ${white_http:-} | $(mark "$(val "$white")" 1000 max) |
| territory resolution ≤ 0.2 ms per write (p50: the machine is shared) | resolve_territory() p50 $(cut -f3 <<< "${resolve:--}") µs, mean $(cut -f1 <<< "${resolve:--}") µs, p95 $(cut -f2 <<< "${resolve:--}") µs; a whole single-row insert through every trigger: mean $(cut -f1 <<< "${insert:--}") µs (before this branch: ${insert_before:--} µs) | $(mark "$(awk -v v="$(cut -f3 <<< "${resolve:--}")" 'BEGIN { print (v == "-" || v == "" ? "-" : v / 1000) }')" 0.2 max) |
| full territory rebuild ≤ 5 s | ${rebuild:--} s (before this branch: ${rebuild_before:--} s) | $(mark "${rebuild:--}" 5 max) |
| map's first screen ≤ 300 KB transferred | z5 actor + territory tiles: $(kb "$(cut -f1 <<< "$first5")") ($(kb "$(cut -f2 <<< "$first5")") if gzipped); z6: $(kb "$(cut -f1 <<< "$first6")") ($(kb "$(cut -f2 <<< "$first6")") gzipped) | $(mark "$(cut -f1 <<< "$first5")" 307200 max) (z5), $(mark "$(cut -f1 <<< "$first6")" 307200 max) (z6) |
| … against download everything | GeoJSON $(kb "$(cut -f1 <<< "${geojson:--}")") ($(kb "$(cut -f2 <<< "${geojson:--}")") gzipped, $(cut -f3 <<< "${geojson:--}") s); compact array $(kb "$(cut -f1 <<< "${compact:--}")") ($(kb "$(cut -f2 <<< "${compact:--}")") gzipped, $(cut -f3 <<< "${compact:--}") s in SQL) | (compact mode only while ≤ ~500 KB gz: $(mark "$(cut -f2 <<< "${compact:--}")" 512000 max)) |
| KNN (nearest 8, SQL): p50 ≤ 1 ms, p95 ≤ 3 ms | p50 $(val "$knn50") ms, p95 $(val "$knn95") ms | $(mark "$(val "$knn50")" 1 max), $(mark "$(val "$knn95")" 3 max) |
| territory list (a département's list page) ≤ 60 ms | HTTP p95 $(val "$list95") ms ($(who "$list95")) | $(mark "$(val "$list95")" 60 max) |
| place suggestions p95 ≤ 20 ms over all communes (HTTP; SQL beside) | HTTP p95 $(val "$place95") ms ($(who "$place95")); SQL p95 $(val "$place95sql") ms | $(mark "$(val "$place95")" 20 max) |
| text + place search (« musée Dijon »: reading, then the list) p95 ≤ 100 ms | reading p95 $(val "$read95") ms, list p95 $(val "$textplace95") ms ($(who "$textplace95")) | $(mark "$(val "$read95")" 100 max), $(mark "$(val "$textplace95")" 100 max) |
| app memory RSS ≤ 200 MB (cached instance, tile cache ≤ 64 MB) | VmRSS $(cut -f1 <<< "${rss:--}") MB, peak $(cut -f2 <<< "${rss:--}") MB | $(mark "$(cut -f1 <<< "${rss:--}")" 200 max) |
EOF
