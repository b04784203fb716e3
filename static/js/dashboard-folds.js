// Progressive enhancement for the dashboard: on a small screen the long sections start
// folded (their <details> are open in the HTML, so without script everything shows), the
// plain-language summary above them stays open. Sections the reader opened stay open when
// the dashboard refreshes itself (htmx swaps #dashboard).
(function () {
  "use strict";
  var small = window.matchMedia("(max-width: 40rem)");
  var opened = new Set();

  function fold(root) {
    if (!small.matches) return;
    // A section the address points into (#close-heading) stays open.
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    root.querySelectorAll("details.fold").forEach(function (details) {
      if (target && details.contains(target)) opened.add(details.id);
      if (!opened.has(details.id)) details.open = false;
    });
  }

  // The reader's own choices (a click, or Enter/Space on the summary, which click too);
  // "toggle" events would also report the page's own folding.
  document.addEventListener("click", function (event) {
    var summary = event.target.closest("details.fold > summary");
    if (!summary) return;
    var details = summary.parentNode;
    if (details.open) opened.delete(details.id);
    else opened.add(details.id);
  });

  // A link within the page (from the summary to the details) opens the section it names.
  window.addEventListener("hashchange", function () {
    var target = document.getElementById(window.location.hash.slice(1));
    var details = target ? target.closest("details.fold") : null;
    if (details && !details.open) {
      details.open = true;
      opened.add(details.id);
      target.scrollIntoView();
    }
  });

  function start() { fold(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.body.addEventListener("htmx:afterSwap", function (event) { fold(event.target.parentNode || document); });
})();
