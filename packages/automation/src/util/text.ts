// Small text helpers shared by the sandbox's search and the importers: accent folding and tokenising.
// Matching folds macrons (NFD + strip combining marks) but display keeps the original spelling.

export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}

/** Lower-cased, accent-folded tokens; apostrophes vanish ("T'S" -> "ts"), other punctuation splits. */
export function tokens(s: string): string[] {
  return foldAccents(s)
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/&/g, ' and ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/** Key for "same thing" comparisons (dish names, lead names): folded, casefolded, single-spaced. */
export function normaliseKey(s: string): string {
  return tokens(s).join(' ');
}
