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

// A printed page names when it was printed, in its own language (links get their
// addresses from print.css).
const PRINTED = { cs: ["vytištěno", "cs-CZ"], en: ["printed", "en-GB"] };
window.addEventListener("beforeprint", () => {
  const date = document.querySelector("[data-print-date]");
  const [word, locale] = PRINTED[document.documentElement.lang] ?? PRINTED.cs;
  if (date) date.textContent = `, ${word} ${new Date().toLocaleDateString(locale)}`;
});

// The localities' map (templates/_map.html): a tap on a marker first shows its name;
// a second tap on it opens the locality. A mouse click opens it at once.
document.querySelectorAll("svg.map").forEach((map) => {
  let pointer = "mouse";
  map.addEventListener("pointerdown", (event) => {
    pointer = event.pointerType;
  });
  map.querySelectorAll("a.marker").forEach((marker) => {
    marker.addEventListener("click", (event) => {
      if (pointer !== "touch" || marker.classList.contains("is-touched")) return;
      event.preventDefault();
      map.querySelectorAll(".is-touched").forEach((other) => other.classList.remove("is-touched"));
      marker.classList.add("is-touched");
      map.appendChild(marker); // drawn last, so its name lies above the other markers
      marker.focus({ preventScroll: true });
    });
  });
});
