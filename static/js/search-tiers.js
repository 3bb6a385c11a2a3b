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
//     one index puts it. Each bundle's pages carry a filter of their own (Pagefind's
//     mergeFilter), which tells on how many pages of each bundle each word of a query
//     is; each bundle's results are searched apart and their scores weighed by how
//     rare the query's words are in the whole site against how rare in the bundle.
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

const TIER = "tier";
/** A filter Pagefind gives every page of a bundle (mergeFilter): the bundle's number. */

/** The bundles of the tiers merged into one Pagefind index. */
export class TieredIndex {
  constructor(tiers, pagefind, queue, pageCounts) {
    this.tiers = tiers;
    this.pagefind = pagefind;
    this.queue = queue;
    this.pageCounts = pageCounts;
  }

  /** Open the first bundle of tiers with its Pagefind script and merge the others. */
  static async open(tiers) {
    const [first, ...others] = tiers.bundles;
    const pagefind = await import(first + "pagefind.js");
    const queue = new Queue();
    const options = { basePath: first, excerptLength: 24, mergeFilter: { [TIER]: "0" } };
    await queue.run(() => pagefind.options(options));
    for (const [index, bundle] of others.entries()) {
      const mergeFilter = { [TIER]: String(index + 1) };
      await queue.run(() => pagefind.mergeIndex(bundle, { mergeFilter }));
    }
    const counts = await queue.run(() => pagefind.filters());
    const pageCounts = tiers.bundles.map((_bundle, index) => counts[TIER]?.[index] ?? 0);
    return new TieredIndex(tiers, pagefind, queue, pageCounts);
  }

  /** Return the number of pages of the site: every bundle's, less the stale ones. */
  pages() {
    const all = this.pageCounts.reduce((sum, count) => sum + count, 0);
    return Math.max(1, all - this.tiers.stale.size);
  }

  /** Return the filter counts of the whole site: {filter: {value: count}}. */
  async filters() {
    const counts = await this.queue.run(() => this.pagefind.filters());
    return subtractPages(withoutTier(counts), [...this.tiers.stale.values()]);
  }

  /** Search for query (as Pagefind takes it) among the pages that pass filters;
   * return {results, filters}: results best first, each {id, score, data()}, without
   * stale pages, and the filter counts of those results. */
  async search(query, filters) {
    const words = query.split(/\s+/u).filter(Boolean);
    const byWord = [];
    for (const word of words) {
      byWord.push(await this.queue.run(() => this.pagefind.search(word)));
    }
    const weights = this.weights(byWord);
    const results = [];
    const stale = [];
    const counts = [];
    for (const [bundle, weight] of weights.entries()) {
      if (!(await this.knowsAll(words, bundle))) continue;
      const options = { filters: { ...filters, [TIER]: String(bundle) } };
      const found = await this.queue.run(() => this.pagefind.search(query, options));
      counts.push(withoutTier(found.filters));
      for (const result of found.results) {
        if (this.tiers.stale.has(result.id)) {
          stale.push(this.tiers.stale.get(result.id));
        } else {
          results.push({ id: result.id, score: result.score * weight, data: result.data });
        }
      }
    }
    results.sort((a, b) => b.score - a.score);
    const merged = counts.length > 0 ? mergeCounts(counts) : zeroCounts(await this.filters());
    return { results, filters: subtractPages(merged, stale) };
  }

  /** Return whether every one of words begins a word of a page of bundle. For a word
   * that none of its pages has, Pagefind finds the longest beginning of the word that
   * some page has ("ho" of "housing"); the marked words of the first page it finds
   * then do not begin with the word. */
  async knowsAll(words, bundle) {
    const options = { filters: { [TIER]: String(bundle) } };
    for (const word of words) {
      const found = await this.queue.run(() => this.pagefind.search(word, options));
      const first = found.results.find((result) => !this.tiers.stale.has(result.id));
      if (!first) return false;
      const marks = markedWords((await first.data()).excerpt);
      if (marks.length > 0 && !marks.some((mark) => fold(mark).startsWith(fold(word)))) {
        return false;
      }
    }
    return true;
  }

  /** Return each bundle's weight for a query whose words found byWord (Pagefind's
   * searches for each word alone): how rare the words are in the whole site against
   * how rare they are in the bundle (sums of BM25's idf). */
  weights(byWord) {
    if (this.pageCounts.length === 1) {
      return [1];
    }
    const inBundle = (found, bundle) => found.filters?.[TIER]?.[bundle] ?? 0;
    const live = (found) => found.results.filter((r) => !this.tiers.stale.has(r.id)).length;
    const siteIdf = byWord.reduce((sum, found) => sum + idf(this.pages(), live(found)), 0);
    return this.pageCounts.map((pages, bundle) => {
      const bundleIdf = byWord.reduce(
        (sum, found) => sum + idf(Math.max(1, pages), inBundle(found, bundle)),
        0
      );
      return bundleIdf > 0 ? siteIdf / bundleIdf : 1;
    });
  }
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

/** Return the sum of filter counts ({filter: {value: count}}). */
export function mergeCounts(all) {
  const merged = {};
  for (const counts of all) {
    for (const [filter, values] of Object.entries(counts || {})) {
      merged[filter] ??= {};
      for (const [value, count] of Object.entries(values)) {
        merged[filter][value] = (merged[filter][value] || 0) + count;
      }
    }
  }
  return merged;
}

/** Return a copy of filter counts without the bundles' own filter. */
function withoutTier(counts) {
  const { [TIER]: _tiers, ...others } = structuredClone(counts || {});
  return others;
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
