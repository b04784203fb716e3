/* Progressive enhancement for in-place (htmx) updates: after a swap, move the focus to
   what changed and say what happened in the page's polite live region. The server's
   fragment decides both, so the words are translated:
     [data-focus]     the element to focus (it carries tabindex="-1");
     [data-announce]  a hidden element whose text the live region speaks.
   A form returned with errors focuses its error summary instead. Without JavaScript the
   forms post and redirect as usual, and the flash messages say the same. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region || !text) {
      return;
    }
    // Emptied first, so the same words said twice are spoken twice.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function within(scope, selector) {
    if (scope.matches && scope.matches(selector)) {
      return [scope];
    }
    return Array.prototype.slice.call(scope.querySelectorAll(selector));
  }

  // htmx fires afterSettle on the swapped-in content: look only there.
  function settle(event) {
    var scope = event.target instanceof Element && event.target.isConnected ?
      event.target : document.body;
    var errors = within(scope, ".error-summary[tabindex]");
    var target = errors[0] || within(scope, "[data-focus]")[0];
    within(scope, "[data-announce]").forEach(function (element) {
      announce(element.textContent.trim());
      element.removeAttribute("data-announce");
    });
    if (target) {
      target.removeAttribute("data-focus");
      target.focus();
    }
  }

  document.addEventListener("htmx:afterSettle", settle);
  // The one way to speak in the live region; moderation-keys.js says its words with it.
  window.consultAnnounce = announce;
})();
