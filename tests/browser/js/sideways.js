// What makes the page scroll sideways: [] when it fits the window, else the scroll width
// and the last few elements (not inside a scrolling box) that reach past the window.
() => {
  const limit = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return [];
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    // What reaches past the window: the element's box, or text overflowing it.
    // (A box that scrolls keeps its overflow inside.)
    const spills = getComputedStyle(el).overflowX === "visible" ? el.scrollWidth : 0;
    const reach = Math.max(box.right, box.left + spills);
    if (reach <= limit + 1 || box.width === 0) continue;
    let inside = el.parentElement;
    let scrolls = false;
    while (inside && inside !== document.body) {
      if (getComputedStyle(inside).overflowX !== "visible") { scrolls = true; break; }
      inside = inside.parentElement;
    }
    if (!scrolls) wide.push(`${describe(el)} reaches ${Math.round(reach)} px`);
  }
  return [`scrollWidth ${width} > ${limit}`, ...wide.slice(-5)];

  function describe(el) {
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    const text = (el.textContent || "").trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} "${text}"`;
  }
}
