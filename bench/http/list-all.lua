-- /acteurs, the landing page without any filter.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
bench.run(function() return "/acteurs" end)
