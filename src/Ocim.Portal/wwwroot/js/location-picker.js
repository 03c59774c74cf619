// The listing form's map (/compte/fiches/{id}/modifier): click the map, or move it and press the button, to place the
// structure; the latitude and longitude fields are filled in (French decimals) and « par les coordonnées » is chosen.
// Without JavaScript the fields are typed by hand: the map section stays hidden.
// MapLibre is the classic script the page loads just before this module (maplibre-gl.js, a global).
const { maplibregl } = window;

const host = document.getElementById("choix-position");
const latitude = document.getElementById("Latitude");
const longitude = document.getElementById("Longitude");
const byCoordinates = document.getElementById("Location-coordonnees");

/** "47,3220" or "47.3220" as a number; null when the field holds no number. */
function parse(value) {
  const number = Number.parseFloat((value || "").trim().replace(",", "."));
  return Number.isFinite(number) ? number : null;
}

/** 5 decimals (about a metre), with the French decimal comma the form shows in its examples. */
const french = (number) => number.toFixed(5).replace(".", ",");

if (host && latitude && longitude) {
  const canvas = host.querySelector(".location-picker__map");
  const status = host.querySelector(".location-picker__status");
  const centre = host.querySelector(".location-picker__centre");
  const raster = canvas.dataset.rasterTiles ? { url: canvas.dataset.rasterTiles, attribution: canvas.dataset.rasterAttribution } : null;
  const start = [parse(longitude.value), parse(latitude.value)];
  const placed = start.every((v) => v !== null) && Math.abs(start[1]) <= 90 && Math.abs(start[0]) <= 180;

  const sources = {
    territories: {
      type: "vector",
      tiles: [window.location.origin + canvas.dataset.territoryTiles],
      maxzoom: 12,
      attribution: "IGN, INSEE — contours simplifiés par france-geojson",
    },
  };
  const layers = [{ id: "fond", type: "background", paint: { "background-color": "#dfe9ef" } }];
  if (raster) {
    sources.raster = { type: "raster", tiles: [raster.url], tileSize: 256, attribution: raster.attribution || undefined };
    layers.push({ id: "fond-raster", type: "raster", source: "raster" });
  }
  layers.push(
    { id: "regions-terre", type: "fill", source: "territories", "source-layer": "regions",
      paint: { "fill-color": "#f7f6f2", "fill-opacity": raster ? 0 : 1 } },
    { id: "communes-contour", type: "line", source: "territories", "source-layer": "communes", minzoom: 9,
      paint: { "line-color": "#8a96a3", "line-width": 0.8 } },
    { id: "departments-contour", type: "line", source: "territories", "source-layer": "departments", minzoom: 5,
      paint: { "line-color": "#5b6b78", "line-width": 1 } },
  );

  host.hidden = false;
  const map = new maplibregl.Map({
    container: canvas,
    style: { version: 8, sources, layers },
    center: placed ? start : [2.4, 46.6],
    zoom: placed ? 13 : 4.6,
    maxZoom: 18,
    locale: {
      "Map.Title": "Carte pour placer la structure",
      "NavigationControl.ZoomIn": "Zoomer",
      "NavigationControl.ZoomOut": "Dézoomer",
      "AttributionControl.ToggleAttribution": "Afficher ou masquer les sources",
    },
    attributionControl: { compact: true },
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
  });
  // Tests reach the map here, as on /carte.
  canvas.maplibre = map;
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");

  const marker = new maplibregl.Marker({ color: "#b3261e" });
  if (placed) {
    marker.setLngLat(start).addTo(map);
  }

  const place = ({ lng, lat }) => {
    marker.setLngLat([lng, lat]).addTo(map);
    latitude.value = french(lat);
    longitude.value = french(lng);
    if (byCoordinates) {
      byCoordinates.checked = true;
    }
    status.textContent = `Position choisie : latitude ${latitude.value}, longitude ${longitude.value}.`;
  };

  map.on("click", (event) => place(event.lngLat));

  // The place box above the map (place-search.js): the map moves to the chosen commune, whose code fills the
  // commune field; the structure is then placed by a click or the button, as before.
  host.querySelector("#choix-position-lieu")?.addEventListener("place:select", (event) => {
    const chosen = event.detail;
    if (Array.isArray(chosen.bbox) && chosen.bbox.length === 4) {
      map.fitBounds([[chosen.bbox[0], chosen.bbox[1]], [chosen.bbox[2], chosen.bbox[3]]], { padding: 16, maxZoom: 15, duration: 0 });
    } else if (chosen.lon != null && chosen.lat != null) {
      map.jumpTo({ center: [chosen.lon, chosen.lat], zoom: 13 });
    }
    const communeCode = document.getElementById("CommuneCode");
    if (communeCode && chosen.kind === "commune") {
      communeCode.value = chosen.code;
    }
    status.textContent = `Carte centrée sur ${chosen.label} : cliquez à l'endroit de la structure, ou utilisez le bouton.`;
  });
  // For the keyboard: move the map with the arrow keys (or zoom), then place the structure at its centre.
  centre.addEventListener("click", () => place(map.getCenter()));
}
