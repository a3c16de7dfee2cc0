/* Maillage maps: draws the GeoJSON layers of [data-geojson] elements with Leaflet.
   No tile server needed: a background layer is added only when MAILLAGE_TILE_URL is set. */
(function () {
  "use strict";
  var STYLES = {
    commune: function (p) { return p.role === "ctg"
      ? { color: "#000091", weight: 3, fill: false }
      : { color: "#6a6a6a", weight: 1.5, dashArray: "4 4", fill: false }; },
    iris: function () { return { color: "#3558a2", weight: 1, fillOpacity: 0.04 }; },
    qpv: function () { return { color: "#b34000", weight: 2, fillColor: "#b34000", fillOpacity: 0.25 }; },
    quartier: function () { return { color: "#18753c", weight: 2, fillOpacity: 0.05 }; }
  };
  function styleFor(feature) {
    var p = feature.properties || {};
    var f = STYLES[p.layer];
    return f ? f(p) : { color: p.color || "#000091", weight: 2 };
  }
  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  window.MaillageMap = {
    init: function (el) {
      var map = L.map(el, { zoomSnap: 0.25, maxZoom: 19 });
      if (el.dataset.tileUrl) {
        L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
      }
      el._maillageMap = map;
      fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var layer = L.geoJSON(data, {
            style: styleFor,
            onEachFeature: function (feature, lyr) {
              var p = feature.properties || {};
              if (p.name) { lyr.bindTooltip(escapeHtml(p.name) + (p.code ? " (" + escapeHtml(p.code) + ")" : "")); }
            }
          }).addTo(map);
          var ctg = [];
          layer.eachLayer(function (l) { if (l.feature.properties.role === "ctg") { ctg.push(l); } });
          var bounds = ctg.length ? L.featureGroup(ctg).getBounds() : layer.getBounds();
          if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
          el.dispatchEvent(new CustomEvent("maillage:loaded", { detail: { map: map, layer: layer } }));
        });
      return map;
    }
  };
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-geojson]").forEach(function (el) { window.MaillageMap.init(el); });
  });
})();
