// Builds the map's glyphs: MapLibre's signed-distance-field glyph ranges ({fontstack}/{start}-{end}.pbf), from the
// DejaVu Sans Condensed fonts of Debian (fonts-dejavu-core / fonts-dejavu-extra), so that the map's labels need no
// glyph server. Each glyph is rasterised by Chromium's canvas and turned into an SDF by @mapbox/tiny-sdf, at MapLibre's
// server-glyph conventions: 24 px, a 3-px buffer, radius 8, cutoff 0.25; `top` is the glyph's ascent minus 27, as
// MapLibre's own local (tiny-sdf) glyphs are placed. The PBF is the glyphs.proto message MapLibre reads:
//   glyphs { repeated fontstack stacks = 1 }  fontstack { name = 1; range = 2; repeated glyph glyphs = 3 }
//   glyph { id = 1; bytes bitmap = 2; width = 3; height = 4; sint32 left = 5; sint32 top = 6; advance = 7 }
// Run: cd tools/map-glyphs && npm ci && node generate.mjs [output folder]
// (default: src/Ocim.Portal/wwwroot/map/glyphs). Chromium: PORTAL_CHROMIUM or /usr/bin/chromium.
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { PbfWriter } from "pbf";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const output = process.argv[2] ?? join(here, "../../src/Ocim.Portal/wwwroot/map/glyphs");
const fontFolder = process.env.MAP_GLYPHS_FONTS ?? "/usr/share/fonts/truetype/dejavu";

// Fontstack name (what the style's text-font says) → font file.
const FONTS = {
  "DejaVu Sans Condensed": "DejaVuSansCondensed.ttf",
  "DejaVu Sans Condensed Bold": "DejaVuSansCondensed-Bold.ttf",
};

// The ranges French place names need: Basic Latin + Latin-1 (é, è, ç, ÿ…), Latin Extended-A (Œ, œ),
// General Punctuation (’ – — … and the narrow no-break space; « » are in Latin-1).
const RANGES = [0, 256, 8192];
const wanted = (code) =>
  (code >= 32 && code < 127) || (code >= 160 && code < 256) // printable Latin-1
  || (code >= 256 && code < 384) // Latin Extended-A
  || (code >= 8192 && code < 8304); // General Punctuation

const tinySdf = readFileSync(require.resolve("@mapbox/tiny-sdf"), "utf8").replace(/export default class/, "class");

const browser = await chromium.launch({
  executablePath: process.env.PORTAL_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  await page.setContent("<!doctype html><meta charset=utf-8><title>glyphs</title>");
  await page.addScriptTag({ content: tinySdf + "\nwindow.TinySDF = TinySDF;" });
  for (const [stack, file] of Object.entries(FONTS)) {
    const font = readFileSync(join(fontFolder, file)).toString("base64");
    for (const start of RANGES) {
      const codes = [];
      for (let code = start; code < start + 256; code++) {
        if (wanted(code)) codes.push(code);
      }
      const glyphs = await page.evaluate(async ({ font, codes }) => {
        const face = new FontFace("MapGlyphs", `url(data:font/ttf;base64,${font})`);
        document.fonts.add(await face.load());
        const sdf = new window.TinySDF({ fontSize: 24, buffer: 3, radius: 8, cutoff: 0.25, fontFamily: "MapGlyphs" });
        return codes.map((code) => {
          const g = sdf.draw(String.fromCodePoint(code));
          return { id: code, bitmap: Array.from(g.data), width: g.glyphWidth, height: g.glyphHeight,
                   left: g.glyphLeft, top: g.glyphTop, advance: g.glyphAdvance };
        });
      }, { font, codes });

      const pbf = new PbfWriter();
      pbf.writeMessage(1, (_, out) => {
        out.writeStringField(1, stack);
        out.writeStringField(2, `${start}-${start + 255}`);
        for (const g of glyphs) {
          out.writeMessage(3, (glyph, o) => {
            o.writeVarintField(1, glyph.id);
            if (glyph.width > 0 && glyph.height > 0) {
              o.writeBytesField(2, Uint8Array.from(glyph.bitmap));
            }
            o.writeVarintField(3, glyph.width);
            o.writeVarintField(4, glyph.height);
            o.writeSVarintField(5, glyph.left);
            o.writeSVarintField(6, glyph.top - 27);
            o.writeVarintField(7, Math.round(glyph.advance));
          }, g);
        }
      }, null);
      const folder = join(output, stack);
      mkdirSync(folder, { recursive: true });
      const bytes = pbf.finish();
      writeFileSync(join(folder, `${start}-${start + 255}.pbf`), bytes);
      console.log(`${stack} ${start}-${start + 255}: ${glyphs.length} glyphs, ${bytes.length} bytes`);
    }
  }
} finally {
  await browser.close();
}
