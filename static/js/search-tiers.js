// The site's search index in tiers, searched as one index. The build writes
// /pagefind-tiers.json: a few large base bundles made at the last compaction, then a
// small delta bundle of the pages added or changed since, and the base's "stale" pages
// (changed since, or removed), which are never shown. Each bundle is a Pagefind
// instance of its own; this module merges their results the way one index would:
//   - stale pages are dropped before anything is counted or paged, and the filter
//     counts lose their values;
//   - each bundle scores a word by its own statistics (BM25's idf: how rare the word is
//     among the bundle's pages), so a page of a small delta would rank far below where
//     one index puts it. Each bundle's scores are weighed by how rare the query's words
//     are in the whole site against how rare they are in that bundle.
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

/** The bundles of the tiers, each a Pagefind instance, searched as one index. */
export class TieredIndex {
  constructor(tiers, instances, pageCounts) {
    this.tiers = tiers;
    this.instances = instances;
    this.pageCounts = pageCounts;
  }

  /** Open every bundle of tiers with Pagefind's script from the first. */
  static async open(tiers) {
    const pagefind = await import(tiers.bundles[0] + "pagefind.js");
    // One after another: Pagefind's shared worker fails when instances start at once.
    const instances = [];
    for (const bundle of tiers.bundles) {
      const instance = pagefind.createInstance({ basePath: bundle, excerptLength: 24 });
      await instance.init();
      instances.push(instance);
    }
    const pageCounts = await Promise.all(tiers.bundles.map(pageCount));
    return new TieredIndex(tiers, instances, pageCounts);
  }

  /** Return the pages of the site as one index holds them: every bundle's, less stale. */
  pages() {
    const all = this.pageCounts.reduce((sum, count) => sum + count, 0);
    return Math.max(1, all - this.tiers.stale.size);
  }

  /** Return the filter counts of the whole site: {filter: {value: count}}. */
  async filters() {
    const counts = await Promise.all(this.instances.map((instance) => instance.filters()));
    const stale = [...this.tiers.stale.values()];
    return subtractPages(mergeCounts(counts), stale);
  }

  /** Search for query (as Pagefind takes it) among the pages that pass filters;
   * return {results, filters}: results best first, each {id, score, data()}, without
   * stale pages, and the filter counts of those results. A query with a word that no
   * page has finds nothing (Pagefind itself would find the word's first letters). */
  async search(query, filters) {
    const words = query.split(/\s+/u).filter(Boolean);
    const [found, byWord] = await Promise.all([
      Promise.all(this.instances.map((instance) => instance.search(query, { filters }))),
      this.searchWords(words),
    ]);
    if (!(await this.knowsAll(words, byWord))) {
      return { results: [], filters: zeroCounts(mergeCounts(found.map((s) => s.filters))) };
    }
    const weights = this.weights(byWord);
    const results = [];
    const stale = [];
    found.forEach((search, bundle) => {
      for (const result of search.results) {
        if (this.tiers.stale.has(result.id)) {
          stale.push(this.tiers.stale.get(result.id));
        } else {
          results.push({ id: result.id, score: result.score * weights[bundle], data: result.data });
        }
      }
    });
    results.sort((a, b) => b.score - a.score);
    const counts = mergeCounts(found.map((search) => search.filters));
    return { results, filters: subtractPages(counts, stale) };
  }

  /** Return, for each bundle, for each of words, the results of searching it alone. */
  searchWords(words) {
    return Promise.all(
      this.instances.map((instance) =>
        Promise.all(words.map((word) => instance.search(word).then((search) => search.results)))
      )
    );
  }

  /** Return whether every one of words begins a word of some page. Pagefind finds the
   * longest beginning of a word it lacks ("ho" of "housing"); its first page's marked
   * words then do not begin with the word. */
  async knowsAll(words, byWord) {
    for (const [index, word] of words.entries()) {
      const first = byWord.map((bundle) => bundle[index][0]).find(Boolean);
      if (!first) return false;
      const marks = markedWords((await first.data()).excerpt);
      if (marks.length > 0 && !marks.some((mark) => fold(mark).startsWith(fold(word)))) {
        return false;
      }
    }
    return true;
  }

  /** Return each bundle's weight for the words of a query (byWord: searchWords()): how
   * rare the words are in the whole site against how rare they are in the bundle (sums
   * of BM25's idf). One bundle weighs 1. */
  weights(byWord) {
    if (this.instances.length === 1) {
      return [1];
    }
    const live = (results) => results.filter((result) => !this.tiers.stale.has(result.id)).length;
    const words = byWord[0].map((_results, index) => index);
    const inSite = words.map((index) => byWord.reduce((sum, bundle) => sum + live(bundle[index]), 0));
    const siteIdf = inSite.reduce((sum, count) => sum + idf(this.pages(), count), 0);
    return byWord.map((bundle, index) => {
      const bundleIdf = bundle.reduce(
        (sum, results) => sum + idf(this.pageCounts[index], results.length),
        0
      );
      return bundleIdf > 0 ? siteIdf / bundleIdf : 1;
    });
  }
}

/** BM25's inverse document frequency of a word on count of pages pages. */
export function idf(pages, count) {
  return Math.log((pages - count + 0.5) / (count + 0.5) + 1);
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
