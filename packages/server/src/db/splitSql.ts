// Splits a SQL script into top-level statements, so the migrator can run them one by one and name the
// statement that failed. Understands what our migrations (and Supabase's) contain: quoted strings and
// identifiers, E'' strings, dollar quoting, line and nested block comments.

export interface SqlStatement {
  /** The statement text, trimmed, without the terminating semicolon. */
  text: string;
  /** 1-based line of the statement's first character in the script. */
  line: number;
}

export function splitSqlStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;

  const push = (end: number) => {
    const offset = skipLeadingComments(script, start, end);
    const text = script.slice(offset, end).trim();
    if (text !== '') statements.push({ text, line: lineAt(script, offset) });
  };

  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1]!) && !/[\w$]/.test(script[i - 2] ?? ' ');
      i = skipQuoted(script, i, "'", escapes);
    } else if (c === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(script.slice(i));
      if (tag && !/[\w$]/.test(script[i - 1] ?? ' ')) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        if (close === -1) throw new Error(`Unterminated dollar-quoted string ${tag[0]} starting at line ${lineAt(script, i)}`);
        i = close + tag[0].length;
      } else {
        i += 1;
      }
    } else if (c === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  push(n);
  return statements;
}

function skipBlockComment(script: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (script.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new Error(`Unterminated block comment starting at line ${lineAt(script, from)}`);
}

function skipQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < script.length) {
    const c = script[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (script[i + 1] === quote) i += 2; // doubled quote inside the literal
      else return i + 1;
    } else {
      i += 1;
    }
  }
  throw new Error(`Unterminated ${quote === "'" ? 'string' : 'quoted identifier'} starting at line ${lineAt(script, from)}`);
}

/** The offset of the statement's first token: leading blanks and comments belong to no statement. */
function skipLeadingComments(script: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    if (/\s/.test(script[i]!)) i += 1;
    else if (script.startsWith('--', i)) {
      const eol = script.indexOf('\n', i);
      i = eol === -1 || eol > end ? end : eol + 1;
    } else if (script.startsWith('/*', i)) i = Math.min(skipBlockComment(script, i), end);
    else break;
  }
  return i;
}

function lineAt(script: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (script.charCodeAt(i) === 10) line += 1;
  return line;
}
