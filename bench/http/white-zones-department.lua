-- /territoires/departement/D/couverture?distance_km=N, N in 5..20 (endpoint on another branch).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local departments = bench.load("departments")
bench.run(function() return "/territoires/departement/" .. bench.pick(departments) .. "/couverture?distance_km=" .. math.random(5, 20) end)
