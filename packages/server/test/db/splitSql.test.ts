// The migrator's statement splitter: semicolons inside strings, identifiers, dollar quotes and comments
// do not end a statement, and each statement knows its line.
import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../src/db/splitSql';

describe('splitSqlStatements', () => {
  it('splits on top-level semicolons only', () => {
    const script = [
      "-- leading comment; not a statement",
      "create table t (a text default 'x;y', \"b;c\" int);",
      "insert into t values (E'it\\'s; fine', 1);",
      "create function f() returns int language plpgsql as $$ begin return 1; end; $$;",
      "do $body$ begin perform 1; /* ; */ end $body$;",
      "/* block /* nested; */ comment */ select 1",
    ].join('\n');
    expect(splitSqlStatements(script)).toEqual([
      { text: "create table t (a text default 'x;y', \"b;c\" int)", line: 2 },
      { text: "insert into t values (E'it\\'s; fine', 1)", line: 3 },
      { text: 'create function f() returns int language plpgsql as $$ begin return 1; end; $$', line: 4 },
      { text: 'do $body$ begin perform 1; /* ; */ end $body$', line: 5 },
      { text: 'select 1', line: 6 },
    ]);
  });

  it("keeps doubled quotes inside a literal and ignores a script's trailing comments", () => {
    expect(splitSqlStatements("select 'a'';b';\n-- done\n")).toEqual([{ text: "select 'a'';b'", line: 1 }]);
  });

  it('reports an unterminated dollar quote with its line', () => {
    expect(() => splitSqlStatements('select 1;\nselect $x$ never closed')).toThrow(/line 2/);
  });
});
