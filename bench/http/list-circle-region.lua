-- /acteurs?cercle=C&region=R, C in 1..3, R one of the 13 metropolitan régions.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local regions = bench.load("regions")
bench.run(function() return "/acteurs?cercle=" .. math.random(3) .. "&region=" .. bench.pick(regions) end)
