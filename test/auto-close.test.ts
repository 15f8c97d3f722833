/** AUTO_CLOSE_DAYS: open cases with no ADR body agreed get closed_no_agreement, nothing else moves. */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { autoCloseDueCases } from '../api/src/jobs/auto-close.job.js';
import { IngestService } from '../api/src/ingest/ingest.service.js';
import { readNdjson } from '../api/src/ingest/readers.js';
import { createTestStore, type TestStore } from './support/store.js';

const DAY = 86_400_000;
// One instant for every timestamp: an event and its filing computed a millisecond apart could swap order.
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

function complaint(ref: string, filedDaysAgo: number, events: object[]) {
  return {
    externalRef: ref,
    filedAt: ago(filedDaysAgo),
    consumer: { country: 'IT' },
    trader: { id: 'T-AC', name: 'Auto Close Srl', country: 'IT' },
    sector: 'airlines',
    problem: 'delivery',
    events,
  };
}

describe('auto-closure job', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore();
    await t.store.db.insertInto('adr_bodies').values({ id: 'ADR-AC', name: 'Body', country: 'IT' }).execute();
    const rows = [
      complaint('OLD-FILED', 40, []),
      complaint('OLD-SENT', 40, [{ type: 'sent_to_trader', at: ago(40) }]),
      complaint('OLD-REPLIED-LATE', 40, [
        { type: 'sent_to_trader', at: ago(40) },
        { type: 'trader_replied', at: ago(5), decision: 'declines' },
      ]),
      complaint('OLD-AT-ADR', 40, [
        { type: 'sent_to_trader', at: ago(40) },
        { type: 'trader_replied', at: ago(35), decision: 'proposes_adr' },
        { type: 'adr_body_agreed', at: ago(34), adrBodyId: 'ADR-AC' },
      ]),
      complaint('OLD-CLOSED', 40, [{ type: 'withdrawn', at: ago(39) }]),
      complaint('YOUNG', 10, [{ type: 'sent_to_trader', at: ago(10) }]),
    ];
    const body = rows.map((r) => JSON.stringify(r)).join('\n');
    await new IngestService(t.store, { traderReplyDays: 10 }).ingest({
      items: readNdjson(Readable.from([Buffer.from(body)])),
      format: 'ndjson',
      defaultSource: 'ac',
      caller: 'test',
    });
  });
  afterAll(async () => t.close());

  it('closes exactly the open cases past the period with no ADR body agreed, dated when the period ran out', async () => {
    const closed = await autoCloseDueCases(t.store, 30);
    expect(closed).toBe(3);
    const rows = await t.store.db
      .selectFrom('complaints')
      .select(['external_ref', 'status', 'stage', 'closure', 'closed_at', 'filed_at', 'last_event_at', 'due_at'])
      .execute();
    const by = Object.fromEntries(rows.map((r) => [r.external_ref, r]));
    for (const ref of ['OLD-FILED', 'OLD-SENT']) {
      expect(by[ref]!.closure).toBe('closed_no_agreement');
      expect(by[ref]!.stage).toBe('closed');
      expect(by[ref]!.due_at).toBeNull();
      expect(by[ref]!.closed_at!.getTime()).toBe(by[ref]!.filed_at.getTime() + 30 * DAY);
    }
    // A reply after the period: the closure cannot come before the case's latest event.
    expect(by['OLD-REPLIED-LATE']!.closure).toBe('closed_no_agreement');
    expect(by['OLD-REPLIED-LATE']!.closed_at!.getTime()).toBe(by['OLD-REPLIED-LATE']!.last_event_at!.getTime());
    expect(by['OLD-AT-ADR']!.status).toBe('open');
    expect(by['OLD-CLOSED']!.closure).toBe('withdrawn');
    expect(by['YOUNG']!.status).toBe('open');
    const events = await t.store.db
      .selectFrom('complaint_events as e')
      .innerJoin('complaints as c', 'c.id', 'e.complaint_id')
      .select(['c.external_ref', 'e.seq', 'e.type'])
      .where('e.type', '=', 'closed_no_agreement')
      .orderBy('c.external_ref')
      .execute();
    expect(events.map((e) => [e.external_ref, e.seq])).toEqual([
      ['OLD-FILED', 1],
      ['OLD-REPLIED-LATE', 3],
      ['OLD-SENT', 2],
    ]);
  });

  it('is idempotent: a second run closes nothing', async () => {
    expect(await autoCloseDueCases(t.store, 30)).toBe(0);
  });
});
