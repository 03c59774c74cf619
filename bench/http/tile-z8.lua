-- /tiles/actors/8/X/Y.mvt: the first BENCH_POOL tiles of the pool (see data/pools.sql).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local tiles = bench.tiles(8)
bench.run(function() return "/tiles/actors/8/" .. bench.pick(tiles) .. ".mvt" end)
