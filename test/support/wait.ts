/**
 * Wait until `condition` holds, checking it every few milliseconds. The
 * deadline only bounds a failure (then named by `what`): a test waits for
 * the event it means, never for a fixed time.
 */
export async function until(condition: () => boolean | Promise<boolean>, what = 'the condition', withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
