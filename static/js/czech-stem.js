// Snowball's Czech stemmer as plain JavaScript (Snowball 3.1.1, vendored by
// `make vendor-stemmer-js`): the same stems as the WebAssembly build in
// vendor/multilingual-stemmer/, in about 23 KB instead of 376 KB.
import CzechStemmer from "./vendor/snowball-czech/czech-stemmer.js";

const stemmer = new CzechStemmer();

/** Return the Snowball Czech stem of word (lower case, as the search page gives it). */
export function stem(word) {
  return stemmer.stem(word);
}
