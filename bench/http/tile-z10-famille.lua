-- /tiles/actors/10/X/Y.mvt?famille=musee.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local tiles = bench.tiles(10)
bench.run(function() return "/tiles/actors/10/" .. bench.pick(tiles) .. ".mvt?famille=musee" end)
