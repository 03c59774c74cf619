-- /acteurs?q=W+Commune ("Musée Dijon"): read as a place, answered by a redirect to ?q=W&commune=C&lu=Commune.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local texts = bench.load("text-places")
bench.run(function() return "/acteurs?q=" .. bench.escape(bench.pick(texts)) end)
