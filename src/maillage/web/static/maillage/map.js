/* Maillage maps, shared by every page with a map: draws the GeoJSON layers of [data-geojson]
   elements with Leaflet, and gives the other scripts (directory.js, diagnostic.js, plan.js) the
   one set of helpers they use: window.Maillage.
   - Text only: every tooltip, popup and label is a DOM node whose text is set with textContent,
     never a string of HTML (a name written by a partner stays text; see docs/securite.md).
   - One table of layer styles (zones maps and diagnostic maps).
   - An error state: when the GeoJSON cannot be fetched or read, the map box says so in French.
   - A base map when MAILLAGE_TILE_URL is set (the IGN « Plan IGN » by default): when its tiles
     cannot be fetched (offline, service down), the layer is removed and a discreet French note
     says so; the outlines and markers stay. Empty setting: outlines only. */
(function () {
  "use strict";

  /* ---- text, never HTML ---- */
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  /* The one escaping helper, for a caller that needs a string (none of ours does today). */
  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  /* A <span> holding ``s`` as text: what Leaflet's bindTooltip/bindPopup get from us. */
  function text(s, className) {
    var span = document.createElement("span");
    if (className) { span.className = className; }
    span.textContent = s == null ? "" : String(s);
    return span;
  }

  /* Only a site path ("/…", not "//…") or an http(s) address becomes a link target. */
  function safeHref(url) {
    var u = String(url == null ? "" : url).trim();
    if (/^\/(?!\/)/.test(u) || /^https?:\/\//i.test(u)) { return u; }
    return null;
  }

  /* An <a> with ``label`` as text; without a safe address, the label alone. */
  function link(url, label) {
    var href = safeHref(url);
    if (!href) { return text(label); }
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label == null ? "" : String(label);
    return a;
  }

  /* ---- the palette: read from site.css (:root custom properties), its one place ---- */
  var FALLBACK = { accent: "#1a5470", "accent-strong": "#0f3a4f", iris: "#1f57a0", qpv: "#a13d00", voisine: "#6b767c", ok: "#1f6b3a" };
  var palette = null;
  function colour(name) {
    if (!palette) {
      palette = {};
      var css = window.getComputedStyle(document.documentElement);
      Object.keys(FALLBACK).forEach(function (k) {
        palette[k] = (css.getPropertyValue("--" + k) || "").trim() || FALLBACK[k];
      });
    }
    return palette[name] || FALLBACK[name];
  }

  /* ---- the layer styles of every map, by map kind then by feature property "layer" ---- */
  var STYLES = {
    zones: {
      commune: function (p) { return p.role === "ctg"
        ? { color: colour("accent"), weight: 3, fill: false }
        : { color: colour("voisine"), weight: 1.5, dashArray: "4 4", fill: false }; },
      iris: function () { return { color: colour("iris"), weight: 1, fillOpacity: 0.04 }; },
      qpv: function () { return { color: colour("qpv"), weight: 2, fillColor: colour("qpv"), fillOpacity: 0.25 }; },
      quartier: function () { return { color: colour("ok"), weight: 2, fillOpacity: 0.05 }; }
    },
    diagnostic: {
      commune: function () { return { color: colour("accent"), weight: 3, fill: false }; },
      qpv: function () { return { color: colour("qpv"), weight: 2, dashArray: "5 3", fill: false }; },
      choropleth: function (p) { return { color: colour("iris"), weight: 1, fillColor: p.fill || "#fff", fillOpacity: 0.85 }; },
      influence: function (p) { return { color: p.scenario === "après" ? colour("ok") : colour("accent"), weight: 1, fillColor: colour("accent"), fillOpacity: 0.12 }; },
      white: function (p) { return { color: p.scenario === "après" ? colour("ok") : colour("qpv"), weight: 2, fillColor: colour("qpv"), fillOpacity: 0.35 }; }
    }
  };

  /* ---- theme markers: the CTG theme's shape and pictogram (static/maillage/icons/<theme>.svg,
     the same files as the cards'), so a marker is told apart without its colour. The image is
     decorative (alt="", aria-hidden): the name is the marker's title, tooltip or popup, as text.
     The icons' folder is found beside this script (static files are not renamed). ---- */
  var THEMES = ["petite-enfance", "enfance", "jeunesse", "parentalite", "vie-sociale",
    "insertion", "education", "sante", "acces-droits"];
  var ICONS = (function () {
    var src = document.currentScript && document.currentScript.src;
    return src ? src.replace(/map\.js(\?.*)?$/, "icons/") : "/static/maillage/icons/";
  })();

  function themeIcon(theme, active) {
    var t = THEMES.indexOf(theme) >= 0 ? theme : "generic";
    var img = document.createElement("img");
    img.src = ICONS + t + ".svg";
    img.alt = "";
    img.setAttribute("aria-hidden", "true");
    var size = active ? 36 : 28;
    return L.divIcon({
      html: img,
      className: "theme-marker theme-" + t + (active ? " is-active" : ""),
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2],
      tooltipAnchor: [size / 2, 0]
    });
  }

  /* A marker at ``latlng`` for a structure of ``theme``; ``title`` (text) for keyboard users. */
  function themeMarker(latlng, theme, title) {
    var m = L.marker(latlng, { icon: themeIcon(theme, false), title: title == null ? "" : String(title), keyboard: true });
    m.setActive = function (on) { m.setIcon(themeIcon(theme, on)); };
    return m;
  }

  function styler(kind) {
    var table = STYLES[kind] || STYLES.zones;
    return function (feature) {
      var p = feature.properties || {};
      var f = table[p.layer];
      return f ? f(p) : { color: p.color || colour("accent"), weight: 2 };
    };
  }

  /* The zones maps' tooltip: "Name (code)". */
  function zoneLabel(p) {
    if (!p.name) { return ""; }
    return p.name + (p.code ? " (" + p.code + ")" : "");
  }

  /* Bind ``label`` (a string) to a layer as a text tooltip; nothing for an empty label. */
  function tooltip(layer, label) {
    if (label) { layer.bindTooltip(text(label)); }
    return layer;
  }

  /* ---- error state ---- */
  var ERROR_TEXT = "La carte n'a pas pu être chargée. Les informations de la page restent " +
    "valables ; rechargez la page pour réessayer.";

  function showError(el) {
    if (el.querySelector(".map-error")) { return; }
    el.classList.add("map-failed");
    var box = document.createElement("p");
    box.className = "map-error";
    box.setAttribute("role", "alert");
    box.textContent = ERROR_TEXT;
    el.appendChild(box);
    el.dispatchEvent(new CustomEvent("maillage:error", { detail: { map: el._maillageMap || null } }));
  }

  function fetchGeoJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  /* Call ``callback({map, layer})`` once the map of ``el`` has drawn its layers (now if done). */
  function onLoaded(el, callback) {
    if (el._maillageLoaded) { callback(el._maillageLoaded); return; }
    el.addEventListener("maillage:loaded", function (ev) { callback(ev.detail); });
  }

  /* ---- base map ---- */
  var TILE_NOTE = "Fond de carte indisponible (hors ligne ?) : seuls les contours sont affichés.";
  var TILE_FAILURES = 4; // failed tiles, none loaded, before the base map is given up

  function tileNote(map, el) {
    if (el.querySelector(".map-tile-note")) { return; }
    var note = L.control({ position: "bottomleft" });
    note.onAdd = function () {
      var box = L.DomUtil.create("p", "map-tile-note leaflet-control");
      box.setAttribute("role", "status");
      box.textContent = TILE_NOTE;
      return box;
    };
    note.addTo(map);
  }

  /* The tile layer of ``el`` (data-tile-url), given up with a note when its tiles fail. The
     attribution is passed escaped: Leaflet writes it as HTML. */
  function baseMap(map, el) {
    var layer = L.tileLayer(el.dataset.tileUrl, {
      attribution: escapeHtml(el.dataset.tileAttribution || ""),
      maxZoom: 19
    });
    var loaded = 0;
    var failed = 0;
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () {
      failed += 1;
      if (!loaded && failed >= TILE_FAILURES && map.hasLayer(layer)) {
        map.removeLayer(layer);
        el.classList.add("map-no-tiles");
        tileNote(map, el);
      }
    });
    layer.addTo(map);
    return layer;
  }

  function isCtg(l) { return (l.feature.properties || {}).role === "ctg"; }

  /* Draw the GeoJSON at ``url`` into the element ``el``.
     options: styles ("zones" or "diagnostic"), label(properties) → tooltip text,
     pointToLayer (Leaflet's), fitTo(layer) → whether the view fits on it. */
  function init(el, url, options) {
    var o = options || {};
    var map = L.map(el, { zoomSnap: 0.25, maxZoom: 19 });
    if (el.dataset.tileUrl) { baseMap(map, el); }
    el._maillageMap = map;
    var label = o.label || zoneLabel;
    fetchGeoJSON(url)
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: styler(o.styles),
          pointToLayer: o.pointToLayer,
          onEachFeature: function (feature, lyr) { tooltip(lyr, label(feature.properties || {})); }
        }).addTo(map);
        var fit = [];
        var fitTo = o.fitTo || isCtg;
        layer.eachLayer(function (l) { if (fitTo(l)) { fit.push(l); } });
        var bounds = fit.length ? L.featureGroup(fit).getBounds() : layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        el._maillageLoaded = { map: map, layer: layer };
        el.dispatchEvent(new CustomEvent("maillage:loaded", { detail: el._maillageLoaded }));
      })
      .catch(function () { showError(el); });
    return map;
  }

  window.Maillage = {
    escapeHtml: escapeHtml,
    text: text,
    link: link,
    safeHref: safeHref,
    tooltip: tooltip,
    styles: STYLES,
    colour: colour,
    themes: THEMES,
    themeIcon: themeIcon,
    themeMarker: themeMarker,
    init: init,
    onLoaded: onLoaded,
    showError: showError,
    baseMap: baseMap
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-geojson]").forEach(function (el) {
      init(el, el.dataset.geojson, { styles: "zones" });
    });
  });
})();
