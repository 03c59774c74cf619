-- /acteurs/{id}-{slug}: an actor's page, which lists its 8 nearest actors (pool: data/pools.sql).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local actors = bench.load("actors")
bench.run(function() return bench.pick(actors) end)
