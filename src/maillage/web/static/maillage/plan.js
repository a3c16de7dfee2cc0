/* Maillage plan pages: colours the journal map by number of activities per zone.
   Works with map.js (window.Maillage, loaded first): once a [data-geojson] map has drawn, restyles
   the features whose property "layer" is "activites" (property "count"), with text-only tooltips.
   The table next to the map gives the same figures without JavaScript. */
(function () {
  "use strict";
  // Sequential scale of the palette's teal (site.css --accent-soft … --accent-strong).
  var SCALE = ["#f4f7f8", "#dbe9ef", "#b5d3df", "#86b6ca", "#4f8fab", "#2a6985", "#0f3a4f"];
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
      l.setStyle({ color: window.Maillage.colour(qpv ? "qpv" : "iris"), weight: qpv ? 2 : 1,
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
