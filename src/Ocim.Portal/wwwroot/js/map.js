// The actor map (/carte). The filter lives in the query string (the same keys as /acteurs), the view in the fragment
// (#zoom/lat/lon, kept by MapLibre). Changing a filter redraws the tiles, refreshes the list and rewrites the address
// without reloading; moving the map refreshes the list. The list (/carte/liste) is the accessible equivalent of the map:
// it holds exactly the actors of the filter inside the view. Labels use the portal's own glyphs (/carte/glyphes), the
// sea is the background, the land the regions' fill: no request leaves the portal unless a deployment sets a base map
// (docs/decisions/0026-map-without-third-party-server.md).
// MapLibre is the classic script the page loads just before this module (maplibre-gl.js, a global): its one bundle
// carries the worker too, so the phone downloads the shared code once (docs/decisions/0034-one-maplibre-bundle.md).
const { maplibregl } = window;

const container = document.getElementById("carte");
const form = document.getElementById("carte-filtres");
const listHost = document.getElementById("carte-liste");
const liveCount = document.getElementById("carte-compte");
const tools = document.getElementById("carte-outils");
const colouring = document.getElementById("carte-coloration");
const legend = document.getElementById("carte-legende");
const placeForm = document.getElementById("carte-lieu");
const skipFilters = document.getElementById("passer-filtres");

// Colours of the three circles (white text on each is at least 4.5:1); the legend and the list say it in words too.
const CIRCLE_COLOURS = { 1: "#b3261e", 2: "#0b57a4", 3: "#2f6b2f" };
const CIRCLE_NAMES = { 1: "Cercle 1", 2: "Cercle 2", 3: "Cercle 3" };
// The sea, the land of France (the regions' fill) and of its neighbours, and the outlines by level.
const SEA = "#b9d3e6";
const LAND = "#f7f6f2";
const NEIGHBOUR_LAND = "#e6e3da";
const LABEL_COLOUR = "#1f2a33";
const HALO = "rgba(255, 255, 255, 0.92)";
// A cluster's split by circle is drawn as a donut in 24ths (each circle present keeps at least one).
const SHARES = 24;
const ZOOM_BY_KIND = { region: 7, departement: 9, department: 9, epci: 10, commune: 12 };
// Short codes drawn inside the markers, one per family (the popup and the list give the full name).
const FAMILY_CODES = {
  "musee": "Mu", "museum": "MH", "centre-de-sciences": "CS", "planetarium": "Pl", "jardin-botanique": "JB",
  "jardin-remarquable": "JR", "site-patrimonial": "SP", "association": "As", "tiers-lieu": "TL", "fablab": "Fa",
  "organisme-de-recherche": "Re", "universite": "U", "ecole-superieure": "ES", "etablissement-scolaire": "Éc",
  "bibliotheque": "Bi", "centre-de-loisirs": "CL", "entreprise": "En", "collectivite": "Co", "autre": "…",
};
// Choropleth classes: the lower bound of each class and its colour (light to dark).
const CHOROPLETH = {
  actors: { label: "Nombre d'acteurs", breaks: [0, 1, 5, 20, 100, 500] },
  per10k: { label: "Acteurs pour 10\u202F000 habitants", breaks: [0, 0.5, 1, 2, 5, 10] },
};
const RAMP = ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"];
const FRENCH_UI = {
  "Map.Title": "Carte des acteurs",
  "NavigationControl.ZoomIn": "Zoomer",
  "NavigationControl.ZoomOut": "Dézoomer",
  "NavigationControl.ResetBearing": "Remettre le nord en haut",
  "FullscreenControl.Enter": "Plein écran",
  "FullscreenControl.Exit": "Quitter le plein écran",
  "AttributionControl.ToggleAttribution": "Afficher ou masquer les sources",
  "AttributionControl.MapFeedback": "Signaler une erreur",
  "ScaleControl.Meters": "m",
  "ScaleControl.Kilometers": "km",
  "Popup.Close": "Fermer",
  "CooperativeGesturesHandler.WindowsHelpText": "Ctrl + molette pour zoomer",
  "CooperativeGesturesHandler.MacHelpText": "⌘ + molette pour zoomer",
  "CooperativeGesturesHandler.MobileHelpText": "Deux doigts pour déplacer la carte",
};

// Tile templates keep their {z}/{x}/{y} as they are (new URL() would percent-encode the braces).
const absolute = (path) => (path.startsWith("/") ? window.location.origin + path : path);
const fr = new Intl.NumberFormat("fr-FR");

/** The filter of the form as query parameters, empty fields left out (the same keys as /acteurs). */
function filterParams() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "") {
      params.append(key, value.trim());
    }
  }
  return params;
}

function withQuery(template, params) {
  const query = params.toString();
  return absolute(template) + (query ? "?" + query : "");
}

/** The view as west,south,east,north, rounded outwards to 1e-5 degree and kept within the globe. */
function viewBbox(map) {
  const bounds = map.getBounds();
  let west = bounds.getWest();
  let east = bounds.getEast();
  if (east - west >= 360) {
    west = -180;
    east = 180;
  }
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const down = (value) => (Math.floor(value * 1e5) / 1e5).toFixed(5);
  const up = (value) => (Math.ceil(value * 1e5) / 1e5).toFixed(5);
  west = clamp(west, -180, 180);
  east = clamp(east, -180, 180);
  const south = clamp(bounds.getSouth(), -90, 90);
  const north = clamp(bounds.getNorth(), -90, 90);
  return [down(west), down(south), up(east), up(north)].join(",");
}

const share = (key) => ["case", ["==", ["get", key], 0], 0,
  ["max", 1, ["round", ["/", ["*", ["get", key], SHARES], ["get", "count"]]]]];

/**
 * The icon name of a cluster: its count below 1,000, else hundreds ("12h" = 1,2 k) or thousands ("45k"), then its
 * split by circle in 24ths: "cluster-37-12-8-4" is 37 actors, about half of them of circle 1.
 */
const CLUSTER_ICON = ["concat", "cluster-",
  ["let", "n", ["get", "count"],
    ["case",
      ["<", ["var", "n"], 1000], ["to-string", ["var", "n"]],
      ["<", ["var", "n"], 10000], ["concat", ["to-string", ["floor", ["/", ["var", "n"], 100]]], "h"],
      ["concat", ["to-string", ["floor", ["/", ["var", "n"], 1000]]], "k"]]],
  "-", ["to-string", share("c1")], "-", ["to-string", share("c2")], "-", ["to-string", share("c3")]];

/** An actor's circle: its own (points), or the one circle its single-actor cluster counts. */
const ACTOR_CIRCLE = ["coalesce", ["get", "circle"],
  ["case", ["==", ["get", "c1"], 1], 1, ["==", ["get", "c2"], 1], 2, 3]];
const ACTOR_ICON = ["concat", "actor-", ["to-string", ACTOR_CIRCLE], "-", ["coalesce", ["get", "family"], ""]];
/** The actor's id: "id" on a point, "actor" on a cluster of one. */
const ACTOR_ID = ["coalesce", ["get", "id"], ["get", "actor"]];
const IS_ACTOR = ["any", ["has", "id"], ["==", ["get", "count"], 1]];

function clusterLabel(key) {
  if (key.endsWith("h")) {
    return (Number(key.slice(0, -1)) / 10).toLocaleString("fr-FR") + " k";
  }
  if (key.endsWith("k")) {
    return fr.format(Number(key.slice(0, -1))) + " k";
  }
  return key;
}

function canvasFor(radius) {
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const size = (radius * 2 + 4) * ratio;
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  return { context, ratio, size, centre: radius + 2 };
}

/** A short text centred in a disc of the given radius, its size reduced until it fits the disc's width. */
function drawText(context, centre, radius, text, colour) {
  context.fillStyle = colour;
  context.textAlign = "center";
  context.textBaseline = "middle";
  let fontSize = radius * (text.length > 2 ? 0.8 : 0.9);
  const font = (size) => `700 ${size}px "DejaVu Sans Condensed", system-ui, "Noto Sans", sans-serif`;
  context.font = font(fontSize);
  while (fontSize > 6 && context.measureText(text).width > radius * 1.7) {
    fontSize -= 0.5;
    context.font = font(fontSize);
  }
  context.fillText(text, centre, centre + 0.5);
}

/** An actor: a disc of its circle's colour with its family's short code in white. */
function drawActor(circle, code) {
  const radius = 11;
  const { context, ratio, size, centre } = canvasFor(radius);
  context.beginPath();
  context.arc(centre, centre, radius, 0, Math.PI * 2);
  context.fillStyle = CIRCLE_COLOURS[circle] ?? "#4d5661";
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = "#ffffff";
  context.stroke();
  drawText(context, centre, radius, code, "#ffffff");
  return { image: context.getImageData(0, 0, size, size), pixelRatio: ratio };
}

/** A cluster: a donut whose segments are its circles' shares (clockwise from the top: 1, 2, 3), its count inside. */
function drawCluster(label, count, shares) {
  const radius = count < 10 ? 14 : count < 100 ? 17 : count < 1000 ? 20 : 25;
  const { context, ratio, size, centre } = canvasFor(radius);
  const total = shares.reduce((sum, value) => sum + value, 0) || 1;
  const ring = Math.max(4, radius * 0.28);
  context.beginPath();
  context.arc(centre, centre, radius, 0, Math.PI * 2);
  context.fillStyle = "#ffffff";
  context.fill();
  let angle = -Math.PI / 2;
  shares.forEach((value, i) => {
    if (value <= 0) {
      return;
    }
    const end = angle + (value / total) * Math.PI * 2;
    context.beginPath();
    context.arc(centre, centre, radius - ring / 2 - 0.5, angle, end);
    context.lineWidth = ring;
    context.strokeStyle = CIRCLE_COLOURS[i + 1];
    context.stroke();
    angle = end;
  });
  context.beginPath();
  context.arc(centre, centre, radius, 0, Math.PI * 2);
  context.lineWidth = 1;
  context.strokeStyle = "#4d5661";
  context.stroke();
  drawText(context, centre, radius - ring, label, "#111111");
  return { image: context.getImageData(0, 0, size, size), pixelRatio: ratio };
}

/** Markers are drawn when the map first needs them (the image's name says everything drawn on it). */
function drawMissingImage(map, id) {
  if (id.startsWith("cluster-")) {
    const [key, ...parts] = id.slice("cluster-".length).split("-");
    const count = key.endsWith("k") ? 10000 : key.endsWith("h") ? 1000 : Number(key);
    const { image, pixelRatio } = drawCluster(clusterLabel(key), count, parts.map(Number));
    map.addImage(id, image, { pixelRatio });
  } else if (id.startsWith("actor-")) {
    const [, circle, ...family] = id.split("-");
    const slug = family.join("-");
    const code = slug === "" ? "" : FAMILY_CODES[slug] ?? (slug.charAt(0).toUpperCase() || "?");
    const { image, pixelRatio } = drawActor(circle, code);
    map.addImage(id, image, { pixelRatio });
  }
}

function portalSources(params) {
  return {
    territories: {
      type: "vector",
      tiles: [withQuery(container.dataset.territoryTiles, params)],
      maxzoom: 12,
      attribution: "IGN, INSEE — contours simplifiés par france-geojson",
    },
    actors: {
      type: "vector",
      tiles: [withQuery(container.dataset.actorTiles, params)],
      maxzoom: 14,
      attribution: "Ocim",
    },
    highlight: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
  };
}

const labelText = (size, font) => ({
  "text-field": ["get", "name"],
  "text-font": [font],
  "text-size": size,
  "text-max-width": 8,
  "text-padding": 3,
});
const labelPaint = (colour, halo = 1.5) => ({ "text-color": colour, "text-halo-color": HALO, "text-halo-width": halo });

/**
 * The portal's layers. Over the portal's own background (sea, land of the regions) they draw outlines by level and
 * labels; over a deployment's base map (raster or vector style) the land stays transparent, and over a vector style
 * the labels are the style's own.
 */
function portalLayers(base) {
  const own = base !== "vector";
  const layers = [];
  // The land is the regions' fill: with a base map it stays transparent so that the base map shows through.
  layers.push(
    { id: "regions-terre", type: "fill", source: "territories", "source-layer": "regions",
      paint: { "fill-color": LAND, "fill-opacity": base ? 0 : 1 } },
    { id: "choro-regions", type: "fill", source: "territories", "source-layer": "regions", maxzoom: 5,
      layout: { visibility: "none" }, paint: { "fill-color": "#ffffff", "fill-opacity": 0.8 } },
    { id: "choro-departments", type: "fill", source: "territories", "source-layer": "departments", minzoom: 5, maxzoom: 9,
      layout: { visibility: "none" }, paint: { "fill-color": "#ffffff", "fill-opacity": 0.8 } },
    { id: "choro-communes", type: "fill", source: "territories", "source-layer": "communes", minzoom: 9,
      layout: { visibility: "none" }, paint: { "fill-color": "#ffffff", "fill-opacity": 0.8 } },
    // Borders by level: communes thin and light, departments dashed, regions darker and wider; the coast is the
    // regions' outline against the sea.
    { id: "communes-contour", type: "line", source: "territories", "source-layer": "communes", minzoom: 9,
      paint: { "line-color": "#c3cbd2", "line-width": ["interpolate", ["linear"], ["zoom"], 9, 0.4, 14, 1] } },
    { id: "departments-contour", type: "line", source: "territories", "source-layer": "departments", minzoom: 5,
      paint: { "line-color": "#7d8a96", "line-dasharray": [3, 1.5],
               "line-width": ["interpolate", ["linear"], ["zoom"], 5, 0.7, 10, 1.4] } },
    { id: "regions-contour", type: "line", source: "territories", "source-layer": "regions",
      paint: { "line-color": "#4a5a67", "line-width": ["interpolate", ["linear"], ["zoom"], 3, 0.9, 10, 2.4] } },
  );
  const labels = [];
  if (own) {
    labels.push(
      { id: "labels-communes", type: "symbol", source: "territories", "source-layer": "labels", minzoom: 5,
        filter: ["==", ["get", "level"], "commune"],
        layout: { ...labelText(["interpolate", ["linear"], ["get", "population"], 0, 11, 10000, 12.5, 100000, 15, 1000000, 18], MapGlyphs.regular),
                  "symbol-sort-key": ["-", ["get", "population"]],
                  // Just above its centre, where a cluster usually sits; elsewhere around it when labels collide.
                  "text-variable-anchor": ["bottom", "top", "left", "right"],
                  "text-radial-offset": 1.5, "text-justify": "auto" },
        paint: labelPaint(LABEL_COLOUR) },
    );
    // Regions and departments: under the markers, and only where the markers leave room.
    layers.push(
      { id: "labels-departments", type: "symbol", source: "territories", "source-layer": "labels", minzoom: 6, maxzoom: 10,
        filter: ["==", ["get", "level"], "department"],
        layout: { ...labelText(12, MapGlyphs.regular), "text-letter-spacing": 0.04 },
        paint: labelPaint("#4a5a67") },
      { id: "labels-regions", type: "symbol", source: "territories", "source-layer": "labels", maxzoom: 7.5,
        filter: ["==", ["get", "level"], "region"],
        layout: { ...labelText(["interpolate", ["linear"], ["zoom"], 4, 11, 7, 14], MapGlyphs.bold),
                  "text-transform": "uppercase", "text-letter-spacing": 0.06 },
        paint: labelPaint("#3b4954", 2) },
    );
  }
  layers.push(
    // The marker the list points at: a ring under the markers, at the actor's place.
    { id: "actor-highlight", type: "circle", source: "highlight",
      paint: { "circle-radius": 19, "circle-color": "#ffd23f", "circle-opacity": 0.85,
               "circle-stroke-color": "#111111", "circle-stroke-width": 3 } },
    // Up to zoom 12 the tiles hold clusters (count, c1, c2, c3); from 13, one point per actor (with an id), unless a
    // tile is too crowded, when it holds clusters again: the features, not the zoom, tell which is which. A cluster of
    // one actor is drawn as that actor.
    { id: "actor-clusters", type: "symbol", source: "actors", "source-layer": "actors", filter: ["!", IS_ACTOR],
      layout: { "icon-image": CLUSTER_ICON, "icon-allow-overlap": true, "symbol-sort-key": ["get", "count"] } },
    { id: "actor-points", type: "symbol", source: "actors", "source-layer": "actors", filter: IS_ACTOR,
      layout: { "icon-image": ACTOR_ICON, "icon-allow-overlap": true } },
    // Commune names over the markers (with a halo), so that a city full of actors still shows its name.
    ...labels,
  );
  return layers;
}

const MapGlyphs = { regular: "DejaVu Sans Condensed", bold: "DejaVu Sans Condensed Bold" };

/**
 * Neighbouring countries' land (Natural Earth), under France's own regions: fetched only once the map shows a wide
 * view (zoom < 9), where borders and coasts are in sight; a street-level first screen does without its bytes.
 */
function addNeighbourLand(map) {
  const add = () => {
    if (map.getSource("land") || map.getZoom() >= 9) {
      return;
    }
    map.addSource("land", { type: "geojson", data: absolute(container.dataset.land), attribution: "Natural Earth" });
    map.addLayer({ id: "terres-voisines", type: "fill", source: "land", paint: { "fill-color": NEIGHBOUR_LAND } }, "regions-terre");
    map.addLayer({ id: "terres-voisines-contour", type: "line", source: "land",
      paint: { "line-color": "#9fb3c2", "line-width": 0.6 } }, "regions-terre");
    map.off("zoomend", add);
  };
  map.on("zoomend", add);
  add();
}

function buildStyle(params, raster) {
  const sources = portalSources(params);
  const layers = [{ id: "fond", type: "background", paint: { "background-color": SEA } }];
  if (raster) {
    sources.raster = { type: "raster", tiles: [raster.url], tileSize: 256, attribution: raster.attribution || undefined };
    layers.push({ id: "fond-raster", type: "raster", source: "raster" });
  }
  layers.push(...portalLayers(raster ? "raster" : null));
  return { version: 8, glyphs: absolute(container.dataset.glyphs), sources, layers };
}

function setChoropleth(map, metric) {
  const choice = CHOROPLETH[metric];
  for (const id of ["choro-regions", "choro-departments", "choro-communes"]) {
    if (!choice) {
      map.setLayoutProperty(id, "visibility", "none");
      continue;
    }
    const step = ["step", ["coalesce", ["get", metric], 0], RAMP[0]];
    choice.breaks.slice(1).forEach((bound, i) => step.push(bound, RAMP[i + 1]));
    map.setPaintProperty(id, "fill-color", step);
    map.setLayoutProperty(id, "visibility", "visible");
  }
  legend.replaceChildren();
  if (!choice) {
    return;
  }
  const title = document.createElement("p");
  title.textContent = choice.label + " (régions, puis départements et communes en zoomant) :";
  const list = document.createElement("ul");
  choice.breaks.forEach((bound, i) => {
    const next = choice.breaks[i + 1];
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "map-legend__swatch";
    swatch.style.backgroundColor = RAMP[i];
    item.append(swatch, next === undefined ? `${fr.format(bound)} et plus` : `de ${fr.format(bound)} à moins de ${fr.format(next)}`);
    list.append(item);
  });
  legend.append(title, list);
}

function circleLegend() {
  const list = document.createElement("ul");
  list.className = "map-legend__circles";
  for (const circle of [1, 2, 3]) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "map-legend__swatch map-legend__swatch--round";
    swatch.style.backgroundColor = CIRCLE_COLOURS[circle];
    item.append(swatch, CIRCLE_NAMES[circle]);
    list.append(item);
  }
  // How markers say it: a group's ring is split by circle around its count; an actor carries its family's initials.
  const group = document.createElement("li");
  const donut = document.createElement("span");
  donut.className = "map-legend__swatch map-legend__swatch--donut";
  group.append(donut, "Groupe : part de chaque cercle, nombre d'acteurs au centre");
  const actor = document.createElement("li");
  const badge = document.createElement("span");
  badge.className = "map-legend__swatch map-legend__swatch--round map-legend__badge";
  badge.style.backgroundColor = CIRCLE_COLOURS[3];
  badge.textContent = "Bi";
  actor.append(badge, "Acteur : initiales de sa famille (Bi : bibliothèque)");
  list.append(group, actor);
  return list;
}

function familyLabel(slug) {
  const label = form.querySelector(`label[for="famille-${CSS.escape(slug)}"]`);
  return label ? label.textContent.trim() : slug;
}

const actorDetails = new Map();
/** The public fields of a published actor (/carte/acteurs/{id}), fetched once per page. */
function fetchActor(id) {
  if (!actorDetails.has(id)) {
    const url = container.dataset.actor.replace("{id}", encodeURIComponent(id));
    actorDetails.set(id, fetch(url, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null));
  }
  return actorDetails.get(id);
}

function paragraph(text, className) {
  const p = document.createElement("p");
  if (className) {
    p.className = className;
  }
  p.textContent = text;
  return p;
}

/** The popup: name, family and circle at once (from the tile), then commune, address, website and the listing. */
function popupContent(properties, details) {
  const wrapper = document.createElement("div");
  wrapper.className = "map-popup";
  const name = details?.name ?? properties.name;
  const listing = String(details?.url ?? properties.url ?? `/acteurs/${properties.id ?? properties.actor}`);
  const title = document.createElement("p");
  title.className = "map-popup__title";
  const titleLink = document.createElement("a");
  titleLink.href = listing;
  titleLink.textContent = name ? String(name) : "Fiche de l'acteur";
  title.append(titleLink);
  const circle = details?.circle ?? properties.circle;
  const family = details?.family ?? familyLabel(String(properties.family ?? ""));
  wrapper.append(title, paragraph(`${family} · ${CIRCLE_NAMES[circle] ?? ""}`));
  if (details === undefined) {
    wrapper.append(paragraph("Chargement…", "map-popup__loading"));
    return wrapper;
  }
  if (details === null) {
    wrapper.append(paragraph("Les détails de cet acteur n'ont pas pu être chargés."));
  } else {
    if (details.commune) {
      wrapper.append(paragraph(details.departmentCode ? `${details.commune} (${details.departmentCode})` : details.commune, "map-popup__commune"));
    }
    const address = [details.address, [details.postalCode, details.commune].filter(Boolean).join(" ")].filter(Boolean).join(", ");
    if (details.address) {
      wrapper.append(paragraph(address, "map-popup__address"));
    }
    if (details.website) {
      const p = document.createElement("p");
      const site = document.createElement("a");
      site.href = details.website;
      site.rel = "noopener";
      site.textContent = "Site web";
      site.setAttribute("aria-label", `Site web de ${details.name}`);
      p.append(site);
      wrapper.append(p);
    }
  }
  const more = document.createElement("p");
  const link = document.createElement("a");
  link.className = "map-popup__more";
  link.href = listing;
  link.textContent = "Voir la fiche";
  link.setAttribute("aria-label", `Voir la fiche de ${name ?? "l'acteur"}`);
  more.append(link);
  wrapper.append(more);
  return wrapper;
}

function start() {
  const initial = new URLSearchParams(window.location.search);
  const extent = container.dataset.extent?.split(",").map(Number);
  const raster = container.dataset.rasterTiles
    ? { url: container.dataset.rasterTiles, attribution: container.dataset.rasterAttribution }
    : null;
  const vectorStyle = container.dataset.vectorStyle || null;
  const hasView = /^#\d/.test(window.location.hash);

  const map = new maplibregl.Map({
    container,
    // A deployment's vector style (its own labels and land), the portal's layers added on top once it is loaded.
    style: vectorStyle ?? buildStyle(filterParams(), raster),
    hash: true,
    center: [2.4, 46.6],
    zoom: 4.6,
    bounds: !hasView && extent?.length === 4 && extent.every(Number.isFinite) ? [[extent[0], extent[1]], [extent[2], extent[3]]] : undefined,
    fitBoundsOptions: { padding: 30, maxZoom: 14 },
    maxZoom: 18,
    locale: FRENCH_UI,
    attributionControl: { compact: true },
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
  });
  // Tests and the browser console reach the map here.
  container.maplibre = map;
  if (vectorStyle) {
    map.once("style.load", () => {
      for (const [id, source] of Object.entries(portalSources(filterParams()))) {
        map.addSource(id, source);
      }
      for (const layer of portalLayers("vector")) {
        map.addLayer(layer);
      }
    });
  }
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.FullscreenControl(), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  // An icon the style names but the map has not drawn yet (a family's mark, a donut for a new split) is drawn when
  // MapLibre meets it: an image added inside this event is used by the same draw.
  map.on("styleimagemissing", ({ id }) => {
    if (!map.hasImage(id)) {
      drawMissingImage(map, id);
    }
  });

  tools.hidden = false;
  tools.append(circleLegend());
  colouring.addEventListener("change", () => setChoropleth(map, colouring.value));

  // The address keeps the filter (query) and the view (hash); a box given in the query only chose the first view.
  const rewriteAddress = () => {
    const query = filterParams().toString();
    window.history.replaceState(window.history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  };
  if (initial.has("bbox")) {
    rewriteAddress();
  }

  let pending = null;
  let timer = 0;
  const refreshList = async () => {
    const params = filterParams();
    const bbox = viewBbox(map);
    params.set("bbox", bbox);
    pending?.abort();
    const request = new AbortController();
    pending = request;
    listHost.setAttribute("aria-busy", "true");
    container.dataset.listState = "loading";
    try {
      const response = await fetch(withQuery(container.dataset.list, params), { signal: request.signal, headers: { Accept: "text/html" } });
      const html = await response.text();
      if (request.signal.aborted) {
        return;
      }
      // Server-rendered by Razor (every value encoded), from our own origin.
      listHost.innerHTML = html;
      const content = listHost.querySelector("[data-total]");
      liveCount.textContent = content?.dataset.summary ?? "";
      container.dataset.listBbox = bbox;
      container.dataset.listQuery = params.toString();
      container.dataset.listState = "ready";
    } catch (error) {
      if (error.name !== "AbortError") {
        liveCount.textContent = "La liste n'a pas pu être mise à jour : vérifiez la connexion, puis déplacez la carte pour réessayer.";
        container.dataset.listState = "error";
      }
    } finally {
      if (pending === request) {
        listHost.removeAttribute("aria-busy");
      }
    }
  };
  const scheduleList = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refreshList, 250);
  };

  const applyFilter = () => {
    const params = filterParams();
    map.getSource("actors").setTiles([withQuery(container.dataset.actorTiles, params)]);
    map.getSource("territories").setTiles([withQuery(container.dataset.territoryTiles, params)]);
    rewriteAddress();
    scheduleList();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilter();
  });
  form.addEventListener("change", applyFilter);

  map.on("load", () => {
    if (!raster && !vectorStyle) {
      addNeighbourLand(map);
    }
    setChoropleth(map, colouring.value);
    refreshList();
  });
  map.on("moveend", scheduleList);

  // A cluster zooms in on itself; an actor opens a popup, completed from /carte/acteurs/{id}.
  map.on("click", "actor-clusters", (event) => {
    const feature = event.features?.[0];
    if (feature) {
      map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 13) });
    }
  });
  map.on("click", "actor-points", async (event) => {
    const feature = event.features?.[0];
    if (!feature) {
      return;
    }
    const properties = feature.properties;
    const id = properties.id ?? properties.actor;
    const popup = new maplibregl.Popup({ maxWidth: "20rem" })
      .setLngLat(feature.geometry.coordinates)
      .setDOMContent(popupContent(properties, undefined))
      .addTo(map);
    const details = id === undefined ? null : await fetchActor(String(id));
    if (popup.isOpen()) {
      popup.setDOMContent(popupContent(properties, details));
      container.dataset.popup = String(id);
    }
  });

  // List ↔ map: an entry hovered or focused rings its actor on the map; a marker hovered marks its entry.
  const setHighlight = async (id) => {
    container.dataset.highlight = id ?? "";
    const source = map.getSource("highlight");
    if (!id || !source) {
      source?.setData({ type: "FeatureCollection", features: [] });
      return;
    }
    const drawn = map.queryRenderedFeatures({ layers: ["actor-points"] })
      .find((feature) => String(feature.properties.id ?? feature.properties.actor) === id);
    let coordinates = drawn?.geometry.coordinates;
    if (!coordinates) {
      const details = await fetchActor(id);
      coordinates = details && Number.isFinite(details.longitude) ? [details.longitude, details.latitude] : null;
    }
    if (container.dataset.highlight !== id) {
      return;
    }
    source.setData({ type: "FeatureCollection",
      features: coordinates ? [{ type: "Feature", properties: { id: Number(id) }, geometry: { type: "Point", coordinates } }] : [] });
  };
  const entryOf = (target) => target instanceof Element ? target.closest("li[data-id]") : null;
  listHost.addEventListener("mouseover", (event) => {
    const entry = entryOf(event.target);
    if (entry) {
      setHighlight(entry.dataset.id);
    }
  });
  listHost.addEventListener("mouseleave", () => setHighlight(null));
  listHost.addEventListener("focusin", (event) => {
    const entry = entryOf(event.target);
    if (entry) {
      setHighlight(entry.dataset.id);
    }
  });
  listHost.addEventListener("focusout", (event) => {
    if (!listHost.contains(event.relatedTarget)) {
      setHighlight(null);
    }
  });
  let markedEntry = null;
  const markEntry = (id) => {
    markedEntry?.classList.remove("is-highlighted");
    markedEntry = id ? listHost.querySelector(`li[data-id="${CSS.escape(String(id))}"]`) : null;
    markedEntry?.classList.add("is-highlighted");
  };
  map.on("mousemove", "actor-points", (event) => {
    const properties = event.features?.[0]?.properties;
    markEntry(properties ? properties.id ?? properties.actor : null);
  });
  map.on("mouseleave", "actor-points", () => markEntry(null));
  for (const layer of ["actor-clusters", "actor-points"]) {
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }

  // « Aller à un lieu »: the place box (place-search.js) tells which place was chosen; the map goes there instead of
  // the results page the form would open.
  placeForm?.addEventListener("place:select", (event) => {
    const place = event.detail;
    if (!place) {
      return;
    }
    event.preventDefault();
    const [west, south, east, north] = Array.isArray(place.bbox) ? place.bbox.map(Number) : [];
    if ([west, south, east, north].every(Number.isFinite)) {
      map.fitBounds([[west, south], [east, north]], { padding: 30, maxZoom: 14 });
    } else if (Number.isFinite(place.lon) && Number.isFinite(place.lat)) {
      map.flyTo({ center: [place.lon, place.lat], zoom: ZOOM_BY_KIND[place.kind] ?? 12 });
    }
  });

  // « Passer les filtres »: to the map itself (without JavaScript the link goes to the list).
  skipFilters?.addEventListener("click", (event) => {
    event.preventDefault();
    map.getCanvas().focus();
  });
}

if (container && form && listHost) {
  start();
}
