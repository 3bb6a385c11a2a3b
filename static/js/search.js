// The search page: Pagefind's interface in Czech, with the query from the header form.
(function () {
  const container = document.getElementById("hledani");
  if (!container || typeof PagefindUI === "undefined") {
    return;
  }
  const ui = new PagefindUI({
    element: "#hledani",
    bundlePath: container.dataset.bundle,
    showImages: false,
    showSubResults: true,
    resetStyles: false,
    autofocus: false,
    translations: {
      search_label: "Hledat na webu",
      placeholder: "Co hledáte? Např. Žlutice, bydlení, memorandum",
      filters_label: "Zúžit výsledky",
    },
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
