/* « Compléter l'offre »: choose a record (« Placer sur la carte »), click on the map, the
   latitude and longitude fields of that record's form are filled (and stay editable). Text
   only (textContent), never HTML. Without JavaScript the fields are typed by hand. */
(function () {
  "use strict";

  function init() {
    var el = document.querySelector("[data-completion-map]");
    var M = window.Maillage;
    if (!el || !M) { return; }
    var current = null;
    var marker = null;
    var label = document.getElementById("placement-courant");
    // map.js draws the map of every [data-geojson] element; we only listen to it.
    document.querySelectorAll("[data-place-select]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        current = document.getElementById(btn.getAttribute("data-place-select"));
        if (label) { label.textContent = btn.getAttribute("data-name") || ""; }
        el.scrollIntoView({ block: "nearest" });
        el.focus();
      });
    });
    function fill(latlng) {
      if (!current) { return; }
      // One form per record, prefixed: fields are named "c<id>-lat", "c<id>-lon".
      current.querySelector("[name$='-lat']").value = latlng.lat.toFixed(6);
      current.querySelector("[name$='-lon']").value = latlng.lng.toFixed(6);
    }
    // The records already located, as grey points named by a text tooltip (orientation, and
    // the places offered by « même lieu que … »).
    function drawLocated(map) {
      var node = document.getElementById("completion-points");
      var points = [];
      try { points = JSON.parse(node ? node.textContent : "[]") || []; } catch (e) { points = []; }
      points.forEach(function (p) {
        if (typeof p.lat !== "number" || typeof p.lon !== "number") { return; }
        var dot = L.circleMarker([p.lat, p.lon], { radius: 5, color: "#fff", weight: 1, fillColor: "#555", fillOpacity: 0.9 });
        M.tooltip(dot, p.name || "").addTo(map);
      });
    }
    M.onLoaded(el, function (detail) {
      drawLocated(detail.map);
      detail.map.on("click", function (ev) {
        if (!current) { return; }
        if (!marker) {
          marker = L.marker(ev.latlng, { draggable: true, keyboard: true, title: label ? label.textContent : "" });
          marker.on("dragend", function () { fill(marker.getLatLng()); });
          marker.addTo(detail.map);
        } else {
          marker.setLatLng(ev.latlng);
        }
        fill(ev.latlng);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
