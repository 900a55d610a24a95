import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { ListenError, SettingUnusableError } from '../errors/startup-errors.js';
import { ResponseStoreError } from '../store/response-store.js';
import { gatherBannerFacts, renderBanner } from './banner.js';
import { EXIT } from './exit-codes.js';
import { describeListenError } from './listen-problem.js';

/** Long enough for Claude Code's cold start on a slow machine; the server already answers meanwhile. */
const BANNER_CATALOG_WAIT_MS = 8000;

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Start the server, print the banner on stderr (stdout stays clean for
 * anything that pipes it), and stop cleanly on SIGINT or SIGTERM; a second
 * signal while stopping ends the process at once.
 */
export async function serve(config: Config, version: string): Promise<void> {
  const logger = createLogger({ verbose: config.verbose });
  let server;
  try {
    server = await startServer(config, { logger });
  } catch (err) {
    // Only a failure to listen is about the host and port; anything else says where it comes from.
    if (err instanceof ListenError) {
      const { problem, fix } = describeListenError(err.cause, config.host, config.port);
      throw new StartupError(`${problem}: ${fix}`);
    }
    if (err instanceof ResponseStoreError || err instanceof SettingUnusableError) throw new StartupError(err.message);
    throw new StartupError(`could not start: ${(err as Error).message}`);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    process.stderr.write('claude-code-bridge: stopping\n');
    void server.close().then(() => process.exit(EXIT.ok));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const facts = await gatherBannerFacts(server, config, version, { catalogWaitMs: BANNER_CATALOG_WAIT_MS });
  if (!stopping) process.stderr.write(renderBanner(facts));
}
