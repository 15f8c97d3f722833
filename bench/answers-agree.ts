/**
 * Whether two analytics answers agree on everything both hold (bench/analytics-compare.ts: a
 * build against an older one, and the flat table's figures against the API's). A newer answer
 * may carry what the older lacks — fields (issue 20: openShare, the Kaplan–Meier quantiles,
 * lowCount, minCount) and trend periods without complaints (zero-filling) — so those are listed,
 * not compared. Everything both hold is compared: every shared field (numbers within 1e-9,
 * relative), every shared row (lists matched by their key: country, code, period …) and the order
 * of the shared rows; a field or row only the older holds, or a row with complaints only the
 * newer holds, is a difference.
 */

export interface Agreement {
  /** 'items[DE].closed: new 12 ≠ old 13', … */
  differences: string[];
  /** The paths only the newer answer holds, rows written [] ('items[].openShare', 'minCount'). */
  newerOnly: string[];
  /** Rows only the newer answer holds that are periods without complaints (a zero-filled trend). */
  emptyPeriods: number;
}

/** How the two answers are named in the differences. */
export interface Names {
  newer: string;
  older: string;
}

const ID_KEYS = ['traderId', 'country', 'code', 'period', 'stage', 'closure', 'decision', 'result', 'ground', 'reason'];

/** A row's key in its list (a flow: both countries). */
export function idOf(item: unknown): string {
  if (item === null || typeof item !== 'object') return String(item);
  const o = item as Record<string, unknown>;
  if ('consumerCountry' in o) return `${o.consumerCountry}>${o.traderCountry}`;
  const key = ID_KEYS.find((k) => k in o);
  return String(key === undefined ? undefined : o[key]);
}

export const close = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
/** A trend period in which nothing was filed: what zero-filling adds. */
const isEmptyPeriod = (x: unknown): boolean => isRecord(x) && typeof x.period === 'string' && x.complaints === 0;
const show = (x: unknown): string => (x !== null && typeof x === 'object' ? JSON.stringify(x).slice(0, 120) : String(x));

export function agreement(newer: unknown, older: unknown, names: Names = { newer: 'new', older: 'old' }): Agreement {
  const out: Agreement = { differences: [], newerOnly: [], emptyPeriods: 0 };
  const newerOnly = new Set<string>();
  const walk = (a: unknown, b: unknown, at: string, shape: string): void => {
    const differ = (what: string) => out.differences.push(`${at || '(answer)'}: ${what}`);
    if (Array.isArray(a) && Array.isArray(b)) {
      const ids = (xs: unknown[]) => xs.map(idOf);
      const [ia, ib] = [ids(a), ids(b)];
      const keyed = [a, b].every((xs) => xs.every(isRecord)) && new Set(ia).size === ia.length && new Set(ib).size === ib.length;
      if (!keyed) {
        // Values, or rows without a key of their own: position by position, the same length.
        if (a.length !== b.length) differ(`${names.newer} ${a.length} items ≠ ${names.older} ${b.length}`);
        for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${at}[${i}]`, `${shape}[]`);
        return;
      }
      const inA = new Map(a.map((x, i) => [ia[i]!, x]));
      const inB = new Map(b.map((x, i) => [ib[i]!, x]));
      for (const id of ib) if (!inA.has(id)) differ(`row ${id} missing in ${names.newer}`);
      for (const [id, x] of inA) {
        if (inB.has(id)) walk(x, inB.get(id), `${at}[${id}]`, `${shape}[]`);
        else if (isEmptyPeriod(x)) out.emptyPeriods++;
        else differ(`row ${id} only in ${names.newer}`);
      }
      const sharedA = ia.filter((id) => inB.has(id));
      const sharedB = ib.filter((id) => inA.has(id));
      const at1 = sharedA.findIndex((id, i) => id !== sharedB[i]);
      if (at1 >= 0) differ(`the shared rows in another order (${names.newer} ${sharedA[at1]}, ${names.older} ${sharedB[at1]} at ${at1})`);
      return;
    }
    if (isRecord(a) && isRecord(b)) {
      for (const [k, v] of Object.entries(a)) {
        const path = at ? `${at}.${k}` : k;
        const shapePath = shape ? `${shape}.${k}` : k;
        if (k in b) walk(v, b[k], path, shapePath);
        else newerOnly.add(shapePath);
      }
      for (const k of Object.keys(b)) if (!(k in a)) out.differences.push(`${at ? `${at}.${k}` : k}: missing in ${names.newer}`);
      return;
    }
    if (!close(a, b)) differ(`${names.newer} ${show(a)} ≠ ${names.older} ${show(b)}`);
  };
  walk(newer, older, '', '');
  out.newerOnly = [...newerOnly];
  return out;
}
