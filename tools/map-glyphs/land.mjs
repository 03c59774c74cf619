// Builds the neighbouring countries' land that /carte draws under France's own regions, so that the sea reads as sea
// and the land beyond the borders as land: Natural Earth 1:50m countries (public domain, through the world-atlas
// package), France left out (the portal's regions draw it), clipped to the boxes the map shows around metropolitan
// France and the overseas regions, coordinates rounded to 0.02° (about two kilometres).
// Run: cd tools/map-glyphs && npm ci && node land.mjs [output file] (default: src/Ocim.Portal/wwwroot/map/land.json).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const output = process.argv[2] ?? join(here, "../../src/Ocim.Portal/wwwroot/map/land.json");
const topology = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"));
const FRANCE = "250";

// west, south, east, north
const BOXES = [
  [-12, 35, 20, 56], // metropolitan France, its neighbours, the western Mediterranean
  [-64, 13, -58, 19], // Guadeloupe, Martinique
  [-58, 1, -50, 7], // Guyane
  [40, -24, 58, -10], // La Réunion, Mayotte
];

/** Sutherland–Hodgman: a ring clipped to a box (the box's edges one after the other). */
function clip(ring, [west, south, east, north]) {
  const edges = [
    [(p) => p[0] >= west, (a, b) => [west, a[1] + ((b[1] - a[1]) * (west - a[0])) / (b[0] - a[0])]],
    [(p) => p[0] <= east, (a, b) => [east, a[1] + ((b[1] - a[1]) * (east - a[0])) / (b[0] - a[0])]],
    [(p) => p[1] >= south, (a, b) => [a[0] + ((b[0] - a[0]) * (south - a[1])) / (b[1] - a[1]), south]],
    [(p) => p[1] <= north, (a, b) => [a[0] + ((b[0] - a[0]) * (north - a[1])) / (b[1] - a[1]), north]],
  ];
  let points = ring;
  for (const [inside, cut] of edges) {
    const result = [];
    for (let i = 0; i < points.length; i++) {
      const current = points[i];
      const previous = points[(i + points.length - 1) % points.length];
      if (inside(current)) {
        if (!inside(previous)) result.push(cut(previous, current));
        result.push(current);
      } else if (inside(previous)) {
        result.push(cut(previous, current));
      }
    }
    points = result;
    if (points.length === 0) break;
  }
  return points;
}

const round = (value) => Math.round(value * 50) / 50;
function tidy(ring) {
  const out = [];
  for (const [x, y] of ring) {
    const point = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
  }
  if (out.length > 0) out.push(out[0]);
  return out.length >= 4 ? out : null;
}

const polygons = [];
for (const country of feature(topology, topology.objects.countries).features) {
  if (country.id === FRANCE || !country.geometry) continue;
  const parts = country.geometry.type === "Polygon" ? [country.geometry.coordinates] : country.geometry.coordinates;
  for (const box of BOXES) {
    for (const polygon of parts) {
      const outer = tidy(clip(polygon[0].slice(0, -1), box));
      if (!outer) continue;
      const holes = polygon.slice(1).map((ring) => tidy(clip(ring.slice(0, -1), box))).filter(Boolean);
      polygons.push([outer, ...holes]);
    }
  }
}
const land = { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "MultiPolygon", coordinates: polygons } }] };
writeFileSync(output, JSON.stringify(land));
console.log(`${polygons.length} polygons, ${JSON.stringify(land).length} bytes`);
