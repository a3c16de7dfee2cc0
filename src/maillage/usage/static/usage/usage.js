/* Audience measurement (maillage.usage): tells the site that a fiche's phone, e-mail, website
   or « itinéraire » link was followed, so the coordination counts the « sollicitations ».
   Links marked data-usage-url keep their real href and work as before; on activation the page
   asks that same-origin URL (GET, keepalive: sent even when the link leaves the page). Nothing
   is stored in the browser (no cookie, no localStorage) and the request carries no identifier;
   the server adds one to a daily counter. Without JavaScript the links work, uncounted. */
(function () {
  "use strict";
  function tell(url) {
    try {
      window.fetch(url, { method: "GET", keepalive: true, credentials: "same-origin", cache: "no-store" })
        .catch(function () { /* counting never gets in the way */ });
    } catch (e) { /* old browser: not counted */ }
  }
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-usage-url]") : null;
    if (link) { tell(link.getAttribute("data-usage-url")); }
  });
  document.addEventListener("auxclick", function (event) {  // middle click: new tab
    var link = event.target && event.target.closest ? event.target.closest("a[data-usage-url]") : null;
    if (link && event.button === 1) { tell(link.getAttribute("data-usage-url")); }
  });
})();
