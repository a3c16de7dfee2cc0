/* Diagnostic maps: [data-diag-map] elements draw a GeoJSON FeatureCollection with Leaflet.
   Colours come from the server (properties.fill), so the legend printed in the page is exact.
   Relies on map.js (window.Maillage: text-only tooltips, the "diagnostic" styles, error state).
   No tile server needed: a background layer is added only when MAILLAGE_TILE_URL is set. */
(function () {
  "use strict";
  function label(p) {
    var text = p.name || (p.rank ? "Zone blanche n° " + p.rank : "");
    if (p.label) { text += " : " + p.label; }
    if (p.population != null && p.layer === "white") { text += " — " + Math.round(p.population) + " personnes"; }
    return text;
  }
  function site(f, latlng) {
    return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5, fillColor: window.Maillage.colour("accent-strong"), fillOpacity: 1 });
  }
  function isCommune(l) { return (l.feature.properties || {}).layer === "commune"; }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-diag-map]").forEach(function (el) {
      window.Maillage.init(el, el.dataset.diagMap, {
        styles: "diagnostic", label: label, pointToLayer: site, fitTo: isCommune
      });
    });
  });
})();
