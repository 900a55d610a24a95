import type { z } from 'zod';

/**
 * The keys of a request that its wire schema does not know, at any depth,
 * named by path with array positions folded (`tools[].defer_loading`,
 * `messages[].content[].citations`), sorted and without repeats.
 *
 * A strict-shaped object (`z.object`) declares every key the bridge knows,
 * so any other key is one the bridge did not act on: it is reported, so that
 * nothing a client sent is dropped silently. A loose object
 * (`z.looseObject`) is one whose other keys the translator deals with
 * itself (a top-level body, or an item it takes or leaves out as a whole),
 * so its extra keys are not reported here. Records and unknown values are
 * opaque: a JSON Schema or metadata map has no keys to report.
 */
export function unknownKeys(schema: z.ZodType, value: unknown): string[] {
  const found = new Set<string>();
  walk(schema, value, '', found);
  return [...found].sort();
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** The option of a union that describes this value: by its discriminator when there is one, else the first that accepts it. */
function optionFor(def: Def, value: unknown): z.ZodType | undefined {
  const options = def.options ?? [];
  if (def.discriminator && isPlainObject(value)) {
    const tag = value[def.discriminator];
    return options.find((option) => {
      const field = objectShape(option)?.[def.discriminator!];
      return field !== undefined && field.safeParse(tag).success;
    });
  }
  return options.find((option) => option.safeParse(value).success);
}

/** The shape of an object schema, looking through wrappers. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape;
  if (def.innerType) return objectShape(def.innerType);
  if (def.type === 'pipe' && def.out) return objectShape(def.out);
  return undefined;
}

function walk(schema: z.ZodType, value: unknown, path: string, found: Set<string>): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      if (def.innerType) walk(def.innerType, value, path, found);
      return;
    case 'pipe':
      // A preprocess step (a transform) feeds the schema that validates; its shape is the one to compare with.
      if (def.out && def.in && defOf(def.in).type === 'transform') walk(def.out, value, path, found);
      else if (def.in) walk(def.in, value, path, found);
      return;
    case 'lazy':
      if (def.getter) walk(def.getter(), value, path, found);
      return;
    case 'array':
      if (Array.isArray(value) && def.element) for (const item of value) walk(def.element, item, `${path}[]`, found);
      return;
    case 'union': {
      const option = optionFor(def, value);
      if (option) walk(option, value, path, found);
      return;
    }
    case 'object': {
      if (!isPlainObject(value)) return;
      const shape = def.shape ?? {};
      const loose = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
      for (const [key, field] of Object.entries(value)) {
        if (field === undefined) continue;
        // Own keys only: a client's `__proto__` or `constructor` is a key like any other.
        const known = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (known) walk(known, field, join(path, key), found);
        else if (!loose) found.add(join(path, key));
      }
      return;
    }
    default:
      return;
  }
}
