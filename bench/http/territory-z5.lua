-- /tiles/territories/5/X/Y.mvt.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local tiles = bench.tiles(5)
bench.run(function() return "/tiles/territories/5/" .. bench.pick(tiles) .. ".mvt" end)
