-- /territoires/departement/D: the département's page (after the territory pages land: with its communes' counts).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local departments = bench.load("departments")
bench.run(function() return "/territoires/departement/" .. bench.pick(departments) end)
