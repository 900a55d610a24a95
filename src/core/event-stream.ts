/**
 * Ways to pass a run's events on without an async generator of one's own.
 * Every token of an answer crosses each stage between Claude Code and the
 * client, and a generator that only passes events on costs a suspension and
 * a few promise turns per token for nothing: these hand each `next()` to the
 * source directly. Ending (`return`, `throw`) goes to the source as well.
 */

/** The source's events, each shown to `onEvent` as it passes. */
export function tapEvents<T>(source: AsyncGenerator<T>, onEvent: (event: T) => void): AsyncGenerator<T> {
  const observe = (result: IteratorResult<T>): IteratorResult<T> => {
    if (!result.done) onEvent(result.value);
    return result;
  };
  return passOn(source, () => source.next().then(observe));
}

/** `head`, the source's first result already asked for, and then the rest of the source. */
export function withHead<T>(head: Promise<IteratorResult<T>>, source: AsyncGenerator<T>): AsyncGenerator<T> {
  let first: Promise<IteratorResult<T>> | undefined = head;
  return passOn(
    source,
    () => {
      if (first === undefined) return source.next();
      const result = first;
      first = undefined;
      return result;
    },
    () => (first = undefined),
  );
}

function passOn<T>(source: AsyncGenerator<T>, next: () => Promise<IteratorResult<T>>, onEnd?: () => void): AsyncGenerator<T> {
  const stream: AsyncGenerator<T> = {
    next,
    return: (value) => {
      onEnd?.();
      return source.return(value);
    },
    throw: (err: unknown) => {
      onEnd?.();
      return source.throw(err);
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
