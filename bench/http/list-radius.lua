-- /acteurs?autour=COMMUNE&rayon=R, a metropolitan commune's centre and R in 5..30 km.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local communes = bench.load("communes")
bench.run(function() return "/acteurs?autour=" .. bench.pick(communes) .. "&rayon=" .. math.random(5, 30) end)
