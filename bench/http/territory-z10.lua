-- /tiles/territories/10/X/Y.mvt.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local tiles = bench.tiles(10)
bench.run(function() return "/tiles/territories/10/" .. bench.pick(tiles) .. ".mvt" end)
