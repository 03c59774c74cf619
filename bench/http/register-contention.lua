-- POST /evenements/bench-inscriptions/inscription, every connection on the same session (the contended row).
-- Each connection first GETs the form (antiforgery cookie and token, the session's id), then posts it again and again
-- with a fresh form key and address each time: one request = one registration (after the first GET), answered 303.
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")

local path = "/evenements/bench-inscriptions/inscription"
local threads = 0
local cookie, token, session
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%06x%06x", math.random(0, 0xffffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff), math.random(0, 0xffffff), math.random(0, 0xffffff))
end

function request()
  if token == nil then
    return wrk.format("GET", path)
  end

  counter = counter + 1
  local email = string.format("bench-%d-%d-%d@example.org", thread_number or 0, counter, math.random(0, 0x7fffffff))
  local body = "Session=" .. session .. "&FullName=Personne+de+banc+d%27essai&Email=" .. bench.escape(email) ..
    "&Organisation=&Role=&AccessibilityNeeds=&Website=&Consent=true&Key=" .. uuid() ..
    "&__RequestVerificationToken=" .. bench.escape(token)
  return wrk.format("POST", path, { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }, body)
end

function response(status, headers, body)
  if token == nil and status == 200 then
    token = body:match('name="__RequestVerificationToken" type="hidden" value="([^"]+)"')
    session = body:match('name="Session" value="(%d+)"')
    local set = headers["Set-Cookie"] or headers["set-cookie"] or ""
    cookie = set:match("^([^;]+)")
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p95_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
