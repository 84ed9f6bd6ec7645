// Reads the shared zod schema (ExecutionConfigObjectSchema) into field descriptions, so the configuration form is
// generated from the same schema the server validates with: a new field in the schema appears in the form.
import type { z } from 'zod';

export type FieldKind =
  | { kind: 'boolean' }
  | { kind: 'enum'; options: string[] }
  | { kind: 'number'; min?: number; max?: number; integer: boolean }
  | { kind: 'string' }
  | { kind: 'stringList' }
  | { kind: 'object'; shape: Record<string, z.ZodType> }
  | { kind: 'array' }
  | { kind: 'union'; options: string[] }
  | { kind: 'literal' }
  | { kind: 'unknown' };

export interface FieldInfo {
  type: FieldKind;
  nullable: boolean;
  defaultValue: unknown;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } } }[];
}

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Unwraps defaults, nullables, optionals and preprocess/transform pipes down to the schema that decides the input. */
export function describeField(schema: z.ZodType): FieldInfo {
  let current = schema;
  let nullable = false;
  let defaultValue: unknown = undefined;
  for (let i = 0; i < 20; i++) {
    const d = def(current);
    if (d.type === 'default' || d.type === 'prefault') {
      if (defaultValue === undefined)
        defaultValue =
          typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      current = d.innerType!;
    } else if (d.type === 'nullable' || d.type === 'optional') {
      nullable = true;
      current = d.innerType!;
    } else if (d.type === 'pipe') {
      // preprocess(fn, schema) = pipe(transform, schema); schema.transform(fn) = pipe(schema, transform).
      const out = d.out!;
      current = def(out).type === 'transform' ? d.in! : out;
    } else break;
  }
  const d = def(current);
  const type = ((): FieldKind => {
    switch (d.type) {
      case 'boolean':
        return { kind: 'boolean' };
      case 'enum':
        return { kind: 'enum', options: Object.values(d.entries ?? {}) };
      case 'number': {
        const out: { kind: 'number'; min?: number; max?: number; integer: boolean } = {
          kind: 'number',
          integer: false,
        };
        for (const c of d.checks ?? []) {
          const cd = c._zod.def;
          if (cd.check === 'greater_than' && cd.value !== undefined) out.min = cd.value;
          if (cd.check === 'less_than' && cd.value !== undefined) out.max = cd.value;
          if (cd.check === 'number_format' && /int/.test(cd.format ?? '')) out.integer = true;
        }
        return out;
      }
      case 'string':
        return { kind: 'string' };
      case 'object':
        return { kind: 'object', shape: d.shape ?? {} };
      case 'array': {
        const el = describeField(d.element!);
        return el.type.kind === 'string' ? { kind: 'stringList' } : { kind: 'array' };
      }
      case 'union': {
        const options: string[] = [];
        for (const o of d.options ?? []) {
          const od = describeField(o);
          if (od.type.kind === 'enum') options.push(...od.type.options);
          if (od.type.kind === 'literal') continue;
        }
        return { kind: 'union', options };
      }
      case 'literal':
        return { kind: 'literal' };
      default:
        return { kind: 'unknown' };
    }
  })();
  return { type, nullable, defaultValue };
}

export function humanise(key: string): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Dotted path → value. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Immutable set of a dotted path. */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const base = (obj && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  if (rest.length === 0) return { ...base, [head!]: value } as T;
  return { ...base, [head!]: setPath(base[head!], rest.join('.'), value) } as T;
}

/** zod issues → { "settings.primary_color": "message" } for the form. */
export function issuesToErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    out[key] = out[key] ? `${out[key]}; ${issue.message}` : issue.message;
  }
  return out;
}
