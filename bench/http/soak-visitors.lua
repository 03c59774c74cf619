-- The soak's visitors (bench/soak.sh): what people browsing the portal ask for, in rough proportions — map tiles
-- (actors and territories, zooms 5–14), the map's list, territory pages, white zones, the directory with or without
-- words, an actor's page and the exports of a département. No registrations (another wrk of the soak posts them).
package.path = (os.getenv("BENCH_HTTP") or ".") .. "/?.lua;" .. package.path
local bench = require("common")
local departments = bench.load("departments")
local regions = bench.load("regions")
local words = bench.load("words")
local actors = bench.load("actors")
local tiles = {}
for _, z in ipairs({ 5, 8, 10, 12, 14 }) do tiles[z] = bench.tiles(z) end
local zooms = { 5, 8, 10, 12, 14 }

local kinds = {
  { 30, function() local z = bench.pick(zooms); return "/tiles/actors/" .. z .. "/" .. bench.pick(tiles[z]) .. ".mvt" end },
  { 10, function() local z = bench.pick({ 5, 10 }); return "/tiles/territories/" .. z .. "/" .. bench.pick(tiles[z]) .. ".mvt" end },
  { 10, function() return "/carte/liste?bbox=" .. bench.pick({ "-5,41,10,51", "4.8,47.2,5.2,47.4", "2.2,48.8,2.5,48.9" }) end },
  { 8, function() return "/territoires/departement/" .. bench.pick(departments) end },
  { 4, function() return "/territoires/region/" .. bench.pick(regions) end },
  { 3, function() return "/territoires/departement/" .. bench.pick(departments) .. "/couverture?distance_km=10" end },
  { 15, function() return "/acteurs?q=" .. bench.escape(bench.pick(words)) end },
  { 8, function() return "/acteurs?departement=" .. bench.pick(departments) .. "&page=" .. math.random(1, 5) end },
  { 8, function() return bench.pick(actors) end },
  { 2, function() return "/acteurs.csv?departement=" .. bench.pick(departments) end },
  { 2, function() return "/acteurs.geojson?departement=" .. bench.pick(departments) end },
}
local total = 0
for _, k in ipairs(kinds) do total = total + k[1] end

bench.run(function()
  local r = math.random(total)
  for _, k in ipairs(kinds) do
    r = r - k[1]
    if r <= 0 then return k[2]() end
  end
  return "/acteurs"
end)
