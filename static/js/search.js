// The search page: Pagefind's interface in Czech, with the query from the header form.
// Pagefind has no Czech stemmer, so each query is turned into the beginnings of the words
// it stands for (czech-query.js) with Snowball's Czech stemmer, vendored by
// `make vendor-stemmer`.
import initStemmer, { Languages, Stemmer } from "./vendor/multilingual-stemmer/index.js";
import { prepareQuery } from "./czech-query.js";

const container = document.getElementById("hledani");
if (container && typeof PagefindUI !== "undefined") {
  startSearch(container, await loadStemmer());
}

/** Return a function that stems a Czech word; without WebAssembly, one that keeps it. */
async function loadStemmer() {
  try {
    await initStemmer();
    const stemmer = new Stemmer(Languages.Czech);
    return (word) => stemmer.stem(word);
  } catch (error) {
    console.warn("Hledání bez českého stemmeru:", error);
    return (word) => word;
  }
}

function startSearch(container, stem) {
  const ui = new PagefindUI({
    element: "#hledani",
    bundlePath: container.dataset.bundle,
    // News of each span of years have an index of their own (an edit re-indexes one);
    // Pagefind merges them here, so results and filter counts are those of one index.
    mergeIndex: (container.dataset.merge || "")
      .split(" ")
      .filter(Boolean)
      .map((bundle) => ({ bundlePath: bundle })),
    processTerm: (term) => prepareQuery(term, stem),
    showImages: false,
    showSubResults: true,
    showEmptyFilters: false,
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
      searching: "Hledám „[SEARCH_TERM]“…",
    },
  });
  new MutationObserver(() => replaceSpacesInIds(container)).observe(container, {
    childList: true,
    subtree: true,
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
}

/** Make ids valid: Pagefind names each filter checkbox after its value, spaces included
 * ("Kraj-Karlovarský kraj"), in the checkbox's id and its label's for. */
function replaceSpacesInIds(container) {
  for (const element of container.querySelectorAll("[id], label[for]")) {
    for (const name of ["id", "for"]) {
      const value = element.getAttribute(name);
      if (value && /\s/.test(value)) {
        element.setAttribute(name, value.replace(/\s+/g, "-"));
      }
    }
  }
}
