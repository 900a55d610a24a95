import { BridgeError } from '../../src/errors/bridge-error.js';

/** The BridgeError `fn` throws; any other outcome fails the test. */
export function thrownBridgeError(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BridgeError) return err;
    throw err;
  }
  throw new Error('expected a BridgeError');
}
