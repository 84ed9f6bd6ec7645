// Display forms of people's names the register writes in capitals ("Aroha Mere Jane TEST-WIREMU").
// Only all-capital words are re-cased, so a name already written "McDonald" or "DeVries" is left alone.

/** Surname particles written lower-case inside a surname ("Van der Berg", "Da Silva" keeps its first word). */
const PARTICLES = new Set(['van', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'von', 'dos', 'das', 'ten', 'ter']);

/**
 * "Mac" is a prefix only in these surnames; elsewhere it is part of the word (Mack, Machin, Macey, Mace).
 * The list favours the common Scottish and Irish names seen in NZ registers.
 */
const MAC_NAMES = new Set([
  'macdonald', 'macleod', 'mackenzie', 'macarthur', 'macintyre', 'macmillan', 'macgregor', 'maclean', 'macpherson',
  'mackay', 'macaulay', 'macfarlane', 'mackintosh', 'macrae', 'macneil', 'maclennan', 'macdougall', 'macinnes',
  'mackinnon', 'maccallum', 'macdonnell', 'macgillivray', 'maclachlan', 'macnab', 'macquarie', 'macbeth', 'maccormick',
  'macnamara', 'macalister', 'macaskill', 'maccarthy', 'macfadyen', 'maciver', 'mackinlay', 'maclaren', 'macleay',
  'macmahon', 'macmaster', 'macnaughton', 'macphail', 'macquarrie', 'macswan', 'macdermott', 'macewan', 'macfie',
]);

const ROMAN = /^(II|III|IV|VI|VII|VIII|IX)$/;

function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
}

/** Re-case one all-capital word (no spaces): hyphen and apostrophe parts, Mc/Mac prefixes. */
function caseWord(word: string): string {
  return word
    .split('-')
    .map((part) => {
      // O'BRIEN, D'ARCY -> O'Brien, D'Arcy
      const ap = /^([A-Za-z])(['’])(.+)$/.exec(part);
      if (ap) return `${(ap[1] ?? '').toUpperCase()}${ap[2]}${cap(ap[3] ?? '')}`;
      const lower = part.toLowerCase();
      if (lower.startsWith('mc') && lower.length > 3) return `Mc${cap(lower.slice(2))}`;
      if (MAC_NAMES.has(lower)) return `Mac${cap(lower.slice(3))}`;
      return cap(part);
    })
    .join('-');
}

function isAllCaps(w: string): boolean {
  return /\p{Lu}/u.test(w) && w === w.toUpperCase() && w.replace(/[^\p{L}]/gu, '').length > 1;
}

/**
 * Title-case a surname or a whole name. `surnameStart` is the index of the surname's first word when
 * known (particles after it are lower-cased; the surname's first word is always capitalised).
 */
export function titleCaseName(name: string, surnameStart?: number): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (surnameStart === undefined) {
    // Unknown split: a run of particles just before the last word starts the surname ("... VAN DER BERG").
    let i = words.length - 1;
    while (i - 1 > 0 && PARTICLES.has((words[i - 1] ?? '').toLowerCase())) i--;
    if (i < words.length - 1) surnameStart = i;
  }
  return words
    .map((w, i) => {
      if (!isAllCaps(w) || ROMAN.test(w)) return w;
      const lower = w.toLowerCase();
      const inSurname = surnameStart !== undefined && i > surnameStart;
      if (inSurname && PARTICLES.has(lower)) return lower;
      return caseWord(w);
    })
    .join(' ');
}

export interface PersonName {
  firstName?: string | null;
  middleNames?: string | null;
  lastName?: string | null;
}

/** { display: "Aroha Test-Wiremu", full: "Aroha Mere Jane Test-Wiremu", legal: "Aroha Mere Jane TEST-WIREMU" } */
export function personNames(p: PersonName): { display: string; full: string; legal: string } {
  const first = (p.firstName ?? '').trim();
  const middle = (p.middleNames ?? '').trim();
  const last = (p.lastName ?? '').trim();
  const given = [first, middle].filter(Boolean).join(' ').replace(/\s+/g, ' ');
  const legal = [given, last].filter(Boolean).join(' ').replace(/\s+/g, ' ');
  const words = (s: string) => (s ? s.split(' ').length : 0);
  const display = [first.split(/\s+/)[0] ?? '', last].filter(Boolean).join(' ').replace(/\s+/g, ' ');
  return {
    display: titleCaseName(display, last ? words(first.split(/\s+/)[0] ?? '') : undefined),
    full: titleCaseName(legal, last ? words(given) : undefined),
    legal,
  };
}
