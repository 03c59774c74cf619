-- A query without a script of its own (the adversarial group of queries.tsv: one fixed request someone could send
-- again and again): requests its sample path, BENCH_SAMPLE (run.sh sets it from queries.tsv), every time.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local path = os.getenv("BENCH_SAMPLE") or "/"
bench.run(function() return path end)
