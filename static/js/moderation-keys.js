/* Keyboard shortcuts in the moderation queue. They act only inside the queue item that has
   the focus (WCAG 2.1.4: a single-key shortcut is active only while its component has
   focus) and never while typing in a field:
     A  approve this item         R  reject it (with the reason typed in its box)
     J  next item                 K  previous item
   Moving to an item focuses the item itself (it carries tabindex="-1"). The buttons do
   the work, so htmx, the CSRF token and the server's checks are the same as a click.

   After a decision (by key or by click) the focus moves on to the next item still
   waiting, or to the "Nothing left" heading, and the live region says what was done and
   where the focus is. The words come from the server's fragment, so they are translated:
     [data-decided]    on an item the server has just decided;
     [data-announce]   its hidden message, which consult.js speaks;
     [data-next-text]  on every item: "Next: Statement #5.";
     [data-key-note]   on every item: what A or R says when it has nothing to do there. */
(function () {
  "use strict";

  var TYPING = "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]";
  var ACTIONS = { a: "approve", r: "reject" };

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("#moderation-queue .queue-item"));
  }

  function announce(text) {
    window.consultAnnounce(text); // static/js/consult.js, loaded first (base.html)
  }

  function show(item) {
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  function move(current, step) {
    var all = items();
    var next = all[all.indexOf(current) + step];
    if (next) {
      show(next);
    }
  }

  function waiting(item) {
    return !item.hasAttribute("data-decided") && item.querySelector("button[name=action]");
  }

  // The next item after `item` still waiting for a decision, wrapping round to the top.
  function nextWaiting(item) {
    var all = items();
    var at = all.indexOf(item);
    var ordered = all.slice(at + 1).concat(all.slice(0, Math.max(at, 0)));
    for (var i = 0; i < ordered.length; i += 1) {
      if (waiting(ordered[i])) {
        return ordered[i];
      }
    }
    return null;
  }

  // Runs in the capture phase, so before consult.js's htmx:afterSettle listener (on the
  // document, bubbling): it adds where the focus went to the words consult.js speaks, and
  // takes the item's data-focus away so that consult.js leaves the focus where it is put.
  function afterDecision(event) {
    var item = event.target;
    if (!(item instanceof Element) || !item.matches(".queue-item[data-decided]") ||
        !item.closest("#moderation-queue")) {
      return;
    }
    var next = nextWaiting(item);
    var done = document.getElementById("queue-done");
    var destination = next || done;
    if (!destination) {
      return;
    }
    var spoken = item.querySelector("[data-announce]");
    if (spoken) {
      var then = next ? next.getAttribute("data-next-text") : done.textContent.trim() + ".";
      spoken.textContent = spoken.textContent.trim() + " " + then;
    }
    item.removeAttribute("data-focus");
    destination.hidden = false;
    show(destination);
  }

  document.addEventListener("htmx:afterSettle", afterDecision, true);

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (!(target instanceof Element) || target.matches(TYPING)) {
      return;
    }
    var item = target.closest(".queue-item");
    if (!item) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(item, key === "j" ? 1 : -1);
      return;
    }
    var action = ACTIONS[key];
    if (!action) {
      return;
    }
    event.preventDefault();
    var button = item.querySelector("button[name=action][value=" + action + "]");
    if (button) {
      button.click();
    } else {
      // Decided already (or a report, which has its own buttons): say so, not nothing.
      announce(item.getAttribute("data-key-note"));
    }
  });
})();
