-- /territoires/region/R: the région's page (after the territory pages land: with its départements' counts).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local regions = bench.load("regions")
bench.run(function() return "/territoires/region/" .. bench.pick(regions) end)
