// The search page: a form, filters and results built on Pagefind's JavaScript API.
// Before the reader searches, the page loads only this script and czech-query.js:
// Pagefind's files, the tiers file (search-tiers.js) and the Czech stemmer load on the
// first keystroke or submit, or at once when the page opens with ?q=.
// Pagefind has no Czech stemmer, so each query is turned into the beginnings of the
// words it stands for (czech-query.js).
import { nearestWord, prepareQuery, queryWords } from "./czech-query.js";

const PAGE_SIZE = 10;
const TYPING_PAUSE_MS = 250;
const FILTERS = ["Kraj", "Typ"];
// The page's language (its <html lang>): the texts come from the page (search.html),
// in that language; counts take its plural forms, values sort by its alphabet.
const LANGUAGE = document.documentElement.lang || "cs";
const WIDE = "(min-width: 48rem)";

function startSearch(container) {
  const form = container.querySelector(".search-form");
  const input = form.querySelector("input[type=search]");
  const view = new ResultsView(container);
  const search = new SearchSession(container, view);
  form.hidden = false;
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    search.prepare();
    timer = setTimeout(() => search.run(input.value), TYPING_PAUSE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
    search.run(input.value);
  });
  view.onFilterChange = () => search.run(input.value);
  view.onMore = () => search.showMore();
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search.run(query);
  }
}

/** One reader's searches on the page: the index opened once, the latest query run. */
class SearchSession {
  constructor(container, view) {
    this.container = container;
    this.view = view;
    this.loading = null;
    this.latest = 0;
    this.results = [];
    this.shown = 0;
  }

  /** Start loading the index and the stemmer (once). */
  prepare() {
    this.loading ??= openIndex(this.container).then((loaded) => {
      this.view.showFilters(loaded.totals);
      return loaded;
    });
    return this.loading;
  }

  /** Search for what the reader typed; say so when the index cannot be loaded. */
  async run(typed) {
    try {
      await this.search(typed);
    } catch (error) {
      console.error("Hledání selhalo:", error);
      this.loading = null; // the next keystroke tries again
      this.view.failed();
    }
  }

  async search(typed) {
    const run = ++this.latest;
    const { index, stem, markedWords } = await this.prepare();
    const query = prepareQuery(typed, stem);
    if (run !== this.latest) return;
    if (!query) {
      this.results = [];
      this.view.clear();
      this.view.updateFilters(await index.filters());
      if (typed.trim()) this.view.announce(typed, 0, null); // stop words alone
      return;
    }
    this.view.searching(typed);
    const found = await index.search(query, this.view.selectedFilters());
    if (run !== this.latest) return;
    this.results = found.results;
    this.shown = 0;
    this.view.updateFilters(found.filters);
    const suggestion =
      found.results.length === 0 ? await suggest(index, typed, stem, markedWords) : null;
    await this.showMore();
    if (run !== this.latest) return;
    this.view.announce(typed, found.results.length, suggestion);
  }

  async showMore() {
    const run = this.latest;
    const next = this.results.slice(this.shown, this.shown + PAGE_SIZE);
    const pages = await Promise.all(next.map((result) => result.data()));
    if (run !== this.latest) return;
    const first = this.shown === 0;
    this.shown += pages.length;
    this.view.addResults(pages.map(safeResult), first, this.shown < this.results.length);
  }
}

/** Return {index, stem, totals, markedWords}: the tiered index opened, the stemmer
 * (Czech pages only: an English page, <html lang="en">, searches its words as written),
 * the filter counts of the site, and the function that reads the words of an excerpt's
 * marks. */
async function openIndex(container) {
  const { Tiers, TieredIndex, markedWords } = await import("./search-tiers.js");
  const tiers = await Tiers.load(container.dataset.tiers, container.dataset.bundles);
  const czech = (document.documentElement.lang || "cs") === "cs";
  const stemmer = czech ? loadStemmer() : Promise.resolve((word) => word);
  const [index, stem] = await Promise.all([TieredIndex.open(tiers), stemmer]);
  return { index, stem, totals: await index.filters(), markedWords };
}

/** Return a function that stems a Czech word (Snowball's Czech stemmer as a small
 * script, czech-stem.js); without the stemmer, one that keeps the word. */
async function loadStemmer() {
  try {
    const { stem } = await import("./czech-stem.js");
    return stem;
  } catch (error) {
    console.warn("Hledání bez českého stemmeru:", error);
    return (word) => word;
  }
}

/** Return the query with each word the index lacks replaced by the nearest word of the
 * pages that share its beginning ("memorandun" → "memorandum"), or null. */
async function suggest(index, typed, stem, markedWords) {
  const words = queryWords(typed);
  let changed = false;
  const better = [];
  for (const word of words) {
    const prepared = prepareQuery(word, stem);
    if (!prepared || (await index.search(prepared, {})).results.length > 0) {
      better.push(word);
      continue;
    }
    const nearest = await nearestInIndex(index, word, markedWords);
    changed ||= nearest !== null;
    better.push(nearest ?? word);
  }
  return changed ? better.join(" ") : null;
}

const SHORTEST_BEGINNING = 4;

/** Return the word of the index nearest to word: among the titles and found words of
 * the pages that contain the longest beginning of word that the index knows. */
async function nearestInIndex(index, word, markedWords) {
  for (let length = word.length - 1; length >= SHORTEST_BEGINNING; length -= 1) {
    const found = await index.search(word.slice(0, length), {});
    if (found.results.length === 0) continue;
    const pages = await Promise.all(found.results.slice(0, 8).map((result) => result.data()));
    const candidates = pages.flatMap((page) => [
      ...queryWords(String(page.meta?.title ?? "")),
      ...markedWords(page.excerpt),
    ]);
    return nearestWord(word, candidates);
  }
  return null;
}

/** The form's results, filters and messages. */
class ResultsView {
  constructor(container) {
    this.texts = container.dataset;
    this.status = container.querySelector(".search-status");
    this.suggestion = container.querySelector(".search-suggestion");
    this.list = container.querySelector(".search-results");
    this.more = container.querySelector(".search-more");
    this.filters = container.querySelector(".search-filters");
    this.panel = container.querySelector(".search-filter-groups");
    this.boxes = [];
    this.onFilterChange = () => {};
    this.onMore = () => {};
    this.more.addEventListener("click", () => this.onMore());
    this.filters.open = window.matchMedia(WIDE).matches;
  }

  /** Make a checkbox for each filter value of the site (counts: {filter: {value: n}}). */
  showFilters(counts) {
    this.panel.replaceChildren();
    FILTERS.forEach((filter, group) => {
      const values = Object.keys(counts[filter] || {}).sort((a, b) => a.localeCompare(b, LANGUAGE));
      if (values.length === 0) return;
      const fieldset = this.panel.appendChild(document.createElement("fieldset"));
      const legend = this.texts[`filter${filter}`] ?? filter; // data-filter-kraj: filterKraj
      fieldset.appendChild(document.createElement("legend")).textContent = legend;
      values.forEach((value, index) => {
        fieldset.appendChild(this.checkbox(filter, value, `hledani-filtr-${group}-${index}`));
      });
    });
    this.filters.hidden = this.boxes.length === 0;
    this.updateFilters(counts);
  }

  checkbox(filter, value, id) {
    const row = document.createElement("div");
    row.className = "search-filter";
    const box = row.appendChild(document.createElement("input"));
    Object.assign(box, { type: "checkbox", id, value });
    box.dataset.filter = filter;
    box.addEventListener("change", () => this.onFilterChange());
    const label = row.appendChild(document.createElement("label"));
    label.htmlFor = id;
    label.append(value, " ");
    label.appendChild(document.createElement("span")).className = "search-filter-count";
    this.boxes.push(box);
    return row;
  }

  /** Show each value's count; hide the values no page has, unless chosen. */
  updateFilters(counts) {
    for (const box of this.boxes) {
      const count = counts[box.dataset.filter]?.[box.value] ?? 0;
      box.parentElement.querySelector(".search-filter-count").textContent = `(${count})`;
      box.parentElement.hidden = count === 0 && !box.checked;
    }
  }

  /** Return the chosen filter values, as Pagefind takes them. */
  selectedFilters() {
    const chosen = {};
    for (const box of this.boxes.filter((box) => box.checked)) {
      (chosen[box.dataset.filter] ??= { any: [] }).any.push(box.value);
    }
    return chosen;
  }

  clear() {
    this.status.textContent = "";
    this.suggestion.hidden = true;
    this.list.replaceChildren();
    this.more.hidden = true;
  }

  failed() {
    this.clear();
    this.status.textContent = this.texts.textFailed;
  }

  searching(typed) {
    this.status.textContent = fill(this.texts.textSearching, { q: typed.trim() });
  }

  announce(typed, count, suggestion) {
    const q = typed.trim();
    this.status.textContent =
      count === 0
        ? fill(this.texts.textNone, { q })
        : fill(this.texts.textFound, { q, count: resultCount(count, this.texts) });
    this.suggestion.hidden = suggestion === null;
    if (suggestion !== null) {
      const link = this.suggestion.querySelector("a");
      link.textContent = suggestion;
      link.href = `?q=${encodeURIComponent(suggestion)}`;
    }
  }

  addResults(pages, first, more) {
    if (first) this.list.replaceChildren();
    const items = pages.map(resultItem);
    this.list.append(...items);
    this.more.hidden = !more;
    if (!first && items.length > 0) items[0].querySelector("a").focus();
  }
}

/** Return a count of results in the page's language: "1 výsledek", "3 výsledky",
 * "7 výsledků" (Czech's three plural forms), "1 result", "7 results". forms holds
 * the page's texts of each form (countOne, countFew, countOther; {n} the count). */
export function resultCount(count, forms) {
  const form = new Intl.PluralRules(LANGUAGE).select(count); // "one", "few", "many", "other"
  const text = forms[`count${form[0].toUpperCase()}${form.slice(1)}`] ?? forms.countOther;
  return fill(text, { n: String(count) });
}

/** Return text with each {name} replaced by values[name]. */
function fill(text, values) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);
}

/** Return the list item of a result: its title as a link, its kind and date, its excerpt. */
function resultItem(page) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = item.appendChild(document.createElement("h2"));
  heading.className = "search-result-title";
  const link = heading.appendChild(document.createElement("a"));
  link.className = "search-result-link";
  link.href = page.url;
  link.textContent = page.title;
  const about = [page.kind, page.date].filter(Boolean).join(" · ");
  if (about) {
    const meta = item.appendChild(document.createElement("p"));
    meta.className = "search-result-meta";
    meta.textContent = about;
  }
  const excerpt = item.appendChild(document.createElement("p"));
  excerpt.className = "search-result-excerpt";
  excerpt.innerHTML = page.excerpt; // only <mark> elements and text: see safeResult
  return item;
}

/** Return what the page shows of a page of the index: its excerpt keeps only Pagefind's
 * <mark> elements as markup (all else becomes text), its link leads only to a page of
 * this site. The bundles may come from a build cache restored on another machine: what
 * they say is shown, never run. */
export function safeResult(page) {
  const title = String(page.meta?.title ?? page.url ?? "");
  return {
    url: sitePath(page.url),
    title,
    kind: String(page.filters?.Typ?.[0] ?? ""),
    date: String(page.meta?.datum ?? ""),
    excerpt: onlyMarks(page.excerpt, title),
  };
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

const EDGE_PUNCTUATION = /^([\p{P}\s]*)(.*?)([\p{P}\s]*)$/su;

/** Return HTML that shows the text of html with its <mark> elements and nothing else:
 * parsed inertly (no script runs, no image loads), then written out anew. Punctuation
 * at the edges of a mark goes outside it ("<mark>Kolín,</mark>" → "<mark>Kolín</mark>,"),
 * the title where the excerpt starts with it is left out (it is the link above), and
 * an ellipsis marks where the excerpt cuts a sentence. */
function onlyMarks(html, title) {
  const parsed = new DOMParser().parseFromString(String(html ?? ""), "text/html");
  const out = document.createElement("div");
  for (const node of parsed.body.childNodes) {
    const text = node.textContent;
    if (node.nodeName !== "MARK") {
      out.append(text);
      continue;
    }
    const [, before, word, after] = text.match(EDGE_PUNCTUATION);
    out.append(before);
    if (word) out.appendChild(document.createElement("mark")).textContent = word;
    out.append(after);
  }
  out.normalize();
  dropLeadingText(out, title);
  markCuts(out);
  return out.innerHTML;
}

/** Put an ellipsis where Pagefind's excerpt cuts a sentence: at a start in lower case,
 * at an end without a full stop. */
function markCuts(element) {
  const text = element.textContent.trim();
  if (!text) return;
  if (/^\p{Ll}/u.test(text)) element.prepend("…\u00a0");
  if (!/[.!?…“"]$/u.test(text)) element.append("\u00a0…");
}

/** Remove title (and the punctuation after it) from the start of element's text; an
 * excerpt that is only the title (a topic page's) is left empty. */
function dropLeadingText(element, title) {
  const spaced = (words) => words.replace(/\s/gu, " "); // no-break spaces too
  const text = spaced(element.textContent);
  if (!title || !text.startsWith(spaced(title))) return;
  let left = title.length + (text.slice(title.length).match(/^[.:!?]?\s*/u)?.[0].length ?? 0);
  if (left >= text.trimEnd().length) {
    element.replaceChildren();
    return;
  }
  for (const node of [...element.childNodes]) {
    if (left === 0) break;
    const length = node.textContent.length;
    if (length <= left) {
      node.remove();
      left -= length;
    } else {
      const textNode = node.nodeType === Node.TEXT_NODE ? node : node.firstChild;
      textNode.textContent = textNode.textContent.slice(left);
      left = 0;
    }
  }
}

const container = document.getElementById("hledani");
if (container) {
  startSearch(container);
}
