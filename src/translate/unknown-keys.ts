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

/** The option of a union that describes this value: by its discriminator when there is one, else the first that accepts it. */
function optionFor(union: z.core.$ZodUnion, value: unknown): Schema | undefined {
  const options = union._zod.def.options;
  if (union instanceof z.core.$ZodDiscriminatedUnion && isPlainObject(value)) {
    const discriminator = union._zod.def.discriminator;
    const tag = value[discriminator];
    return options.find((option) => {
      const field = objectShape(option)?.[discriminator];
      if (field === undefined) return false;
      // A literal tag is compared as it is: a failed parse builds an error, a cost paid per message otherwise.
      if (field instanceof z.core.$ZodLiteral) return (field._zod.def.values as readonly unknown[]).includes(tag);
      return z.safeParse(field, tag).success;
    });
  }
  return options.find((option) => z.safeParse(option, value).success);
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
  const inner = wrapped(schema);
  if (inner) {
    walk(inner, value, path, found);
  } else if (schema instanceof z.core.$ZodPipe) {
    // A preprocess step (a transform) feeds the schema that validates; its shape is the one to compare with.
    const { in: input, out } = schema._zod.def;
    walk(input instanceof z.core.$ZodTransform ? out : input, value, path, found);
  } else if (schema instanceof z.core.$ZodLazy) {
    walk(schema._zod.def.getter(), value, path, found);
  } else if (schema instanceof z.core.$ZodArray) {
    if (Array.isArray(value)) for (const item of value) walk(schema._zod.def.element, item, `${path}[]`, found);
  } else if (schema instanceof z.core.$ZodUnion) {
    const option = optionFor(schema, value);
    if (option) walk(option, value, path, found);
  } else if (schema instanceof z.core.$ZodObject) {
    if (!isPlainObject(value)) return;
    const { shape, catchall } = schema._zod.def;
    const loose = catchall !== undefined && !(catchall instanceof z.core.$ZodNever);
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined) continue;
      // Own keys only: a client's `__proto__` or `constructor` is a key like any other.
      const known = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (known) walk(known, field, join(path, key), found);
      else if (!loose) found.add(join(path, key));
    }
  }
}
