/**
 * The demo dataset in the store: reference data first (ADR bodies, traders), then complaints
 * through the normal ingest path, in batches. Used by `npm start` on an empty embedded store
 * and by `odr seed`.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../../../core/postgres/store.js';
import { generateDemo, type DemoDataset } from '../../../fixtures/generator.js';
import { IngestService } from '../ingest/ingest.service.js';
import type { ReaderItem } from '../ingest/readers.js';
import { ReferenceRepository } from '../reference/reference.repository.js';

export interface SeedOptions {
  complaints: number;
  seed?: number;
  /** The dataset ends just before this instant; default: the start of today (UTC), so a seed gives the same data all day. */
  now?: Date;
  batchSize?: number;
  onProgress?: (done: number) => void;
}

export interface SeedResult {
  traders: number;
  adrBodies: number;
  inserted: number;
  duplicates: number;
}

/** Seven years reach back before 2021, when the UK was still on the platform (it left at the end of 2020). */
export const DEMO_YEARS = 7;

export function startOfUtcDay(d = new Date()): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export async function loadReferenceData(store: Store, data: Pick<DemoDataset, 'traders' | 'adrBodies'>): Promise<void> {
  const repo = new ReferenceRepository(store.db);
  for (const b of data.adrBodies) await repo.upsertAdrBody(b.id, { name: b.name, country: b.country, sectors: b.sectors });
  for (const t of data.traders) await repo.upsertTrader(t.id, { name: t.name, country: t.country, website: t.website, sector: t.sector });
}

export async function seedDemo(store: Store, config: Pick<Config, 'traderReplyDays'>, opts: SeedOptions): Promise<SeedResult> {
  const data = generateDemo({ complaints: opts.complaints, seed: opts.seed ?? 1, now: opts.now ?? startOfUtcDay(), years: DEMO_YEARS });
  await loadReferenceData(store, data);
  const ingest = new IngestService(store, { traderReplyDays: config.traderReplyDays });
  const batchSize = opts.batchSize ?? 50_000;
  const iterator = data.complaints();
  let line = 0;
  let inserted = 0;
  let duplicates = 0;
  // The next complaint is read ahead, so no batch is ever empty (an upload without a complaint is
  // refused), even when the size is a multiple of the batch size.
  let next = iterator.next();
  while (!next.done) {
    let count = 0;
    async function* batch(): AsyncGenerator<ReaderItem> {
      while (!next.done && count < batchSize) {
        count++;
        yield { line: ++line, input: next.value, problems: [] };
        next = iterator.next();
      }
    }
    const r = await ingest.ingest({ items: batch(), format: 'ndjson', defaultSource: 'demo', caller: 'seed' });
    inserted += r.inserted;
    duplicates += r.duplicates;
    opts.onProgress?.(line);
  }
  return { traders: data.traders.length, adrBodies: data.adrBodies.length, inserted, duplicates };
}

/** `npm start` on an empty store: a newcomer sees real-looking numbers at once. */
export async function seedDemoIfEmpty(store: Store, config: Config, logger: Logger): Promise<void> {
  const { n } = await store.db
    .selectFrom('complaints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(n) > 0) return;
  const t0 = Date.now();
  logger.info({ complaints: config.demoComplaints }, 'empty store: loading the demo dataset');
  const r = await seedDemo(store, config, { complaints: config.demoComplaints });
  logger.info({ ...r, ms: Date.now() - t0 }, 'demo dataset loaded');
}
