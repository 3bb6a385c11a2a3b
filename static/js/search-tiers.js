// The site's search index in tiers, searched as one index. The build writes
// /pagefind-tiers.json: a few large base bundles made at the last compaction, then a
// small delta bundle of the pages added or changed since, and the base's "stale" pages
// (changed since, or removed), which are never shown. Pagefind's script of the first
// bundle opens it and merges the others (mergeIndex); this module makes their results
// those of one index:
//   - stale pages are dropped before anything is counted or paged, and the filter
//     counts lose their values;
//   - each bundle scores a word by its own statistics (BM25's idf: how rare the word is
//     among the bundle's pages), so a page of a small delta would rank far below where
//     one index puts it. Each bundle's scores are weighed (Pagefind's indexWeight) by
//     how much a rare word weighs in the whole site against in the bundle: a title's
//     words are rare, so an edited item ranks for its title as it did before the edit.
//     (A word on many pages then weighs more in the delta than in one index would: a
//     small lift for pages changed since the last compaction.)
//   - a word that no page has finds nothing: Pagefind alone would find the longest
//     beginning of it that some page has ("ho" of "housing").
// Nothing here is loaded before the reader searches (search.js imports it then).

/** The tiers of the index: the bundles to search and the base's pages not to show. */
export class Tiers {
  constructor(bundles, stale) {
    this.bundles = bundles;
    this.stale = new Map(stale.map((page) => [page.id, page.filters || {}]));
  }

  /** Return the tiers at address (the tiers file), or the bundles of fallback (their
   * addresses, separated by spaces) when the site has no tiers file. */
  static async load(address, fallback) {
    const bundlesOf = (text) => String(text ?? "").split(" ").filter(Boolean);
    const response = address ? await fetch(address).catch(() => null) : null;
    if (!response || !response.ok) {
      return new Tiers(bundlesOf(fallback), []);
    }
    const tiers = await response.json();
    const bundles = (tiers.bundles || []).filter((bundle) => typeof bundle === "string");
    const stale = (tiers.stale || []).filter((page) => page && typeof page.id === "string");
    return new Tiers(bundles.length > 0 ? bundles : bundlesOf(fallback), stale);
  }
}

/** The bundles of the tiers merged into one Pagefind index. */
export class TieredIndex {
  constructor(tiers, pagefind, queue) {
    this.tiers = tiers;
    this.pagefind = pagefind;
    this.queue = queue;
  }

  /** Open the first bundle of tiers with its Pagefind script and merge the others, each
   * weighed by weightOf() for its number of pages. */
  static async open(tiers) {
    const [first, ...others] = tiers.bundles;
    const pagefind = await import(first + "pagefind.js");
    const counts = await Promise.all(tiers.bundles.map(pageCount));
    const pages = Math.max(1, counts.reduce((sum, count) => sum + count, 0) - tiers.stale.size);
    const queue = new Queue();
    await queue.run(() =>
      pagefind.options({ basePath: first, excerptLength: 24, indexWeight: weightOf(pages, counts[0]) })
    );
    for (const [index, bundle] of others.entries()) {
      const indexWeight = weightOf(pages, counts[index + 1]);
      await queue.run(() => pagefind.mergeIndex(bundle, { indexWeight }));
    }
    return new TieredIndex(tiers, pagefind, queue);
  }

  /** Return the filter counts of the whole site: {filter: {value: count}}. */
  async filters() {
    const counts = await this.queue.run(() => this.pagefind.filters());
    return subtractPages(structuredClone(counts), [...this.tiers.stale.values()]);
  }

  /** Search for query (as Pagefind takes it) among the pages that pass filters;
   * return {results, filters}: results best first, each {id, score, data()}, without
   * stale pages, and the filter counts of those results. */
  async search(query, filters) {
    const words = query.split(/\s+/u).filter(Boolean);
    if (!(await this.knowsAll(words))) {
      return { results: [], filters: zeroCounts(await this.filters()) };
    }
    const found = await this.queue.run(() => this.pagefind.search(query, { filters }));
    const results = found.results.filter((result) => !this.tiers.stale.has(result.id));
    const stale = found.results
      .filter((result) => this.tiers.stale.has(result.id))
      .map((result) => this.tiers.stale.get(result.id));
    return { results, filters: subtractPages(structuredClone(found.filters), stale) };
  }

  /** Return whether every one of words begins a word of some page. For a word that no
   * page has, Pagefind finds the longest beginning of it that some page has; the
   * marked words of its first page then do not begin with the word. */
  async knowsAll(words) {
    for (const word of words) {
      const found = await this.queue.run(() => this.pagefind.search(word));
      const first = found.results.find((result) => !this.tiers.stale.has(result.id));
      if (!first) return false;
      const marks = markedWords((await first.data()).excerpt);
      if (marks.length > 0 && !marks.some((mark) => fold(mark).startsWith(fold(word)))) {
        return false;
      }
    }
    return true;
  }
}

/** Return the weight of a bundle of count pages in a site of pages: the idf of a word
 * on one page of the site against that of a word on one page of the bundle. */
export function weightOf(pages, count) {
  return idf(pages, 1) / idf(Math.max(1, count), 1);
}

/** Runs one task at a time: Pagefind's calls wait for each other. (Two Pagefind
 * instances made apart, by createInstance(), share its WebAssembly module and corrupt
 * each other's memory: "unreachable", "memory access out of bounds"; merged instances
 * share it safely.) */
class Queue {
  constructor() {
    this.last = Promise.resolve();
  }

  run(task) {
    const result = this.last.then(task);
    this.last = result.catch(() => {});
    return result;
  }
}

/** BM25's inverse document frequency of a word on count of pages pages. */
export function idf(pages, count) {
  return Math.log((pages - count + 0.5) / (count + 0.5) + 1);
}

/** Return counts less the filter values of pages ({filter: [value, ...]} each). */
export function subtractPages(counts, pages) {
  for (const filters of pages) {
    for (const [filter, values] of Object.entries(filters)) {
      for (const value of values) {
        if (counts[filter] && counts[filter][value] !== undefined) {
          counts[filter][value] = Math.max(0, counts[filter][value] - 1);
        }
      }
    }
  }
  return counts;
}

/** Return the number of pages of the bundle at address (its entry file says). */
async function pageCount(bundle) {
  try {
    const entry = await (await fetch(bundle + "pagefind-entry.json")).json();
    return Object.values(entry.languages).reduce((sum, language) => sum + language.page_count, 0);
  } catch {
    return 1;
  }
}

/** Return counts with every count 0. */
function zeroCounts(counts) {
  for (const values of Object.values(counts)) {
    for (const value of Object.keys(values)) values[value] = 0;
  }
  return counts;
}

/** Return the lower-case words of html's <mark> elements. */
export function markedWords(html) {
  const parsed = new DOMParser().parseFromString(String(html ?? ""), "text/html");
  return [...parsed.querySelectorAll("mark")].flatMap(
    (mark) => mark.textContent.toLocaleLowerCase("cs").match(/[\p{L}\p{N}]+/gu) || []
  );
}

function fold(text) {
  return text.toLocaleLowerCase("cs").normalize("NFD").replace(/\p{M}/gu, "");
}
