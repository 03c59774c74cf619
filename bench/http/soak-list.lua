-- The soak's list readers (bench/soak.sh): the directory's list page, the one whose p95 the soak reports against its
-- budget — without filter, one département, one word.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local departments = bench.load("departments")
local words = bench.load("words")
bench.run(function()
  local r = math.random(3)
  if r == 1 then return "/acteurs" end
  if r == 2 then return "/acteurs?departement=" .. bench.pick(departments) end
  return "/acteurs?q=" .. bench.escape(bench.pick(words))
end)
