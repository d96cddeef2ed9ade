/**
 * Folding of organization names and typed text for matching: lower case, ё → е, quotes and punctuation → spaces, so
 * «Лицей № 11», "лицей №11" and ЛИЦЕЙ 11 all become the words `лицей 11`. The same table is given to PostgreSQL's
 * translate() (character by character), so both sides fold alike.
 */
const PUNCTUATION = '«»„“”"\'`.,;:()[]{}/\\-–—№#!?+*';
export const SEARCH_PLAIN = `ё${PUNCTUATION}`;
export const SEARCH_FOLDED = `е${' '.repeat(PUNCTUATION.length)}`;

/** Longest typed text matched at all (the stored name's limit), words kept, and the longest word. */
export const SEARCH_MAX_LENGTH = 300;
const MAX_WORDS = 8;
const MAX_WORD = 60;

/** The words of a name or a typed text, folded (empty when the text is too long to be a name). */
export function searchWords(text: string): string[] {
  if (text.length > SEARCH_MAX_LENGTH) return [];
  let folded = '';
  for (const ch of text.toLowerCase()) {
    const i = SEARCH_PLAIN.indexOf(ch);
    folded += i < 0 ? ch : SEARCH_FOLDED[i];
  }
  const words: string[] = [];
  for (const word of folded.split(/\s+/)) if (word && !words.includes(word)) words.push(word);
  return words;
}

/** Two names are the same registry entry when their folded words are the same, in the same order. */
export function sameName(a: string, b: string): boolean {
  const x = searchWords(a);
  return x.length > 0 && x.join(' ') === searchWords(b).join(' ');
}

/**
 * ILIKE patterns for the typed words (every one must match; single letters are left out): a number matches a whole word (`5` is not `53`), other
 * words match a word start (`лиц` finds «Лицей»). `\`, `%` and `_` typed by the user are escaped, so they match
 * literally; nothing of the user's text becomes a regular expression.
 */
export function searchPatterns(text: string): string[] {
  return (
    searchWords(text)
      // one letter («г.» of «г. Миасса», a stray «и») narrows nothing down
      .filter((w) => w.length <= MAX_WORD && (w.length > 1 || isNumber(w)))
      .slice(0, MAX_WORDS)
      .map((w) => {
        const escaped = w.replace(/[\\%_]/g, (c) => `\\${c}`);
        return isNumber(w) ? `% ${escaped} %` : `% ${escaped}%`;
      })
  );
}

function isNumber(word: string): boolean {
  for (const ch of word) if (ch < '0' || ch > '9') return false;
  return true;
}
