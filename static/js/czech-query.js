// Czech search queries for Pagefind, which has no Czech stemmer: each word becomes the
// part that all its inflected forms share, and Pagefind finds the words that start
// with it. "Chebu" becomes "cheb", "memoranda" "memorand", "ve Žluticích" "žluti".
//
// The stem comes from Snowball's Czech stemmer (after Dolamic and Savoy's light stemmer:
// case and possessive endings go, softened consonants are hardened).
// Where the stemmer changes a consonant ("žluticích" → "žlutik"), the query keeps only
// the part the stem shares with the word ("žluti"), so that it is still the beginning of
// the indexed forms ("Žlutice"). Where the stemmer keeps a consonant that an ending in -e
// or -i softened ("Smržovce" → "smržovc", of "Smržovka"), the query drops it ("smržov").

// Czech stop words: prepositions, conjunctions, particles and the forms of "být".
// Pagefind wants every query word on a page and takes each as the beginning of words,
// so these would only find other words ("ve" of "velký", "je" of "jejich"): they are
// left out of every query, and a query of nothing else searches for nothing.
const STOP_WORDS = new Set(
  (
    "a aby ale ani až bez by co do i jak jako je jen již jsem jsme jsou jste k ke ku " +
    "kde když mezi na nad nebo než o od po pod pro před přes při s se si tak také " +
    "to u v ve však z za ze že"
  ).split(" ")
);
const SHORTEST_PREFIX = 3;
// Long vowels and soft consonants that a reader typing without diacritics leaves out:
// the stemmer's endings are written with them ("-ích", "-ách", "-ům").
const ACCENTS = { a: "á", e: "éě", i: "í", u: "ůú", y: "ý", t: "ť", n: "ň" };
const ENDING_LENGTH = 3;
// Consonants that stand for another before -e and -i: k → c, h → z, ch → š, r → ř.
const SOFTENED = /[cčzžřš]$/u;
const SOFTENING = /^[eěií]/u;

/** Return the query Pagefind should run for what the reader typed ("" for stop words
 * alone). */
export function prepareQuery(query, stem) {
  return queryWords(query)
    .map((word) => prefixOfForms(word, stem))
    .join(" ");
}

/** Return the words of query in lower case, without stop words. */
export function queryWords(query) {
  return splitWords(query.toLocaleLowerCase("cs")).filter((word) => !STOP_WORDS.has(word));
}

/** Return the words of text; an abbreviation with dots inside ("o.p.s.") stays one word,
 * a word at the end of a sentence ("regionu.") loses its full stop. */
function splitWords(text) {
  return text
    .split(/\s+/u)
    .map((token) => token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.]+$/gu, ""))
    .flatMap((token) => (/\p{L}\.\p{L}/u.test(token) ? [token] : token.match(/[\p{L}\p{N}]+/gu) || []));
}

/** Return the beginning that the inflected forms of word share. */
export function prefixOfForms(word, stem) {
  if (/[\p{N}.]/u.test(word)) {
    return word;
  }
  const prefixOf = (form) => unsoftened(word, sharedPrefix(word, fold(stem(form))));
  const written = unsoftened(word, sharedPrefix(word, stem(word)));
  const prefixes = hasDiacritics(word) ? [written] : [written, ...accentedEndings(word).map(prefixOf)];
  const long = prefixes.filter((prefix) => prefix.length >= SHORTEST_PREFIX);
  if (long.length === 0) {
    return word;
  }
  return long.reduce((shortest, prefix) => (prefix.length < shortest.length ? prefix : shortest));
}

function sharedPrefix(word, stemmed) {
  let length = 0;
  while (length < word.length && word[length] === stemmed[length]) {
    length += 1;
  }
  return word.slice(0, length);
}

/** Return prefix without its last consonant when word softened it before its ending. */
function unsoftened(word, prefix) {
  const ending = word.slice(prefix.length);
  return SOFTENED.test(prefix) && SOFTENING.test(ending) ? prefix.slice(0, -1) : prefix;
}

function hasDiacritics(word) {
  return fold(word) !== word;
}

function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "");
}

/** Return word with the diacritics its ending may have lost, in every combination. */
function accentedEndings(word) {
  const start = Math.max(0, word.length - ENDING_LENGTH);
  let forms = [word.slice(0, start)];
  for (const letter of word.slice(start)) {
    const choices = [letter, ...(ACCENTS[letter] || "")];
    forms = forms.flatMap((form) => choices.map((choice) => form + choice));
  }
  return forms.filter((form) => form !== word);
}

const MOST_EDITS = 2;

/** Return the word of candidates nearest to word (fewest letters to change, diacritics
 * aside), if at most MOST_EDITS and less than a third of its letters; else null. */
export function nearestWord(word, candidates) {
  const folded = fold(word);
  let best = null;
  let bestDistance = Math.min(MOST_EDITS, Math.ceil(word.length / 3) - 1);
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(folded, fold(candidate));
    if (distance > 0 && distance <= bestDistance && (best === null || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Return the Levenshtein distance of a and b. */
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const change = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(change, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return previous[b.length];
}
