// The original's menu cleaning rules (original-system §5.1), applied per field.
// Descriptions and names lose the platform's badge phrases; tags also lose percentages and "(30)" counts,
// which in names or descriptions could be real content ("100% beef", "Dumplings (6)").

const PHRASES = ['Plus small', 'Thumb up outline', 'No. 1 most liked', 'No. 2 most liked', 'No. 3 most liked'];
const PHRASE_RE = new RegExp(PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');

function tidy(s: string): string {
  return s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/;\s*;+/g, ';')
    .replace(/,\s*,+/g, ',')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s+([,;])/g, '$1')
    .replace(/^[\s;,]+|[\s;,]+$/g, '');
}

export function cleanText(s: string): string {
  let prev: string;
  let out = s.replace(PHRASE_RE, '');
  do {
    prev = out;
    out = tidy(out);
  } while (out !== prev);
  return out;
}

export function cleanTagText(s: string): string {
  return cleanText(s.replace(PHRASE_RE, '').replace(/\b\d+(\.\d+)?%/g, '').replace(/\(\s*\d+\s*\)/g, ''));
}

/** Tags are written with ',' or ';' between them; both split. Order kept, duplicates dropped. */
export function splitTags(raw: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of cleanTagText(raw).split(/[;,]/)) {
    const tag = part.trim().replace(/\s+/g, ' ');
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

export function joinTags(tags: readonly string[]): string {
  return cleanText(tags.join(', '));
}
