// The actor map (/carte). The filter lives in the query string (the same keys as /acteurs), the view in the fragment
// (#zoom/lat/lon, kept by MapLibre). Changing a filter redraws the tiles, refreshes the list and rewrites the address
// without reloading; moving the map refreshes the list. The list (/carte/liste) is the accessible equivalent of the map:
// it holds exactly the actors of the filter inside the view.
import * as maplibregl from "/lib/maplibre-gl/maplibre-gl.mjs";

const container = document.getElementById("carte");
const form = document.getElementById("carte-filtres");
const listHost = document.getElementById("carte-liste");
const liveCount = document.getElementById("carte-compte");
const tools = document.getElementById("carte-outils");
const colouring = document.getElementById("carte-coloration");
const legend = document.getElementById("carte-legende");

// Colours of the three circles (white text on each is at least 4.5:1); the legend and the list say it in words too.
const CIRCLE_COLOURS = { 1: "#b3261e", 2: "#0b57a4", 3: "#2f6b2f" };
const CIRCLE_NAMES = { 1: "Cercle 1", 2: "Cercle 2", 3: "Cercle 3" };
const CLUSTER_COLOUR = "#12384a";
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

/** The icon name of a cluster: its count below 1,000, else hundreds ("12h" = 1,2 k) or thousands ("45k"). */
const CLUSTER_ICON = ["let", "n", ["get", "count"],
  ["concat", "cluster-",
    ["case",
      ["<", ["var", "n"], 1000], ["to-string", ["var", "n"]],
      ["<", ["var", "n"], 10000], ["concat", ["to-string", ["floor", ["/", ["var", "n"], 100]]], "h"],
      ["concat", ["to-string", ["floor", ["/", ["var", "n"], 1000]]], "k"]]]];

const ACTOR_ICON = ["concat", "actor-", ["to-string", ["get", "circle"]], "-", ["get", "family"]];

function clusterLabel(key) {
  if (key.endsWith("h")) {
    return (Number(key.slice(0, -1)) / 10).toLocaleString("fr-FR") + " k";
  }
  if (key.endsWith("k")) {
    return fr.format(Number(key.slice(0, -1))) + " k";
  }
  return key;
}

/** Draws a disc with a short text on a canvas, at the device's pixel ratio, for map.addImage. */
function drawBadge(radius, fill, text, ring) {
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const size = (radius * 2 + 4) * ratio;
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  const centre = radius + 2;
  context.beginPath();
  context.arc(centre, centre, radius, 0, Math.PI * 2);
  context.fillStyle = fill;
  context.fill();
  context.lineWidth = ring;
  context.strokeStyle = "#ffffff";
  context.stroke();
  context.fillStyle = "#ffffff";
  context.textAlign = "center";
  context.textBaseline = "middle";
  const fontSize = text.length > 3 ? radius * 0.7 : radius * 0.85;
  context.font = `700 ${fontSize}px system-ui, "Noto Sans", "DejaVu Sans", sans-serif`;
  context.fillText(text, centre, centre + 0.5);
  return { image: context.getImageData(0, 0, size, size), pixelRatio: ratio };
}

/** Icons are drawn when the map first needs them: there is no glyph server, so no text-field anywhere. */
function drawMissingImage(map, id) {
  if (id.startsWith("cluster-")) {
    const key = id.slice("cluster-".length);
    const label = clusterLabel(key);
    const count = key.endsWith("k") ? 10000 : key.endsWith("h") ? 1000 : Number(key);
    const radius = count < 10 ? 13 : count < 100 ? 16 : count < 1000 ? 19 : 23;
    const { image, pixelRatio } = drawBadge(radius, CLUSTER_COLOUR, label, 2.5);
    map.addImage(id, image, { pixelRatio });
  } else if (id.startsWith("actor-")) {
    const [, circle, ...family] = id.split("-");
    const slug = family.join("-");
    const code = FAMILY_CODES[slug] ?? (slug.charAt(0).toUpperCase() || "?");
    const { image, pixelRatio } = drawBadge(11, CIRCLE_COLOURS[circle] ?? "#4d5661", code, 2);
    map.addImage(id, image, { pixelRatio });
  }
}

function buildStyle(params, raster) {
  const sources = {
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
  };
  const layers = [{ id: "fond", type: "background", paint: { "background-color": "#dfe9ef" } }];
  if (raster) {
    sources.raster = { type: "raster", tiles: [raster.url], tileSize: 256, attribution: raster.attribution || undefined };
    layers.push({ id: "fond-raster", type: "raster", source: "raster" });
  }
  // The land is the regions' fill: with a raster base map it stays transparent so that the raster shows through.
  layers.push(
    { id: "regions-terre", type: "fill", source: "territories", "source-layer": "regions",
      paint: { "fill-color": "#f7f6f2", "fill-opacity": raster ? 0 : 1 } },
    { id: "choro-regions", type: "fill", source: "territories", "source-layer": "regions", maxzoom: 5,
      layout: { visibility: "none" }, paint: { "fill-color": "#ffffff", "fill-opacity": 0.8 } },
    { id: "choro-departments", type: "fill", source: "territories", "source-layer": "departments", minzoom: 5, maxzoom: 9,
      layout: { visibility: "none" }, paint: { "fill-color": "#ffffff", "fill-opacity": 0.8 } },
    { id: "choro-communes", type: "fill", source: "territories", "source-layer": "communes", minzoom: 9,
      layout: { visibility: "none" }, paint: { "fill-color": "#ffffff", "fill-opacity": 0.8 } },
    { id: "communes-contour", type: "line", source: "territories", "source-layer": "communes", minzoom: 9,
      paint: { "line-color": "#b6c0c9", "line-width": 0.5 } },
    { id: "departments-contour", type: "line", source: "territories", "source-layer": "departments", minzoom: 5,
      paint: { "line-color": "#8a96a3", "line-width": ["interpolate", ["linear"], ["zoom"], 5, 0.6, 10, 1.2] } },
    { id: "regions-contour", type: "line", source: "territories", "source-layer": "regions",
      paint: { "line-color": "#5b6b78", "line-width": ["interpolate", ["linear"], ["zoom"], 3, 0.8, 10, 2] } },
    // Up to zoom 12 the tiles hold clusters (count, c1, c2, c3); from 13, one point per actor (with an id), unless a
    // tile is too crowded, when it holds clusters again: the features, not the zoom, tell which is which.
    { id: "actor-clusters", type: "symbol", source: "actors", "source-layer": "actors", filter: ["!", ["has", "id"]],
      layout: { "icon-image": CLUSTER_ICON, "icon-allow-overlap": true, "icon-ignore-placement": true } },
    { id: "actor-points", type: "symbol", source: "actors", "source-layer": "actors", filter: ["has", "id"],
      layout: { "icon-image": ACTOR_ICON, "icon-allow-overlap": true, "icon-ignore-placement": true } },
  );
  return { version: 8, sources, layers };
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
  return list;
}

function familyLabel(slug) {
  const label = form.querySelector(`label[for="famille-${CSS.escape(slug)}"]`);
  return label ? label.textContent.trim() : slug;
}

function popupContent(properties) {
  const wrapper = document.createElement("div");
  wrapper.className = "map-popup";
  const title = document.createElement("p");
  title.className = "map-popup__title";
  const link = document.createElement("a");
  link.href = String(properties.url ?? "");
  link.textContent = String(properties.name ?? "Fiche de l'acteur");
  title.append(link);
  const meta = document.createElement("p");
  meta.textContent = `${familyLabel(String(properties.family ?? ""))} · ${CIRCLE_NAMES[properties.circle] ?? ""}`;
  wrapper.append(title, meta);
  return wrapper;
}

function start() {
  const initial = new URLSearchParams(window.location.search);
  const extent = container.dataset.extent?.split(",").map(Number);
  const raster = container.dataset.rasterTiles
    ? { url: container.dataset.rasterTiles, attribution: container.dataset.rasterAttribution }
    : null;
  const hasView = /^#\d/.test(window.location.hash);

  const map = new maplibregl.Map({
    container,
    style: buildStyle(filterParams(), raster),
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
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.FullscreenControl(), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  // MapLibre 6 asks this resolver for a missing image before it gives up on it (the "styleimagemissing" event of
  // earlier versions now fires only afterwards, too late for the first draw).
  map.setMissingStyleImageResolver((id) => {
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
    setChoropleth(map, colouring.value);
    refreshList();
  });
  map.on("moveend", scheduleList);

  // A cluster zooms in on itself; an actor opens a popup with a link to its listing.
  map.on("click", "actor-clusters", (event) => {
    const feature = event.features?.[0];
    if (feature) {
      map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 13) });
    }
  });
  map.on("click", "actor-points", (event) => {
    const feature = event.features?.[0];
    if (feature) {
      new maplibregl.Popup({ maxWidth: "18rem" })
        .setLngLat(feature.geometry.coordinates)
        .setDOMContent(popupContent(feature.properties))
        .addTo(map);
    }
  });
  for (const layer of ["actor-clusters", "actor-points"]) {
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }
}

if (container && form && listHost) {
  start();
}
