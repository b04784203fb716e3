/* Keyboard shortcuts in the moderation queue. They act only inside the queue item that has
   the focus (WCAG 2.1.4: a single-key shortcut is active only while its component has
   focus) and never while typing in a field:
     A  approve this item         R  reject it (with the reason typed in its box)
     J  next item                 K  previous item
   Moving to an item focuses the item itself (it carries tabindex="-1"). The buttons do
   the work, so htmx, the CSRF token and the server's checks are the same as a click. */
(function () {
  "use strict";

  var TYPING = "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]";
  var ACTIONS = { a: "approve", r: "reject" };

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  }

  function move(current, step) {
    var all = items();
    var next = all[all.indexOf(current) + step];
    if (next) {
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    }
  }

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
    var button = action && item.querySelector("button[name=action][value=" + action + "]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
