/**
 * The deepest nesting of arrays and objects a request body may have. Real
 * requests stay far below it (a tool's JSON Schema nested twenty levels is
 * about forty here); far deeper ones only exhaust the stack of the code that
 * walks them (validation, schema conversion, redaction, logging).
 */
export const MAX_JSON_DEPTH = 100;

/**
 * How deeply `value` nests arrays and objects, counted without recursion and
 * only up to `limit + 1`: a body nested a million levels is measured as
 * quickly as one nested `limit + 1`.
 */
export function jsonDepth(value: unknown, limit: number = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}
