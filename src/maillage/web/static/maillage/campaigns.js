/* Update campaign form (network/campaign_answer.html): « Trouver la position de cette
   adresse » asks the campaign's geocoder endpoint (the link's own territory only) and lists
   the candidates with their score; choosing one fills the place's latitude and longitude.
   Text only (textContent), never HTML. Map placement is directory.js's initPlacement. */
(function () {
  "use strict";

  function field(scope, suffix) { return scope.querySelector("[name$='-" + suffix + "']"); }

  function initGeocode(btn) {
    var scope = btn.closest("[data-geocode-scope]");
    var results = scope.querySelector("[data-geocode-results]");
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var address = field(scope, "address").value.trim();
      var postcode = field(scope, "postcode").value.trim();
      results.textContent = "";
      var q = (address + " " + postcode).trim();
      var status = document.createElement("p");
      results.appendChild(status);
      if (q.length < 3) { status.textContent = "Saisissez d'abord l'adresse."; return; }
      status.textContent = "Recherche…";
      fetch(btn.getAttribute("data-geocode") + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var list = data.candidates || [];
          if (!list.length) {
            status.textContent = data.error || "Adresse introuvable : précisez le numéro et la rue, ou placez le lieu sur la carte.";
            return;
          }
          status.textContent = "Choisissez la bonne adresse :";
          var ul = document.createElement("ul");
          ul.className = "plain";
          list.forEach(function (c) {
            var li = document.createElement("li");
            var choose = document.createElement("button");
            choose.type = "button";
            choose.className = "secondary";
            choose.textContent = c.label + " (" + c.source + ", fiabilité " + Math.round(c.score * 100) + " %)";
            choose.addEventListener("click", function () {
              field(scope, "lat").value = Number(c.lat).toFixed(6);
              field(scope, "lon").value = Number(c.lon).toFixed(6);
              results.textContent = "";
              var done = document.createElement("p");
              done.textContent = "Position remplie : " + c.label + ".";
              results.appendChild(done);
            });
            li.appendChild(choose);
            ul.appendChild(li);
          });
          results.appendChild(ul);
        })
        .catch(function () {
          status.textContent = "La recherche d'adresse ne répond pas : placez le lieu sur la carte.";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-geocode]").forEach(initGeocode);
  });
})();
