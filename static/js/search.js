// The search page: Pagefind's interface in Czech, with the query from the header form.
(function () {
  const container = document.getElementById("hledani");
  if (!container || typeof PagefindUI === "undefined") {
    return;
  }
  const ui = new PagefindUI({
    element: "#hledani",
    bundlePath: container.dataset.bundle,
    // News of each span of years have an index of their own (an edit re-indexes one);
    // Pagefind merges them here, so results and filter counts are those of one index.
    mergeIndex: (container.dataset.merge || "")
      .split(" ")
      .filter(Boolean)
      .map(function (bundle) {
        return { bundlePath: bundle };
      }),
    showImages: false,
    showSubResults: true,
    resetStyles: false,
    autofocus: false,
    translations: {
      search_label: "Hledat na webu",
      placeholder: "Co hledáte? Např. Žlutice, bydlení, memorandum",
      filters_label: "Zúžit výsledky",
      // Czech has three plural forms; Pagefind knows two, so the count comes last.
      zero_results: "Pro „[SEARCH_TERM]“ jsme nic nenašli",
      one_result: "Pro „[SEARCH_TERM]“ jsme našli jeden výsledek",
      many_results: "Počet výsledků pro „[SEARCH_TERM]“: [COUNT]",
      total_zero_results: "Žádné výsledky",
      total_one_result: "Jeden výsledek",
      total_many_results: "Počet výsledků: [COUNT]",
    },
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
