-- /lieux/suggestions?q=Q, Q drawn over all communes (bench.place_query: first letters, postal codes, department numbers).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local queries = bench.load("place-queries")
bench.run(function() return "/lieux/suggestions?q=" .. bench.escape(bench.pick(queries)) end)
