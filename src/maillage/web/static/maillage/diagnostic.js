/* Diagnostic maps: [data-diag-map] elements draw a GeoJSON FeatureCollection with Leaflet.
   Colours come from the server (properties.fill), so the legend printed in the page is exact.
   No tile server needed: a background layer is added only when MAILLAGE_TILE_URL is set. */
(function () {
  "use strict";
  var STYLES = {
    commune: function () { return { color: "#000091", weight: 3, fill: false }; },
    qpv: function () { return { color: "#b34000", weight: 2, dashArray: "5 3", fill: false }; },
    choropleth: function (p) { return { color: "#3558a2", weight: 1, fillColor: p.fill || "#fff", fillOpacity: 0.85 }; },
    influence: function (p) { return { color: p.scenario === "après" ? "#18753c" : "#000091", weight: 1, fillColor: "#000091", fillOpacity: 0.12 }; },
    white: function (p) { return { color: p.scenario === "après" ? "#18753c" : "#b34000", weight: 2, fillColor: "#b34000", fillOpacity: 0.35 }; }
  };
  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function tooltip(p) {
    var text = p.name || (p.rank ? "Zone blanche n° " + p.rank : "");
    if (p.label) { text += " : " + p.label; }
    if (p.population != null && p.layer === "white") { text += " — " + Math.round(p.population) + " personnes"; }
    return escapeHtml(text);
  }
  function init(el) {
    var map = L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    fetch(el.dataset.diagMap, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function (f) { var s = STYLES[(f.properties || {}).layer]; return s ? s(f.properties) : { color: "#000091" }; },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5, fillColor: "#b34000", fillOpacity: 1 });
          },
          onEachFeature: function (f, lyr) { var t = tooltip(f.properties || {}); if (t) { lyr.bindTooltip(t); } }
        }).addTo(map);
        var ctg = [];
        layer.eachLayer(function (l) { if (l.feature.properties.layer === "commune") { ctg.push(l); } });
        var bounds = ctg.length ? L.featureGroup(ctg).getBounds() : layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        el.dispatchEvent(new CustomEvent("maillage:loaded", { detail: { map: map, layer: layer } }));
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-diag-map]").forEach(init);
  });
})();
