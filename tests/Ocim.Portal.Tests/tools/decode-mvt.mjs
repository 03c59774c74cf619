// Decodes Mapbox Vector Tiles with the reference decoder (@mapbox/vector-tile), for the tests to compare with SQL.
// Input: JSON lines on stdin, each {"file": "/path/to/tile.mvt", "z": 5, "x": 16, "y": 11}.
// Output: one JSON line per input: {"layers": {name: {"extent": 4096, "features": [{"type": 1|2|3,
//   "properties": {...}, "geometry": [[[x, y], ...], ...] (tile coordinates), "lonlat": [[lon, lat], ...] (first ring
//   or points, WGS 84)}]}}} or {"error": "..."}.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const { file, z, x, y } = JSON.parse(line);
    const tile = new VectorTile(new PbfReader(readFileSync(file)));
    const layers = {};
    for (const [name, layer] of Object.entries(tile.layers)) {
      const features = [];
      for (let i = 0; i < layer.length; i++) {
        const feature = layer.feature(i);
        const geometry = feature.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y]));
        const geojson = feature.toGeoJSON(x, y, z).geometry;
        const lonlat = geojson.type === "Point" ? [geojson.coordinates]
          : geojson.type === "MultiPoint" ? geojson.coordinates
          : geojson.type === "Polygon" ? geojson.coordinates[0]
          : geojson.type === "MultiPolygon" ? geojson.coordinates[0][0]
          : geojson.coordinates;
        features.push({ type: feature.type, properties: feature.properties, geometry, lonlat });
      }
      layers[name] = { extent: layer.extent, version: layer.version, features };
    }
    process.stdout.write(JSON.stringify({ layers }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error) }) + "\n");
  }
}
