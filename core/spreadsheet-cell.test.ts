import { describe, expect, it } from 'vitest';
import { fromSpreadsheetSafe, spreadsheetSafe } from './spreadsheet-cell.js';

describe('spreadsheet cells', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+1', "'+1"],
    ['-12', "'-12"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'=x", "''=x"],
  ])('prefixes %j', (text, cell) => {
    expect(spreadsheetSafe(text)).toBe(cell);
    expect(fromSpreadsheetSafe(cell)).toBe(text);
  });

  it.each(['Shop GmbH', "'quoted", "O'Brien", 'a=b', '12', '', "'", "''"])('leaves %j as it is, both ways', (text) => {
    expect(spreadsheetSafe(text)).toBe(text);
    expect(fromSpreadsheetSafe(text)).toBe(text);
  });

  it('round-trips every short string over the interesting characters', () => {
    const alphabet = ["'", '=', '+', '-', '@', '\t', '\r', 'a', ' '];
    const strings = [''];
    for (let len = 1; len <= 4; len++) {
      for (const s of strings.filter((x) => x.length === len - 1)) for (const c of alphabet) strings.push(s + c);
    }
    for (const s of strings) {
      const cell = spreadsheetSafe(s);
      expect(fromSpreadsheetSafe(cell), JSON.stringify(s)).toBe(s);
      expect(/^[=+\-@\t\r]/.test(cell), JSON.stringify(cell)).toBe(false);
    }
  });
});
