/* Directory pages: result markers kept in step with the result list (htmx swaps included),
   "autour de moi" geolocation, structure mini-map, and placing "à localiser" structures.
   Relies on map.js (window.Maillage: zones map, text-only tooltips and popups), Leaflet and
   Leaflet.markercluster. Every name reaches the map as text (textContent), never as HTML.
   Without JavaScript every page still works: the list, links and forms are plain HTML. */
(function () {
  "use strict";
  var M = window.Maillage;
  var onMapLoaded = M.onLoaded;

  function readPoints(root) {
    var node = (root || document).querySelector("#resultats-points");
    if (!node) { return []; }
    try { return JSON.parse(node.textContent); } catch (e) { return []; }
  }

  /* ---- search results: clusters of markers, one per located structure of the list ---- */
  var results = { map: null, cluster: null, markers: {} };

  function markerFor(p) {
    var card = document.getElementById("structure-" + p.id);
    var m = M.themeMarker([p.lat, p.lon], card ? card.getAttribute("data-theme") : "", p.name);
    m.bindPopup(M.link(p.url, p.name));
    m.on("click", function () { highlight(p.id, true); });
    return m;
  }

  function drawResults() {
    if (!results.map) { return; }
    var points = readPoints();
    if (results.cluster) { results.map.removeLayer(results.cluster); }
    results.cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    results.markers = {};
    points.forEach(function (p) {
      var m = markerFor(p);
      results.markers[p.id] = m;
      results.cluster.addLayer(m);
    });
    results.map.addLayer(results.cluster);
    document.querySelectorAll("[data-show-on-map]").forEach(function (btn) {
      var id = btn.getAttribute("data-show-on-map");
      if (results.markers[id]) {
        btn.hidden = false;
        btn.addEventListener("click", function () { showOnMap(id); });
      }
    });
  }

  function highlight(id, scroll) {
    document.querySelectorAll(".result.is-active").forEach(function (li) { li.classList.remove("is-active"); });
    Object.keys(results.markers).forEach(function (k) {
      results.markers[k].setActive(k === String(id));
    });
    var item = document.getElementById("structure-" + id);
    if (item) {
      item.classList.add("is-active");
      if (scroll) { item.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
    }
  }

  function showOnMap(id) {
    var m = results.markers[id];
    if (!m) { return; }
    highlight(id, false);
    results.cluster.zoomToShowLayer(m, function () { m.openPopup(); });
    results.map.getContainer().scrollIntoView({ block: "nearest" });
  }

  function initResults() {
    var el = document.querySelector("[data-results-map]");
    if (!el) { return; }
    onMapLoaded(el, function (detail) {
      results.map = detail.map;
      // Without a tile layer Leaflet has no maximum zoom, which clustering needs.
      if (!isFinite(results.map.getMaxZoom())) { results.map.setMaxZoom(19); }
      drawResults();
    });
    document.body.addEventListener("htmx:afterSwap", function (ev) {
      if (ev.detail && ev.detail.target && ev.detail.target.id === "resultats") { drawResults(); }
    });
  }

  /* ---- "autour de moi": the browser's position fills lat/lon and submits the form ---- */
  function initAroundMe() {
    var btn = document.querySelector("[data-around-me]");
    if (!btn || !navigator.geolocation) { return; }
    var form = btn.form;
    var status = document.getElementById("geoloc-status");
    btn.hidden = false;
    btn.addEventListener("click", function () {
      if (status) { status.textContent = btn.getAttribute("data-pending"); }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(5);
        if (status) { status.textContent = ""; }
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }, function () {
        if (status) { status.textContent = btn.getAttribute("data-denied"); }
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }

  /* ---- structure page: one marker on the zones map ---- */
  function initStructureMap() {
    var el = document.querySelector("[data-structure-map]");
    if (!el || !el.dataset.lat) { return; }
    onMapLoaded(el, function (detail) {
      var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
      var marker = M.themeMarker(ll, el.dataset.theme || "", el.dataset.name || "");
      M.tooltip(marker, el.dataset.name || "").addTo(detail.map);
      detail.map.setView(ll, 16);
    });
  }

  /* ---- quality page: click or drag on the map to fill a structure's position form ---- */
  function initPlacement() {
    var el = document.querySelector("[data-place-map]");
    if (!el) { return; }
    var current = null;
    var marker = null;
    var label = document.getElementById("placement-courant");
    document.querySelectorAll("[data-place-select]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        current = document.getElementById(btn.getAttribute("data-place-select"));
        if (label) { label.textContent = btn.getAttribute("data-name"); }
        el.scrollIntoView({ block: "nearest" });
        el.focus();
      });
    });
    function fill(latlng) {
      if (!current) { return; }
      // The forms are prefixed (one per structure): fields are named "s<id>-lat", "s<id>-lon".
      current.querySelector("[name$='-lat']").value = latlng.lat.toFixed(6);
      current.querySelector("[name$='-lon']").value = latlng.lng.toFixed(6);
    }
    onMapLoaded(el, function (detail) {
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

  document.addEventListener("DOMContentLoaded", function () {
    initResults();
    initAroundMe();
    initStructureMap();
    initPlacement();
  });
})();
