import { z } from 'zod';

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
export function unknownKeys(schema: z.core.$ZodType, value: unknown): string[] {
  const found = new Set<string>();
  walk(schema, value, '', found);
  return [...found].sort();
}

/** Any zod schema, seen through zod's own classes: each one's definition is typed by its class. */
type Schema = z.core.$ZodType;

/**
 * What the walk needs to know of a schema. Finding it asks zod's classes
 * (an `instanceof` each, which zod answers by looking through the schema's
 * traits), so it is found once per schema and kept: a request walks the same
 * few schemas once per message, and an agent's conversation has hundreds.
 */
type Node =
  | { kind: 'same'; as: Schema }
  | { kind: 'lazy'; get: () => Schema }
  | { kind: 'array'; element: Schema }
  | { kind: 'union'; pick: (value: unknown) => Schema | undefined }
  | { kind: 'object'; shape: Readonly<Record<string, Schema>>; loose: boolean }
  | { kind: 'opaque' };

const nodes = new WeakMap<Schema, Node>();

function nodeOf(schema: Schema): Node {
  let node = nodes.get(schema);
  if (node === undefined) {
    node = classify(schema);
    nodes.set(schema, node);
  }
  return node;
}

function classify(schema: Schema): Node {
  const inner = wrapped(schema);
  if (inner) return { kind: 'same', as: inner };
  if (schema instanceof z.core.$ZodPipe) {
    // A preprocess step (a transform) feeds the schema that validates; its shape is the one to compare with.
    const { in: input, out } = schema._zod.def;
    return { kind: 'same', as: input instanceof z.core.$ZodTransform ? out : input };
  }
  if (schema instanceof z.core.$ZodLazy) {
    const def = schema._zod.def;
    return { kind: 'lazy', get: () => def.getter() };
  }
  if (schema instanceof z.core.$ZodArray) return { kind: 'array', element: schema._zod.def.element };
  if (schema instanceof z.core.$ZodUnion) return { kind: 'union', pick: optionPicker(schema) };
  if (schema instanceof z.core.$ZodObject) {
    const { shape, catchall } = schema._zod.def;
    return { kind: 'object', shape, loose: catchall !== undefined && !(catchall instanceof z.core.$ZodNever) };
  }
  return { kind: 'opaque' };
}

/** The schema a wrapper (optional, nullable, default …) stands for, or undefined when it is not one. */
function wrapped(schema: Schema): Schema | undefined {
  if (
    schema instanceof z.core.$ZodOptional ||
    schema instanceof z.core.$ZodNullable ||
    schema instanceof z.core.$ZodDefault ||
    schema instanceof z.core.$ZodPrefault ||
    schema instanceof z.core.$ZodReadonly ||
    schema instanceof z.core.$ZodCatch ||
    schema instanceof z.core.$ZodNonOptional
  ) {
    return schema._zod.def.innerType;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * How to find the option of a union that describes a value: by its
 * discriminator when there is one (a literal tag looked up directly: a failed
 * parse builds an error, a cost paid per message otherwise), else the first
 * option that accepts it.
 */
function optionPicker(union: z.core.$ZodUnion): (value: unknown) => Schema | undefined {
  const options = union._zod.def.options;
  const firstAccepting = (value: unknown) => options.find((option) => z.safeParse(option, value).success);
  if (!(union instanceof z.core.$ZodDiscriminatedUnion)) return firstAccepting;
  const discriminator = union._zod.def.discriminator;
  const byTag = new Map<unknown, Schema>();
  const parsedTags: Array<[Schema, Schema]> = [];
  for (const option of options) {
    const field = objectShape(option)?.[discriminator];
    if (field === undefined) continue;
    if (field instanceof z.core.$ZodLiteral) {
      for (const tag of field._zod.def.values as readonly unknown[]) if (!byTag.has(tag)) byTag.set(tag, option);
    } else parsedTags.push([field, option]);
  }
  return (value) => {
    if (!isPlainObject(value)) return firstAccepting(value);
    const tag = value[discriminator];
    // The first option whose tag fits, in the union's order, as zod would pick it.
    const literal = byTag.get(tag);
    const parsed = parsedTags.find(([field]) => z.safeParse(field, tag).success)?.[1];
    if (literal === undefined || parsed === undefined) return literal ?? parsed;
    return options.indexOf(literal) < options.indexOf(parsed) ? literal : parsed;
  };
}

/** The shape of an object schema, looking through wrappers. */
function objectShape(schema: Schema): Readonly<Record<string, Schema>> | undefined {
  if (schema instanceof z.core.$ZodObject) return schema._zod.def.shape;
  const inner = wrapped(schema);
  if (inner) return objectShape(inner);
  if (schema instanceof z.core.$ZodPipe) return objectShape(schema._zod.def.out);
  return undefined;
}

function walk(schema: Schema, value: unknown, path: string, found: Set<string>): void {
  const node = nodeOf(schema);
  switch (node.kind) {
    case 'same':
      return walk(node.as, value, path, found);
    case 'lazy':
      return walk(node.get(), value, path, found);
    case 'array':
      if (Array.isArray(value)) for (const item of value) walk(node.element, item, `${path}[]`, found);
      return;
    case 'union': {
      const option = node.pick(value);
      if (option) walk(option, value, path, found);
      return;
    }
    case 'object': {
      if (!isPlainObject(value)) return;
      const { shape, loose } = node;
      for (const key in value) {
        // Own keys only: a client's `__proto__` or `constructor` is a key like any other.
        if (!Object.hasOwn(value, key)) continue;
        const field = value[key];
        if (field === undefined) continue;
        const known = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (known) walk(known, field, join(path, key), found);
        else if (!loose) found.add(join(path, key));
      }
      return;
    }
    case 'opaque':
      return;
  }
}
