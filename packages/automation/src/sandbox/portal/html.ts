// HTML building blocks for the sandbox portal: escaping, the page shell, and small accessible widgets.
// Pages are server-rendered; the little client script each page needs is inlined next to its markup.

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON for embedding inside <script>: no "</script>" or HTML comment can break out. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;display:flex;min-height:100vh;color:#222}
main{flex:1;padding:1rem 2rem;max-width:70rem}
nav.side{width:12rem;background:#1f2430;padding:1rem}
nav.side a{display:block;color:#eee;padding:.4rem 0;text-decoration:none}
label{display:block;margin:.4rem 0}
section{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
[role=alert]{color:#b00020;font-weight:600}
[role=status]{color:#0a7a2f}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
[role=tablist] a,[role=tablist] button{margin-right:.5rem}
[aria-selected=true]{font-weight:700}
dialog{min-width:32rem}
`;

export interface PageOptions {
  title: string;
  body: string;
  nav?: string;
  script?: string;
}

export function page({ title, body, nav, script }: PageOptions): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${STYLE}</style></head><body>${nav ?? ''}<main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

export function alert(message: string | null | undefined): string {
  return message ? `<p role="alert">${esc(message)}</p>` : '';
}

export function status(message: string | null | undefined): string {
  return message ? `<p role="status">${esc(message)}</p>` : '';
}

export function textInput(label: string, name: string, value: string | number | null | undefined, extra = ''): string {
  return `<label>${esc(label)} <input type="text" name="${esc(name)}" value="${esc(value ?? '')}" ${extra}></label>`;
}

/** A textarea labelled with for/id: a wrapping label would make its text part of the label's name. */
export function textArea(label: string, name: string, value: string): string {
  return `<label for="ta-${esc(name)}">${esc(label)}</label> <textarea id="ta-${esc(name)}" name="${esc(name)}">${esc(value)}</textarea>`;
}

export function checkbox(label: string, name: string, checked: boolean, extra = ''): string {
  return `<label><input type="checkbox" name="${esc(name)}" value="on" ${checked ? 'checked' : ''} ${extra}> ${esc(label)}</label>`;
}

export function select(label: string, name: string, options: readonly (readonly [string, string])[], value: string): string {
  const opts = options
    .map(([v, text]) => `<option value="${esc(v)}" ${v === value ? 'selected' : ''}>${esc(text)}</option>`)
    .join('');
  return `<label>${esc(label)} <select name="${esc(name)}">${opts}</select></label>`;
}

export function radios(legend: string, name: string, options: readonly (readonly [string, string])[], value: string): string {
  const inner = options
    .map(
      ([v, text]) =>
        `<label><input type="radio" name="${esc(name)}" value="${esc(v)}" ${v === value ? 'checked' : ''}> ${esc(text)}</label>`,
    )
    .join('');
  return `<fieldset><legend>${esc(legend)}</legend>${inner}</fieldset>`;
}

/**
 * The page a crash fault serves: a worker grows its V8 heap until it runs out, and V8's out-of-memory is
 * fatal for the whole renderer process, so Chromium reports the tab as crashed. A worker's heap fills in
 * seconds where the page's own would take much longer.
 */
export function crashingPage(): string {
  return page({
    title: 'Loading…',
    body: '<h1>Loading…</h1>',
    script:
      "const src='const hog=[];for(;;){hog.push(new Array(2**24).fill(1.5));}';" +
      "new Worker(URL.createObjectURL(new Blob([src],{type:'text/javascript'})));",
  });
}
