/**
 * The CSV layout (contract "CSV columns"): the column list, each milestone turned into its event,
 * the problems only CSV can have (half-given milestones, bad booleans, refusal written as a
 * closure), field names mapped back to columns, and the export row as the exact inverse.
 */
import { describe, expect, it } from 'vitest';
import { complaintInput } from '../complaint.schema.js';
import { CSV_COLUMNS, complaintToCsvRecord, csvRecordToInput, isCsvColumn, type CsvRecord } from './csv-columns.js';

/** The contract's list, typed here by hand. */
const CONTRACT_COLUMNS = [
  'external_ref',
  'source',
  'filed_at',
  'complainant',
  'consumer_country',
  'consumer_language',
  'consumer_name',
  'consumer_email',
  'trader_id',
  'trader_name',
  'trader_country',
  'trader_website',
  'sector',
  'problem',
  'problem_detail',
  'ordered_online',
  'price_amount',
  'price_currency',
  'purchased_at',
  'contacted_trader',
  'language',
  'consumer_address',
  'description',
  'sent_to_trader_at',
  'trader_replied_at',
  'trader_decision',
  'adr_body_id',
  'adr_agreed_at',
  'adr_decided_at',
  'adr_decision',
  'refusal_ground',
  'closed_at',
  'closure',
  'adr_result',
  'discontinued_reason',
  'discontinued_note',
  'compliance_reported_at',
  'complied',
];

const row = (over: CsvRecord = {}): CsvRecord => ({
  external_ref: 'CSV-1',
  filed_at: '2024-03-05T10:22:00Z',
  consumer_country: 'IT',
  trader_id: 'T-1',
  trader_country: 'DE',
  sector: 'ict_goods',
  problem: 'quality',
  ...over,
});

const lifecycle = {
  sent_to_trader_at: '2024-03-05T11:00:00Z',
  trader_replied_at: '2024-03-07T09:00:00Z',
  trader_decision: 'proposes_adr',
  adr_agreed_at: '2024-03-10T09:00:00Z',
  adr_body_id: 'ADR-IT-1',
  adr_decided_at: '2024-03-12T09:00:00Z',
  adr_decision: 'accepted',
  closed_at: '2024-05-01T09:00:00Z',
  closure: 'adr_outcome',
  adr_result: 'in_favour_of_consumer',
  compliance_reported_at: '2024-06-01T09:00:00Z',
  complied: 'true',
} satisfies CsvRecord;

const problemsOf = (r: CsvRecord) => csvRecordToInput(r).problems;
function expectProblem(r: CsvRecord, field: string, message?: RegExp) {
  const ps = problemsOf(r);
  const at = ps.filter((p) => p.field === field);
  expect(at, JSON.stringify(ps)).not.toHaveLength(0);
  if (message) expect(at.map((p) => p.message).join(' | ')).toMatch(message);
}

describe('columns', () => {
  it('are exactly the contract columns', () => {
    expect([...CSV_COLUMNS].sort()).toEqual([...CONTRACT_COLUMNS].sort());
    for (const c of CONTRACT_COLUMNS) expect(isCsvColumn(c)).toBe(true);
    for (const c of ['externalRef', 'EXTERNAL_REF', 'events', 'id', '']) expect(isCsvColumn(c)).toBe(false);
  });
});

describe('a row → the complaint JSON shape', () => {
  it('maps every column, milestones into events in lifecycle order', () => {
    const { input, problems } = csvRecordToInput(
      row({
        source: 'feed-a',
        complainant: 'trader',
        consumer_language: 'it',
        consumer_name: 'Maria',
        consumer_email: 'm@example.org',
        consumer_address: 'Via Roma 1',
        trader_name: 'Shop GmbH',
        trader_website: 'https://shop.example',
        problem_detail: 'defective',
        ordered_online: 'true',
        price_amount: '59.90',
        price_currency: 'EUR',
        purchased_at: '2024-02-20',
        contacted_trader: 'false',
        language: 'it',
        description: 'broken, "badly"',
        ...lifecycle,
      }),
    );
    expect(problems).toEqual([]);
    expect(input).toMatchObject({
      externalRef: 'CSV-1',
      source: 'feed-a',
      filedAt: '2024-03-05T10:22:00Z',
      complainant: 'trader',
      consumer: { country: 'IT', language: 'it', name: 'Maria', email: 'm@example.org', address: 'Via Roma 1' },
      trader: { id: 'T-1', name: 'Shop GmbH', country: 'DE', website: 'https://shop.example' },
      sector: 'ict_goods',
      problem: 'quality',
      problemDetail: 'defective',
      orderedOnline: true,
      price: { amount: '59.90', currency: 'EUR' },
      purchasedAt: '2024-02-20',
      contactedTrader: false,
      language: 'it',
      description: 'broken, "badly"',
    });
    expect(input.events).toEqual([
      { type: 'sent_to_trader', at: '2024-03-05T11:00:00Z' },
      { type: 'trader_replied', at: '2024-03-07T09:00:00Z', decision: 'proposes_adr' },
      { type: 'adr_body_agreed', at: '2024-03-10T09:00:00Z', adrBodyId: 'ADR-IT-1' },
      { type: 'adr_accepted', at: '2024-03-12T09:00:00Z' },
      { type: 'adr_outcome', at: '2024-05-01T09:00:00Z', result: 'in_favour_of_consumer' },
      { type: 'compliance_reported', at: '2024-06-01T09:00:00Z', complied: true },
    ]);
    expect(complaintInput.safeParse(input).success).toBe(true);
  });

  it('an empty cell is absent (also blank ones)', () => {
    const { input, problems } = csvRecordToInput(
      row({ source: '', trader_name: '  ', description: '', price_amount: '', price_currency: '', sent_to_trader_at: '' }),
    );
    expect(problems).toEqual([]);
    expect(input.source).toBeUndefined();
    expect(input.trader.name).toBeUndefined();
    expect(input.description).toBeUndefined();
    expect(input.price).toBeUndefined();
    expect(input.events).toEqual([]);
    expect(complaintInput.safeParse(input).success).toBe(true);
  });

  it('a refusal: adr_decision=refused with refusal_ground → adr_refused', () => {
    const { input, problems } = csvRecordToInput(
      row({
        sent_to_trader_at: '2024-03-05T11:00:00Z',
        trader_replied_at: '2024-03-06T11:00:00Z',
        trader_decision: 'proposes_adr',
        adr_agreed_at: '2024-03-07T11:00:00Z',
        adr_body_id: 'B1',
        adr_decided_at: '2024-03-08T11:00:00Z',
        adr_decision: 'refused',
        refusal_ground: 'd',
      }),
    );
    expect(problems).toEqual([]);
    expect(input.events?.at(-1)).toEqual({ type: 'adr_refused', at: '2024-03-08T11:00:00Z', ground: 'd' });
  });

  it.each(['settled_directly', 'withdrawn', 'closed_no_agreement'])('closure=%s → that closing event', (closure) => {
    const { input, problems } = csvRecordToInput(
      row({ sent_to_trader_at: '2024-03-05T11:00:00Z', closed_at: '2024-03-09T11:00:00Z', closure }),
    );
    expect(problems).toEqual([]);
    expect(input.events).toEqual([
      { type: 'sent_to_trader', at: '2024-03-05T11:00:00Z' },
      { type: closure, at: '2024-03-09T11:00:00Z' },
    ]);
  });

  it('closure=adr_discontinued takes discontinued_reason (a code) and the optional discontinued_note', () => {
    const discontinued = {
      ...lifecycle,
      closure: 'adr_discontinued',
      adr_result: undefined,
      compliance_reported_at: undefined,
      complied: undefined,
    };
    const a = csvRecordToInput(
      row({ ...discontinued, discontinued_reason: 'consumer_unresponsive', discontinued_note: 'no reply since May' }),
    );
    expect(a.problems).toEqual([]);
    expect(a.input.events?.at(-1)).toStrictEqual({
      type: 'adr_discontinued',
      at: lifecycle.closed_at,
      reason: 'consumer_unresponsive',
      note: 'no reply since May',
    });
    const b = csvRecordToInput(row({ ...discontinued, discontinued_reason: 'other' }));
    expect(b.input.events?.at(-1)).toStrictEqual({ type: 'adr_discontinued', at: lifecycle.closed_at, reason: 'other' });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['Y', true],
    ['1', true],
    ['t', true],
    ['false', false],
    ['No', false],
    ['0', false],
    ['n', false],
    ['F', false],
  ])('boolean %j → %s', (cell, value) => {
    const { input, problems } = csvRecordToInput(row({ ordered_online: cell, contacted_trader: cell }));
    expect(problems).toEqual([]);
    expect(input.orderedOnline).toBe(value);
    expect(input.contactedTrader).toBe(value);
  });
});

describe('problems only CSV can have, on the column to fix', () => {
  it.each([
    ['ordered_online', 'maybe'],
    ['contacted_trader', 'si'],
    ['complied', '2'],
  ])('bad boolean in %s', (column, value) => {
    const r = column === 'complied' ? row({ ...lifecycle, complied: value }) : row({ [column]: value });
    expectProblem(r, column, new RegExp(`"${value}".*true or false`));
  });

  it.each([
    [{ trader_replied_at: '2024-03-06T10:00:00Z' }, 'trader_decision'],
    [{ trader_decision: 'declines' }, 'trader_replied_at'],
    [{ adr_agreed_at: '2024-03-06T10:00:00Z' }, 'adr_body_id'],
    [{ adr_body_id: 'B1' }, 'adr_agreed_at'],
    [{ adr_decided_at: '2024-03-06T10:00:00Z' }, 'adr_decision'],
    [{ adr_decision: 'accepted' }, 'adr_decided_at'],
    [{ closed_at: '2024-03-06T10:00:00Z' }, 'closure'],
    [{ closure: 'withdrawn' }, 'closed_at'],
    [{ compliance_reported_at: '2024-03-06T10:00:00Z' }, 'complied'],
    [{ complied: 'true' }, 'compliance_reported_at'],
    [{ price_amount: '10.00' }, 'price_currency'],
    [{ price_currency: 'EUR' }, 'price_amount'],
  ] as Array<[CsvRecord, string]>)('milestone half given %j → %s', (cells, missing) => {
    expectProblem(row(cells), missing, /required/);
  });

  it('adr_decision=refused without refusal_ground', () => {
    expectProblem(row({ adr_decided_at: '2024-03-06T10:00:00Z', adr_decision: 'refused' }), 'refusal_ground', /required/);
  });

  it('refusal_ground with adr_decision=accepted', () => {
    expectProblem(row({ adr_decided_at: '2024-03-06T10:00:00Z', adr_decision: 'accepted', refusal_ground: 'a' }), 'refusal_ground');
  });

  it('unknown adr_decision', () => {
    expectProblem(row({ adr_decided_at: '2024-03-06T10:00:00Z', adr_decision: 'pending' }), 'adr_decision', /pending/);
  });

  it('closure=adr_refused is refused: a refusal is written with adr_decision', () => {
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'adr_refused' }), 'closure', /adr_decision/);
  });

  it('unknown closure', () => {
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'done' }), 'closure', /unknown closure "done"/);
  });

  it('closure=adr_outcome without adr_result, adr_result without closure=adr_outcome', () => {
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'adr_outcome' }), 'adr_result', /required/);
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'withdrawn', adr_result: 'amicable' }), 'adr_result');
    expectProblem(row({ adr_result: 'amicable' }), 'adr_result');
  });

  it('closure=adr_discontinued without discontinued_reason, and the reason without that closure', () => {
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'adr_discontinued' }), 'discontinued_reason', /required/);
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'settled_directly', discontinued_reason: 'x' }), 'discontinued_reason');
    expectProblem(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'settled_directly', discontinued_note: 'x' }), 'discontinued_note');
  });
});

describe('schema paths → CSV columns', () => {
  const { fieldOf } = csvRecordToInput(row({ ...lifecycle }));

  it.each([
    ['externalRef', 'external_ref'],
    ['filedAt', 'filed_at'],
    ['consumer.country', 'consumer_country'],
    ['consumer.language', 'consumer_language'],
    ['consumer.email', 'consumer_email'],
    ['trader.id', 'trader_id'],
    ['trader.name', 'trader_name'],
    ['trader.country', 'trader_country'],
    ['trader.website', 'trader_website'],
    ['problemDetail', 'problem_detail'],
    ['orderedOnline', 'ordered_online'],
    ['price.amount', 'price_amount'],
    ['price.currency', 'price_currency'],
    ['purchasedAt', 'purchased_at'],
    ['contactedTrader', 'contacted_trader'],
  ])('%s → %s', (path, column) => {
    expect(fieldOf(path)).toBe(column);
  });

  it.each([
    ['events[0]', 'sent_to_trader_at'],
    ['events[0].at', 'sent_to_trader_at'],
    ['events[1].at', 'trader_replied_at'],
    ['events[1].decision', 'trader_decision'],
    ['events[1]', 'trader_replied_at'],
    ['events[2].adrBodyId', 'adr_body_id'],
    ['events[2].at', 'adr_agreed_at'],
    ['events[3]', 'adr_decided_at'],
    ['events[4].result', 'adr_result'],
    ['events[4]', 'closed_at'],
    ['events[5].complied', 'complied'],
    ['events[5]', 'compliance_reported_at'],
  ])('%s → %s (the column the event came from)', (path, column) => {
    expect(fieldOf(path)).toBe(column);
  });

  it('event index follows what the row actually has (no sent_to_trader_at)', () => {
    const { fieldOf: f } = csvRecordToInput(row({ closed_at: '2024-03-06T10:00:00Z', closure: 'withdrawn' }));
    expect(f('events[0]')).toBe('closed_at');
    const { fieldOf: g } = csvRecordToInput(row({ adr_decided_at: '2024-03-06T10:00:00Z', adr_decision: 'refused', refusal_ground: 'x' }));
    expect(g('events[0].ground')).toBe('refusal_ground');
  });
});

describe('export row is the inverse of the import mapping', () => {
  const cases = [
    {
      externalRef: 'RT-1',
      source: 'feed',
      filedAt: '2024-03-05T10:22:00.000Z',
      complainant: 'consumer' as const,
      consumer: { country: 'IT', language: 'it', name: 'Maria, "la" Rossi', email: 'm@example.org', address: 'Via Roma 1\nTorino' },
      trader: { id: 'T-1', name: 'Shop GmbH', country: 'DE', website: 'https://shop.example' },
      sector: 'ict_goods',
      problem: 'quality',
      problemDetail: 'defective',
      orderedOnline: true,
      price: { amount: '59.90', currency: 'EUR' },
      purchasedAt: '2024-02-20',
      contactedTrader: false,
      language: 'it',
      description: 'x',
      events: [
        { type: 'sent_to_trader' as const, at: '2024-03-05T11:00:00.000Z' },
        { type: 'trader_replied' as const, at: '2024-03-06T11:00:00.000Z', decision: 'proposes_adr' as const },
        { type: 'adr_body_agreed' as const, at: '2024-03-07T11:00:00.000Z', adrBodyId: 'B1' },
        { type: 'adr_refused' as const, at: '2024-03-08T11:00:00.000Z', ground: 'c' as const },
      ],
    },
    {
      externalRef: 'RT-2',
      filedAt: '2024-03-05T10:22:00.000Z',
      consumer: { country: 'FR' },
      trader: { name: 'Acme', country: 'FR' },
      sector: 'airlines',
      problem: 'redress',
      events: [
        { type: 'sent_to_trader' as const, at: '2024-03-05T11:00:00.000Z' },
        { type: 'trader_replied' as const, at: '2024-03-06T11:00:00.000Z', decision: 'proposes_adr' as const },
        { type: 'adr_body_agreed' as const, at: '2024-03-07T11:00:00.000Z', adrBodyId: 'B1' },
        { type: 'adr_accepted' as const, at: '2024-03-08T11:00:00.000Z' },
        { type: 'adr_outcome' as const, at: '2024-04-08T11:00:00.000Z', result: 'amicable' as const },
        { type: 'compliance_reported' as const, at: '2024-05-08T11:00:00.000Z', complied: false },
      ],
    },
    {
      externalRef: 'RT-4',
      filedAt: '2024-03-05T10:22:00.000Z',
      consumer: { country: 'FR' },
      trader: { name: 'Acme', country: 'FR' },
      sector: 'airlines',
      problem: 'redress',
      events: [
        { type: 'sent_to_trader' as const, at: '2024-03-05T11:00:00.000Z' },
        { type: 'trader_replied' as const, at: '2024-03-06T11:00:00.000Z', decision: 'proposes_adr' as const },
        { type: 'adr_body_agreed' as const, at: '2024-03-07T11:00:00.000Z', adrBodyId: 'B1' },
        { type: 'adr_accepted' as const, at: '2024-03-08T11:00:00.000Z' },
        {
          type: 'adr_discontinued' as const,
          at: '2024-04-08T11:00:00.000Z',
          reason: 'other' as const,
          note: 'Reason, "quoted"\non two lines',
        },
      ],
    },
    {
      externalRef: 'RT-3',
      filedAt: '2024-03-05T10:22:00.000Z',
      consumer: { country: 'FR' },
      trader: { id: 'X', country: 'BE' },
      sector: 'airlines',
      problem: 'redress',
      events: [{ type: 'closed_no_agreement' as const, at: '2024-04-05T11:00:00.000Z' }],
    },
  ];

  it.each(cases)('$externalRef survives export and import', (c) => {
    const exported = complaintToCsvRecord(c);
    expect(Object.keys(exported).sort()).toEqual([...CONTRACT_COLUMNS].sort());
    const { input, problems } = csvRecordToInput(exported);
    expect(problems).toEqual([]);
    const strip = (v: unknown) => JSON.parse(JSON.stringify(v));
    expect(strip(input)).toEqual(strip({ ...c, complainant: c.complainant, events: c.events }));
  });

  it('reads a spreadsheet-safe text cell back as the text, leaves numbers and Parquet values alone', () => {
    const text = { consumer_name: "'-12", trader_name: "'=cmd|' /C calc'!A0", description: "''=quoted", consumer_address: "'plain" };
    const { input } = csvRecordToInput(row({ ...text, price_amount: "'-1", price_currency: 'EUR' }));
    expect(input.consumer.name).toBe('-12');
    expect(input.trader.name).toBe("=cmd|' /C calc'!A0");
    expect(input.description).toBe("'=quoted");
    expect(input.consumer.address).toBe("'plain");
    expect(input.price?.amount).toBe("'-1");
    const parquet = csvRecordToInput(row(text), { spreadsheetSafe: false }).input;
    expect([parquet.consumer.name, parquet.trader.name, parquet.description]).toEqual([
      text.consumer_name,
      text.trader_name,
      text.description,
    ]);
  });

  it('exports milestones in the contract columns', () => {
    const r = complaintToCsvRecord(cases[0]!);
    expect(r).toMatchObject({
      sent_to_trader_at: '2024-03-05T11:00:00.000Z',
      trader_replied_at: '2024-03-06T11:00:00.000Z',
      trader_decision: 'proposes_adr',
      adr_agreed_at: '2024-03-07T11:00:00.000Z',
      adr_body_id: 'B1',
      adr_decided_at: '2024-03-08T11:00:00.000Z',
      adr_decision: 'refused',
      refusal_ground: 'c',
      closed_at: '',
      closure: '',
      ordered_online: 'true',
      contacted_trader: 'false',
    });
  });
});
