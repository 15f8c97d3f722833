/**
 * `odr etl` and `odr report adr`, run in-process on a real store with the demo data: the run record
 * and exit codes, the report in md / csv / json against the analytics service and the HTTP API, and
 * the errors (no snapshot yet, store in use, bad arguments).
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../api/src/cli/program.js';
import { openStore, type Store } from '../core/postgres/store.js';
import { AnalyticsService } from '../api/src/analytics/analytics.service.js';
import { AnalyticsRepository } from '../api/src/analytics/analytics.repository.js';
import { adrReportQuery } from '../api/src/analytics/analytics.dto.js';
import type { AdrReport } from '../core/analytics-answers.js';
import { ADR_REPORT_CSV_COLUMNS, formatCount, formatStamp, mdText } from '../core/adr-report.format.js';
import { AnalyticsDb } from '../core/duckdb/analytics-db.js';
import { SCHEMA_VERSION, type EtlRun } from '../etl/index.js';
import { createTestStore, onRealPostgres, type TestStore } from './support/store.js';
import { client, startApp } from './support/http.js';

const COMPLAINTS = 3000;

/** Runs `odr …args` capturing stdout and stderr. */
async function odr(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await run(['node', 'odr', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

async function etl(...args: string[]): Promise<EtlRun> {
  const r = await odr('etl', ...args);
  expect(r.err, r.out).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as EtlRun;
}

describe('odr etl and odr report adr', () => {
  let dir: string;
  let duckdbPath: string;
  let pg: TestStore | undefined;
  const saved = { ...process.env };

  /** The case store as the CLI sees it (opened only between CLI calls: PGlite is one user at a time). */
  async function withCaseStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: dir });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }
  const complaintsInStore = () =>
    withCaseStore(async (s) =>
      Number(
        (
          await s.db
            .selectFrom('complaints')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );

  /** The report as the analytics service computes it, on the file the CLI wrote. */
  async function serviceReport(body: string, query: { year?: number; fromYear?: number; toYear?: number }): Promise<AdrReport> {
    const db = await AnalyticsDb.open(duckdbPath, { readers: 1, schemaVersion: SCHEMA_VERSION });
    try {
      // The years as the HTTP API validates its query string.
      return await new AnalyticsService(new AnalyticsRepository(db)).adrReport(
        body,
        adrReportQuery.parse(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]))),
      );
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'odr-cli-analytics-'));
    duckdbPath = path.join(dir, 'analytics.duckdb');
    process.env.DATA_DIR = dir;
    for (const k of ['DATABASE_URL', 'DUCKDB_PATH', 'TRADER_REPLY_DAYS']) delete process.env[k];
    if (onRealPostgres) {
      pg = await createTestStore();
      await pg.store.close();
      process.env.DATABASE_URL = pg.url!;
    }
    const seeded = await odr('seed', '--complaints', String(COMPLAINTS), '--seed', '11');
    expect(seeded.code, seeded.err).toBe(0);
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
    if (pg) await pg.close().catch(() => {});
  });

  it('lists both commands in the help', async () => {
    const help = await odr('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/\betl\b/);
    expect(help.out).toMatch(/\breport\b/);
    const adr = await odr('report', 'adr', '--help');
    expect(adr.code).toBe(0);
    for (const o of ['--body', '--year', '--to-year', '--format']) expect(adr.out).toContain(o);
  });

  it('before any ETL run, the report says to run `odr etl` first (and creates nothing)', async () => {
    const r = await odr('report', 'adr', '--body', 'ADR-DE-01', '--year', '2024');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no analytics snapshot yet: run `odr etl` first/);
    expect(existsSync(duckdbPath)).toBe(false);
  });

  it('runs the ETL: full first, then incremental, --full on request; prints the run record', async () => {
    const inStore = await complaintsInStore();
    const first = await etl();
    expect(first).toMatchObject({ kind: 'full', status: 'succeeded', trigger: 'cli', rowsRead: inStore, complaints: inStore });
    expect(first.finishedAt).not.toBeNull();

    const second = await etl();
    expect(second).toMatchObject({ kind: 'incremental', status: 'succeeded', trigger: 'cli', complaints: inStore });
    expect(second.id).toBeGreaterThan(first.id);

    // One more complaint: the next incremental run reads it and the snapshot counts it.
    const file = path.join(dir, 'one.ndjson');
    const complaint = {
      externalRef: 'CLI-ETL-1',
      filedAt: '2024-05-01T00:00:00Z',
      consumer: { country: 'IT' },
      trader: { id: 'T-CLI-ETL', name: 'Etl Srl', country: 'FR' },
      sector: 'airlines',
      problem: 'delivery',
    };
    await writeFile(file, `${JSON.stringify(complaint)}\n`);
    expect((await odr('ingest', file)).code).toBe(0);
    const third = await etl();
    expect(third).toMatchObject({ kind: 'incremental', status: 'succeeded', complaints: inStore + 1 });
    // At least the new one (on a shared server, another session's open transaction can hold the
    // xid watermark back, so the increment may read more).
    expect(third.rowsRead).toBeGreaterThanOrEqual(1);

    const full = await etl('--full');
    expect(full).toMatchObject({ kind: 'full', status: 'succeeded', trigger: 'cli', rowsRead: inStore + 1, complaints: inStore + 1 });

    const bad = await odr('etl', '--fast');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option '--fast'/);
  });

  it('a failed run prints its record and the error and exits 1; the published snapshot stays', async () => {
    const before = await serviceReport('ADR-DE-01', { year: 2024 });
    // A file where the run's scratch folder must go: the run fails after it was recorded.
    const blocker = path.join(dir, 'etl-work');
    await rm(blocker, { recursive: true, force: true });
    await writeFile(blocker, 'not a folder');
    try {
      const r = await odr('etl');
      expect(r.code).toBe(1);
      const record = JSON.parse(r.out) as EtlRun;
      expect(record).toMatchObject({ status: 'failed', trigger: 'cli' });
      expect(record.error).toBeTruthy();
      expect(r.err).toContain(`ETL run ${record.id} failed`);
      expect(r.err).toContain(record.error!);
    } finally {
      await rm(blocker, { force: true });
    }
    expect((await serviceReport('ADR-DE-01', { year: 2024 })).asOf).toEqual(before.asOf);
  });

  it('says so when another process (the server) holds the analytics store, for both commands', async () => {
    // A separate process, as the server would be: DuckDB locks the file per process.
    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(process.argv[1]); console.log('ready'); setInterval(() => {}, 1000);",
        duckdbPath,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const ready = await Promise.race([
        once(holder.stdout!, 'data').then(([chunk]) => String(chunk)),
        once(holder, 'exit').then(([code]) => `exited with ${String(code)}`),
      ]);
      expect(ready).toContain('ready');
      const e = await odr('etl');
      expect(e.code).toBe(1);
      expect(e.err).toContain(`the analytics store ${duckdbPath} is in use by another process`);
      expect(e.err).toContain('POST /api/v1/etl/runs');
      const r = await odr('report', 'adr', '--body', 'ADR-DE-01', '--year', '2024');
      expect(r.code).toBe(1);
      expect(r.err).toContain('is in use by another process');
      expect(r.out).toBe('');
    } finally {
      holder.kill();
      if (holder.exitCode === null && holder.signalCode === null) await once(holder, 'exit');
    }
    // Released: the commands work again.
    expect((await odr('report', 'adr', '--body', 'ADR-DE-01', '--year', '2024', '--format', 'json')).code).toBe(0);
  });

  describe('the report', () => {
    let body: string;
    let year: number;

    beforeAll(async () => {
      // The body and year with the most disputes received in the demo data.
      const db = await AnalyticsDb.open(duckdbPath, { readers: 1, schemaVersion: SCHEMA_VERSION });
      try {
        const [top] = await db.read((q) =>
          q(
            'SELECT k.adr_body_id AS body, year(f.agreed_at)::INTEGER AS year, count(*)::INTEGER AS n FROM complaint_facts f JOIN adr_body_keys k USING (adr_body_key) GROUP BY ALL ORDER BY n DESC, body, year LIMIT 1',
          ),
        );
        expect(top, 'the demo data has ADR cases').toBeDefined();
        body = String(top!.body);
        year = Number(top!.year);
      } finally {
        db.close();
      }
    });

    it('json is the HTTP answer, byte for byte, and what the service returns', async () => {
      // The HTTP answers first, from the real app on the same files (then closed: one user at a time).
      const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: dir });
      const app = await startApp({ store, env: { DATA_DIR: dir, DUCKDB_PATH: duckdbPath } });
      let oneYear: string;
      let twoYears: string;
      try {
        const api = client(app.baseUrl);
        const a = await api.get(`/api/v1/stats/adr-bodies/${body}/report?year=${year}`);
        expect(a.status, a.text).toBe(200);
        const b = await api.get(`/api/v1/stats/adr-bodies/${body}/report?fromYear=${year - 1}&toYear=${year}`);
        expect(b.status, b.text).toBe(200);
        [oneYear, twoYears] = [a.text, b.text];
      } finally {
        await app.close();
        await store.close();
      }

      const cli = await odr('report', 'adr', '--body', body, '--year', String(year), '--format', 'json');
      expect(cli.err).toBe('');
      expect(cli.code).toBe(0);
      expect(cli.out).toBe(`${oneYear}\n`);
      const report = JSON.parse(cli.out) as AdrReport;
      expect(report).toEqual(await serviceReport(body, { year }));
      expect(report.received).toBeGreaterThan(0);
      expect(report.years).toEqual([year]);
      expect(report.basis).toMatch(/Art\. 7\(2\)/);

      const cliTwo = await odr('report', 'adr', '--body', body, '--year', String(year - 1), '--to-year', String(year), '--format', 'json');
      expect(cliTwo.code, cliTwo.err).toBe(0);
      expect(cliTwo.out).toBe(`${twoYears}\n`);
    });

    it('two years with --to-year: Art. 19(3), as the service computes it; --to-year = --year is one year', async () => {
      const r = await odr('report', 'adr', '--body', body, '--year', String(year - 1), '--to-year', String(year), '--format', 'json');
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out) as AdrReport;
      expect(report).toEqual(await serviceReport(body, { fromYear: year - 1, toYear: year }));
      expect(report.years).toEqual([year - 1, year]);
      expect(report.basis).toMatch(/Art\. 19\(3\)/);
      const one = await serviceReport(body, { year });
      expect(report.received).toBeGreaterThanOrEqual(one.received);

      const same = await odr('report', 'adr', '--body', body, '--year', String(year), '--to-year', String(year), '--format', 'json');
      expect(same.code, same.err).toBe(0);
      expect(JSON.parse(same.out)).toEqual(one);
    });

    it('md (the default): the body, the years, the basis, asOf and every section with its figures', async () => {
      for (const [args, query] of [
        [['--year', String(year)], { year }],
        [['--year', String(year - 1), '--to-year', String(year)], { fromYear: year - 1, toYear: year }],
      ] as const) {
        const r = await odr('report', 'adr', '--body', body, ...args);
        expect(r.code, r.err).toBe(0);
        const md = r.out;
        const report = await serviceReport(body, query);
        const title = md.split('\n')[0]!;
        expect(title).toMatch(/^# /);
        expect(title).toContain(mdText(report.adrBody.name!));
        expect(title).toContain(report.years.join('–'));
        expect(md).toContain(report.basis);
        expect(md).toContain(formatStamp(report.asOf.finishedAt));
        for (const s of [
          'Disputes received',
          'By type of complaint',
          'By sector',
          'Refused disputes',
          'Outcomes',
          'Discontinued disputes',
          'Duration',
          'Compliance with outcomes',
          'Most frequent problems',
          'Most frequent traders',
        ]) {
          expect(md).toContain(`\n## ${s}\n`);
        }
        expect(md).toContain(`| Received | ${formatCount(report.received)} |`);
        expect(md).toContain(`| Domestic | ${formatCount(report.domestic)} |`);
        expect(md).toContain(`| Cross-border | ${formatCount(report.crossBorder)} |`);
        for (const p of report.byProblem) expect(md).toContain(`| ${mdText(p.label)} | ${formatCount(p.count)} |`);
        for (const t of report.topTraders) expect(md).toContain(`| ${mdText(t.traderId)} | ${formatCount(t.count)} |`);
        expect(md).toContain(`Refused: **${formatCount(report.refused)}**`);
        expect(md).toContain(`Concluded with an outcome: **${formatCount(report.outcomes)}**`);
        expect(md).toContain(`Discontinued: **${formatCount(report.discontinued)}**`);
        expect(md).not.toMatch(/NaN|undefined|null/);
      }
    });

    it('csv: one table, header first, one row per figure; counts and unrounded shares as in the json', async () => {
      const r = await odr('report', 'adr', '--body', body, '--year', String(year - 1), '--to-year', String(year), '--format', 'csv');
      expect(r.code, r.err).toBe(0);
      expect(r.out.split('\n')[0]).toBe(ADR_REPORT_CSV_COLUMNS.join(','));
      const rows = parse(r.out, { columns: true }) as Record<(typeof ADR_REPORT_CSV_COLUMNS)[number], string>[];
      const report = await serviceReport(body, { fromYear: year - 1, toYear: year });
      for (const row of rows) expect(row).toMatchObject({ adr_body_id: body, years: `${year - 1}-${year}`, as_of: report.asOf.finishedAt });
      const num = (s: string) => (s === '' ? null : Number(s));
      const one = (section: string, code: string) => {
        const found = rows.filter((x) => x.section === section && x.code === code);
        expect(found, `${section}/${code}`).toHaveLength(1);
        return found[0]!;
      };
      const list = (section: string) =>
        rows.filter((x) => x.section === section).map((x) => ({ code: x.code, count: num(x.count), share: num(x.share) }));
      const items = (xs: readonly { code: string; count: number; share: number | null }[]) =>
        xs.map(({ code, count, share }) => ({ code, count, share }));

      expect(num(one('received', 'received').count)).toBe(report.received);
      expect(num(one('received', 'domestic').count)).toBe(report.domestic);
      expect(num(one('received', 'cross_border').count)).toBe(report.crossBorder);
      expect(list('by_problem')).toEqual(items(report.byProblem));
      expect(list('by_sector')).toEqual(items(report.bySector));
      expect(one('refused', 'refused')).toMatchObject({
        count: String(report.refused),
        share: report.refusalRate === null ? '' : String(report.refusalRate),
      });
      expect(list('refusal_grounds')).toEqual(items(report.refusalGrounds));
      expect(num(one('outcomes', 'outcomes').count)).toBe(report.outcomes);
      expect(list('outcome_shares')).toEqual(items(report.outcomeShares));
      expect(one('discontinued', 'discontinued')).toMatchObject({
        count: String(report.discontinued),
        share: report.discontinuedShare === null ? '' : String(report.discontinuedShare),
      });
      expect(list('discontinued_reasons')).toEqual(items(report.discontinuedReasons));
      expect(num(one('duration', 'average_days').value)).toBe(report.averageDays);
      expect(num(one('duration', 'within_90_days').share)).toBe(report.within90DaysShare);
      expect(one('compliance', 'compliance')).toMatchObject({
        count: String(report.complianceReported),
        share: report.complianceRate === null ? '' : String(report.complianceRate),
      });
      expect(list('top_problems')).toEqual(items(report.topProblems));
      expect(list('top_traders')).toEqual(report.topTraders.map((t) => ({ code: t.traderId, count: t.count, share: t.share })));
      expect(r.out).not.toMatch(/NaN|undefined|null/);
    });

    it('a body with no disputes in the year: zeros, and no ratio shown as NaN', async () => {
      const r = await odr('report', 'adr', '--body', body, '--year', '2000', '--format', 'json');
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out) as AdrReport;
      expect(report).toMatchObject({ received: 0, refusalRate: null, averageDays: null, topTraders: [] });
      for (const format of ['md', 'csv']) {
        const x = await odr('report', 'adr', '--body', body, '--year', '2000', '--format', format);
        expect(x.code, x.err).toBe(0);
        expect(x.out).not.toMatch(/NaN|undefined|null/);
      }
    });

    it('bad arguments: a message naming the problem and a non-zero exit', async () => {
      const far = await odr('report', 'adr', '--body', body, '--year', String(year - 2), '--to-year', String(year));
      expect(far.code).toBe(2);
      expect(far.err).toContain('--to-year');
      expect(far.err).toContain(`${year - 2} or ${year - 1}`);
      const back = await odr('report', 'adr', '--body', body, '--year', String(year), '--to-year', String(year - 1));
      expect(back.code).toBe(2);
      expect(back.err).toContain('--to-year');
      const unknown = await odr('report', 'adr', '--body', 'NO-SUCH-BODY', '--year', String(year));
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('no ADR body "NO-SUCH-BODY"');
      expect(unknown.err).toContain(body);
      const format = await odr('report', 'adr', '--body', body, '--year', String(year), '--format', 'xml');
      expect(format.code).toBe(2);
      expect(format.err).toMatch(/--format.*'xml'.*md, csv, json/);
      const badYear = await odr('report', 'adr', '--body', body, '--year', 'last');
      expect(badYear.code).toBe(2);
      expect(badYear.err).toMatch(/--year.*must be a year/);
      const noBody = await odr('report', 'adr', '--year', String(year));
      expect(noBody.code).toBe(2);
      expect(noBody.err).toContain('--body');
      const noKind = await odr('report', 'trader');
      expect(noKind.code).toBe(2);
      for (const x of [far, back, unknown, format, badYear, noBody]) expect(x.out).toBe('');
    });
  });
});
