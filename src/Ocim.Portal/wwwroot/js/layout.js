// Small screens first: the site menu and every « Filtres (n) » panel (<details data-filter-panel open>) fold on narrow
// viewports, so that the page's content (the map, the results) comes first. On wide screens they stay open and their
// <summary> is hidden (site.css) and inert. Without this script they stay open everywhere: nothing is out of reach.

const narrow = window.matchMedia("(max-width: 47.99em)");

/** A panel that holds a field in error stays open: folding it would hide what needs fixing. */
const holdsErrors = (panel) => panel.querySelector("[aria-invalid='true'], .error-summary, .field-validation-error") !== null;

function apply() {
  for (const panel of document.querySelectorAll("details[data-filter-panel], details[data-site-menu]")) {
    const summary = panel.querySelector(":scope > summary");
    if (narrow.matches) {
      panel.open = holdsErrors(panel);
      summary?.removeAttribute("inert");
    } else {
      panel.open = true;
      summary?.setAttribute("inert", "");
    }
  }
}

apply();
narrow.addEventListener("change", apply);

// The menu lies over the page: Escape closes it and gives the focus back to its button.
document.addEventListener("keydown", (event) => {
  const menu = document.querySelector("details[data-site-menu]");
  if (event.key === "Escape" && narrow.matches && menu?.open) {
    menu.open = false;
    menu.querySelector(":scope > summary")?.focus();
  }
});
