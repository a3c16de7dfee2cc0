/* Maillage — progress page of a document prepared in the background (web/views/tasks.py).
   Polls the JSON status URL of [data-job-status] until the job is ready or failed, and updates
   the <progress> bar, the state text (« en attente / en cours / prêt / échec »), the failure
   message, the summary of a finished import and the download link. Every value is written as text (textContent), never as HTML.
   A box with [data-job-reload] (a territory build) reloads the page once the job is finished:
   the server renders what was built. */
(function () {
  "use strict";

  var DELAY_MS = 1000;
  var MAX_DELAY_MS = 5000;

  function sameSitePath(value) {
    return typeof value === "string" && value.charAt(0) === "/" && value.charAt(1) !== "/" ? value : null;
  }

  function show(el, visible) {
    if (el) { el.hidden = !visible; }
  }

  function update(box, s) {
    var bar = box.querySelector("progress");
    if (bar) {
      if (s.pret) {
        bar.max = 1; bar.value = 1;
      } else if (s.attendu) {
        bar.max = s.attendu; bar.value = Math.min(s.fait || 0, s.attendu);
      } else if (s.termine) {
        bar.max = 1; bar.value = 0;
      } else {
        bar.removeAttribute("value"); // indeterminate: the number of steps is not known yet
      }
      bar.textContent = String(s.libelle || "");
    }
    var label = box.querySelector("[data-job-label]");
    if (label) { label.textContent = String(s.libelle || ""); }
    var step = box.querySelector("[data-job-step]");
    if (step) { step.textContent = s.etape && !s.termine ? " — " + String(s.etape) : ""; }
    var message = box.querySelector("[data-job-message]");
    if (message) { message.textContent = String(s.message || ""); show(message, Boolean(s.message)); }
    var summary = box.querySelector("[data-job-summary]");
    if (summary) { summary.textContent = String(s.resultat || ""); show(summary, Boolean(s.resultat)); }
    show(box.querySelector("[data-job-no-worker]"), Boolean(s.sans_travailleur));
    var file = box.querySelector("[data-job-file]");
    var href = sameSitePath(s.fichier);
    if (file && href) { file.setAttribute("href", href); }
    show(box.querySelector("[data-job-ready]"), Boolean(s.pret && href));
    box.dataset.jobState = String(s.etat || "");
  }

  function poll(box, url, delay) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (s) {
        update(box, s);
        if (s.termine && box.hasAttribute("data-job-reload")) {
          window.location.reload(); // the page renders the job's result itself
        } else if (!s.termine) {
          window.setTimeout(function () { poll(box, url, DELAY_MS); }, DELAY_MS);
        }
      })
      .catch(function () {
        var next = Math.min(delay * 2, MAX_DELAY_MS); // server restarting: slow down, keep trying
        window.setTimeout(function () { poll(box, url, next); }, next);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-status]").forEach(function (box) {
      var url = sameSitePath(box.dataset.jobStatus);
      var state = box.dataset.jobState;
      if (url && state !== "pret" && state !== "echec") {
        window.setTimeout(function () { poll(box, url, DELAY_MS); }, DELAY_MS / 2);
      }
    });
  });
})();
