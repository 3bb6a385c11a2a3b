// Small enhancements; every page works without them.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

// On a phone the menu and search fold behind the "Menu" button (site.css, under the
// "js" class that the page's head sets). Without JavaScript the menu stays open.
document.querySelectorAll("[data-menu-toggle]").forEach((button) => {
  const header = button.closest(".site-header");
  const setOpen = (open) => {
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  };
  button.hidden = false;
  button.addEventListener("click", () => {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      setOpen(false);
      button.focus();
    }
  });
});

// A printed page names where it came from: links get their full address (resolved
// against the canonical address, not the address it was opened at) and the print
// footer gets the date.
window.addEventListener("beforeprint", () => {
  const canonical = document.querySelector("link[rel=canonical]");
  const base = canonical ? canonical.href : document.baseURI;
  document.querySelectorAll("main a[href]:not([data-print-url])").forEach((link) => {
    const href = link.getAttribute("href");
    if (href.startsWith("#") || /^(mailto|tel):/.test(href)) return;
    link.dataset.printUrl = new URL(href, base).href;
  });
  const date = document.querySelector("[data-print-date]");
  if (date) date.textContent = ", vytištěno " + new Date().toLocaleDateString("cs-CZ");
});
