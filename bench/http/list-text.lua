-- /acteurs?q=W, W one of the subject words the generator puts in names and descriptions.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local words = bench.load("words")
bench.run(function() return "/acteurs?q=" .. bench.escape(bench.pick(words)) end)
