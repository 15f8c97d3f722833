/**
 * `odr etl [--full]`: one ETL run (incremental unless --full, or unless the published snapshot
 * cannot be extended), recorded in etl_runs like the server's runs. Prints the run record as JSON;
 * exit 0 when the run succeeded, 1 when it failed (the record, then the error).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { openAnalyticsStores } from '../../../core/duckdb/analytics-stores.js';
import { EtlRunner, SCHEMA_VERSION, type EtlRun } from '../../../etl/index.js';
import type { SharedSnapshots } from '../../../core/duckdb/shared-snapshots.js';
import { residentWorkStore, type WorkStore } from '../../../core/duckdb/work-store.js';
import type { Config } from '../config/config.js';
import { out, withAnalyticsDb, withStore } from './context.js';

export function addEtlCommand(program: Command): void {
  program
    .command('etl')
    .description('run the ETL into the analytics store once (incremental by default) and print the run record')
    .option('--full', 'rebuild the analytics store from everything instead of the increment')
    .addHelpText(
      'after',
      '\nPrints the run record (JSON). Exit status: 0 the run succeeded; 1 it failed, or the store is in use (the server\nruns the ETL itself: POST /api/v1/etl/runs); 2 bad usage or configuration.',
    )
    .action(etlCommand);
}

export async function etlCommand(opts: { full?: boolean }): Promise<void> {
  const config = loadConfig();
  let run: EtlRun;
  if (config.snapshotDir) {
    // Shared snapshots: the run takes the ETL lock like a server's and publishes for every instance.
    const stores = await openAnalyticsStores(config, { schemaVersion: SCHEMA_VERSION, onError: () => undefined });
    try {
      run = await runOnce(config, stores.work, stores.shared, opts);
    } finally {
      await stores.source.close();
    }
  } else {
    // The analytics store first: its lock tells whether the server is running, before the case
    // store (an embedded one has no lock of its own) is touched.
    run = await withAnalyticsDb(config, { instead: 'Start a run there with POST /api/v1/etl/runs.' }, (db) =>
      runOnce(config, residentWorkStore(db), null, opts),
    );
  }
  out(JSON.stringify(run, null, 2));
  if (run.status !== 'succeeded') throw new Error(`ETL run ${run.id} ${run.status}: ${run.error ?? 'no error recorded'}`);
}

function runOnce(config: Config, work: WorkStore, shared: SharedSnapshots | null, opts: { full?: boolean }): Promise<EtlRun> {
  return withStore(async (store) => {
    const runner = new EtlRunner(store, work, {
      workDir: path.join(config.dataDir, 'etl-work'),
      traderReplyDays: config.traderReplyDays,
      shared: shared ?? undefined,
    });
    const started = await runner.start({ full: opts.full === true, trigger: 'cli' });
    if (process.stderr.isTTY) process.stderr.write(`ETL run ${started.run.id} (${started.run.kind}) started…\n`);
    return started.done;
  });
}
