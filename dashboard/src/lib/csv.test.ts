/** The dashboard's "CSV" downloads: RFC 4180 quoting, numbers as numbers, text that cannot start a formula. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv, type Column } from './csv.js';

interface Row {
  traderId: string;
  name: string | null;
  complaints: number;
  change: number;
  ratesShown: boolean;
}

const columns: Column<Row>[] = [
  { key: 'traderId', label: 'traderId' },
  { key: 'name', label: 'Trader' },
  { key: 'complaints', label: 'Complaints' },
  { key: 'change', label: 'Change' },
  { key: 'ratesShown', label: 'ratesShown' },
];

describe('toCsv', () => {
  it('prefixes text cells that would start a formula, leaves numbers (negative too) as they are', () => {
    const rows: Row[] = [
      { traderId: 'T-1', name: "=cmd|' /C calc'!A0", complaints: 4, change: -12.5, ratesShown: true },
      { traderId: 'T-2', name: '-12', complaints: 0, change: -3, ratesShown: false },
      { traderId: 'T-3', name: '@home, "Shop"\nAG', complaints: 7, change: 0.25, ratesShown: true },
      { traderId: 'T-4', name: null, complaints: 1, change: 1, ratesShown: true },
    ];
    const parsed = parse(toCsv(rows, columns)) as string[][];
    expect(parsed).toEqual([
      ['traderId', 'Trader', 'Complaints', 'Change', 'ratesShown'],
      ['T-1', "'=cmd|' /C calc'!A0", '4', '-12.5', 'true'],
      ['T-2', "'-12", '0', '-3', 'false'],
      ['T-3', `'@home, "Shop"\nAG`, '7', '0.25', 'true'],
      ['T-4', '', '1', '1', 'true'],
    ]);
  });
});
