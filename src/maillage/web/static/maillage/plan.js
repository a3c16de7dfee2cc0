/* Maillage plan pages: colours the journal map by number of activities per zone.
   Works with map.js: listens to the "maillage:loaded" event of [data-geojson] maps and restyles
   the features whose property "layer" is "activites" (property "count"). The table next to
   the map gives the same figures without JavaScript. */
(function () {
  "use strict";
  var SCALE = ["#f6f6f6", "#e3e3fd", "#cacafb", "#9a9aff", "#6a6af4", "#313178", "#000091"];
  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function colour(count, max) {
    if (!count || !max) { return SCALE[0]; }
    var i = Math.round(count / max * (SCALE.length - 2)) + 1;
    return SCALE[Math.min(Math.max(i, 1), SCALE.length - 1)];
  }
  function restyle(event) {
    var layer = event.detail.layer, max = 0, zones = [];
    layer.eachLayer(function (l) {
      var p = l.feature.properties || {};
      if (p.layer === "activites") { zones.push(l); max = Math.max(max, p.count || 0); }
    });
    zones.sort(function (a, b) {  // QPV above IRIS
      return (a.feature.properties.kind === "qpv") - (b.feature.properties.kind === "qpv");
    });
    zones.forEach(function (l) {
      var p = l.feature.properties;
      var qpv = p.kind === "qpv";
      l.setStyle({ color: qpv ? "#b34000" : "#3558a2", weight: qpv ? 2 : 1,
                   fillColor: colour(p.count, max), fillOpacity: p.count ? 0.75 : (qpv ? 0 : 0.3) });
      if (qpv) { l.bringToFront(); }
      var n = p.count || 0;
      l.bindTooltip(escapeHtml(p.name) + " (" + escapeHtml(p.code) + ") : " + n +
                    (n > 1 ? " activités" : " activité"));
    });
  }
  document.querySelectorAll("[data-geojson]").forEach(function (el) {
    el.addEventListener("maillage:loaded", restyle);
  });
})();
