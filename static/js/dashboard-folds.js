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
    root.querySelectorAll("details.fold").forEach(function (details) {
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

  function start() { fold(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.body.addEventListener("htmx:afterSwap", function (event) { fold(event.target.parentNode || document); });
})();
