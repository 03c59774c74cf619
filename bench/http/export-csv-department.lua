-- /acteurs.csv?departement=D, D one of the 96 metropolitan départements.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local departments = bench.load("departments")
bench.run(function() return "/acteurs.csv?departement=" .. bench.pick(departments) end)
