// Targets smaller than 24x24 CSS px (WCAG 2.2 2.5.8), and primary actions (vote buttons,
// submit buttons in the page's content not marked small) lower than 44 px. Links inside
// running text are exempt, as WCAG exempts them.
() => {
  const found = [];
  const targets = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
    "[tabindex]:not([tabindex='-1'])");
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    if (el.closest(".visually-hidden, .skip-link")) continue;
    // Focusable marks in charts (heatmap cells, map points) show their figures on focus
    // or hover; they perform no action, and every chart has a table view.
    if (el instanceof SVGElement) continue;
    if (el.matches("a") && style.display === "inline") {
      const block = el.parentElement.closest(
        "p, li, td, th, dd, dt, figcaption, blockquote, label, legend, h1, h2, h3, span, div");
      if (block && block.textContent.trim().length > el.textContent.trim().length) continue;
    }
    const primary = el.matches(".vote-button") || (
      el.matches("button[type=submit], input[type=submit]") && el.closest("main") &&
      !el.matches(".button-small, .link-button"));
    if (box.width < 23.5 || box.height < 23.5) {
      found.push(`${describe(el)} is ${Math.round(box.width)}x${Math.round(box.height)} px`);
    } else if (primary && box.height < 43.5) {
      found.push(`primary action ${describe(el)} is ${Math.round(box.height)} px high`);
    }
  }
  return [...new Set(found)].slice(0, 8);

  function describe(el) {
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    const text = (el.textContent || el.value || "").trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} "${text}"`;
  }
}
