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

// Prepositions and conjunctions: Pagefind wants every query word on the page, and these
// would only count as the beginnings of other words ("ve" of "velký").
const FUNCTION_WORDS = new Set(
  (
    "a ale ani bez do i k ke ku mezi na nad nebo o od po pod pro před přes při s se " +
    "u v ve z za ze"
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

/** Return the query Pagefind should run for what the reader typed. */
export function prepareQuery(query, stem) {
  const words = splitWords(query.toLocaleLowerCase("cs"));
  const content = words.filter((word) => !FUNCTION_WORDS.has(word));
  const kept = content.length > 0 ? content : words;
  return kept.map((word) => prefixOfForms(word, stem)).join(" ");
}

/** Return the words of query; an abbreviation with dots ("o.p.s.") stays one word. */
function splitWords(query) {
  return query
    .split(/\s+/u)
    .map((token) => token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.]+$/gu, ""))
    .flatMap((token) => (/\p{L}\./u.test(token) ? [token] : token.match(/[\p{L}\p{N}]+/gu) || []));
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
