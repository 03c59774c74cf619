-- Shared by the wrk scripts (wrk loads each script once per thread, plus once for setup and done).
--   bench.load(name)   the parameter pool bench/work/params/<name>.txt, one value a line (written by run.sh
--                      from the same tables the SQL scripts draw from)
--   bench.tiles(z)     "x/y" of the first BENCH_POOL tiles of the pool tiles-z<z>.txt (see data/pools.sql)
--   bench.pick(pool)   one value, uniformly
--   bench.run(path_fn) makes wrk request path_fn() each time and print a summary line that run.sh reads
local bench = {}

local params = os.getenv("BENCH_PARAMS") or "work/params"

function bench.load(name)
  local pool = {}
  for line in io.lines(params .. "/" .. name .. ".txt") do
    if line ~= "" then pool[#pool + 1] = line end
  end
  return pool
end

function bench.tiles(z)
  local all = bench.load("tiles-z" .. z)
  local size = tonumber(os.getenv("BENCH_POOL") or "") or #all
  local pool = {}
  for i = 1, math.min(size, #all) do pool[i] = all[i] end
  return pool
end

function bench.pick(pool)
  return pool[math.random(#pool)]
end

function bench.escape(value)
  return (value:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local threads = 0

function bench.run(path_fn)
  -- Each thread gets its own random sequence.
  function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
  end

  function init(args)
    math.randomseed(os.time() * 1000 + (thread_number or 0))
  end

  function request()
    return wrk.format("GET", path_fn())
  end

  function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
      "BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p95_us=%d errors=%d non2xx=%d\n",
      summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
      e.connect + e.read + e.write + e.timeout, e.status))
  end
end

return bench
