/* Maillage plan pages: colours the journal map by number of activities per zone.
   Works with map.js (window.Maillage, loaded first): once a [data-geojson] map has drawn, restyles
   the features whose property "layer" is "activites" (property "count"), with text-only tooltips.
   The table next to the map gives the same figures without JavaScript. */
(function () {
  "use strict";
  var SCALE = ["#f6f6f6", "#e3e3fd", "#cacafb", "#9a9aff", "#6a6af4", "#313178", "#000091"];
  function colour(count, max) {
    if (!count || !max) { return SCALE[0]; }
    var i = Math.round(count / max * (SCALE.length - 2)) + 1;
    return SCALE[Math.min(Math.max(i, 1), SCALE.length - 1)];
  }
  function restyle(detail) {
    var layer = detail.layer, max = 0, zones = [];
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
      l.unbindTooltip();
      window.Maillage.tooltip(l, p.name + " (" + p.code + ") : " + n + (n > 1 ? " activités" : " activité"));
    });
  }
  document.querySelectorAll("[data-geojson]").forEach(function (el) {
    window.Maillage.onLoaded(el, restyle);
  });
})();
