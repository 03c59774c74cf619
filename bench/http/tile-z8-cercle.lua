-- /tiles/actors/8/X/Y.mvt?cercle=1.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local tiles = bench.tiles(8)
bench.run(function() return "/tiles/actors/8/" .. bench.pick(tiles) .. ".mvt?cercle=1" end)
