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
    processResult: safeResult,
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

/** Return a result of a search shard as the page may show it: Pagefind's interface puts
 * a result's excerpt into the page as HTML, so only its <mark> elements are kept as
 * markup (all else becomes text), and a link leads only to a page of this site. The
 * shards may come from a build cache restored on another machine: what they say is
 * shown, never run. */
function safeResult(result) {
  result.url = sitePath(result.url);
  result.excerpt = onlyMarks(result.excerpt);
  for (const sub of result.sub_results || []) {
    sub.url = sitePath(sub.url);
    sub.excerpt = onlyMarks(sub.excerpt);
  }
  return result;
}

/** Return the address if it leads to this site (a path, or this origin), else "#". */
function sitePath(address) {
  try {
    const url = new URL(String(address ?? ""), window.location.href);
    return url.origin === window.location.origin ? url.href : "#";
  } catch {
    return "#";
  }
}

/** Return HTML that shows the text of html with its <mark> elements and nothing else:
 * parsed inertly (no script runs, no image loads), then written out anew. */
function onlyMarks(html) {
  const parsed = new DOMParser().parseFromString(String(html ?? ""), "text/html");
  const out = document.createElement("div");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      out.appendChild(document.createElement("mark")).textContent = node.textContent;
    } else {
      out.appendChild(document.createTextNode(node.textContent));
    }
  }
  return out.innerHTML;
}
