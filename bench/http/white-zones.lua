-- /territoires/couverture?distance_km=N (nationwide white zones), N in 5..20 (endpoint on another branch).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
bench.run(function() return "/territoires/couverture?distance_km=" .. math.random(5, 20) end)
