-- /acteurs?q=W&commune=C : the list once "W Commune" was read as a place (the redirect's target).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local filters = bench.load("text-place-filters")
bench.run(function()
  local word, commune = bench.pick(filters):match("^(.*)|(.*)$")
  return "/acteurs?q=" .. bench.escape(word) .. "&commune=" .. commune
end)
