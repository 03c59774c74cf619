-- /tiles/actors/10/X/Y.mvt?theme=T, T one of the theme slugs.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local tiles = bench.tiles(10)
local themes = bench.load("themes")
bench.run(function() return "/tiles/actors/10/" .. bench.pick(tiles) .. ".mvt?theme=" .. bench.pick(themes) end)
