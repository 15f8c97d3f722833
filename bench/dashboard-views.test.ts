import { describe, expect, it } from 'vitest';
import { firstNumber, pairKey, walks, type Pair } from './dashboard-views.js';

const COUNTRIES = ['DE', 'FR', 'IT', 'ES', 'PL', 'NL', 'GB', 'BE', 'AT', 'SE'];
const SECTORS = ['airlines', 'clothing', 'ict', 'electronics', 'travel', 'hotels'];

describe("bench/dashboard's filter walk", () => {
  const plans = walks(3, COUNTRIES, SECTORS, 7);

  it('asks every consumer country × sector pair at most once in the run', () => {
    const pairs = plans.flatMap((w) => [w.start, ...w.steps.map((s) => s.to), ...w.baseline].map(pairKey));
    expect(pairs).toHaveLength(3 * (1 + 7 + 7));
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('changes one select per step, to the pair it lands on', () => {
    for (const w of plans) {
      expect(w.steps).toHaveLength(7);
      let at: Pair = w.start;
      for (const step of w.steps) {
        const next = { ...at, [step.select]: step.value };
        expect(next).toEqual(step.to);
        // Exactly one of the two filters moved.
        expect([next.consumerCountry !== at.consumerCountry, next.sector !== at.sector].filter(Boolean)).toHaveLength(1);
        at = next;
      }
    }
  });

  it('takes the countries in turn per view, the page and its baseline in the same countries on other sectors', () => {
    expect(plans.map((w) => w.start.consumerCountry)).toEqual(['DE', 'FR', 'IT']);
    const [overview] = plans;
    // Three even sectors a row: the fourth change is the row's country change (DE → ES, the sector kept).
    expect(overview!.steps.map((s) => `${s.select}=${s.value}`).slice(0, 4)).toEqual([
      'sector=ict',
      'sector=travel',
      'consumerCountry=ES',
      'sector=ict',
    ]);
    const pageSectors = new Set([overview!.start, ...overview!.steps.map((s) => s.to)].map((p) => p.sector));
    const baselineSectors = new Set(overview!.baseline.map((p) => p.sector));
    expect([...pageSectors].filter((s) => baselineSectors.has(s))).toEqual([]);
    expect(new Set(overview!.baseline.map((p) => p.consumerCountry))).toEqual(new Set(['DE', 'ES', 'GB']));
  });

  it('says so when the countries run out', () => {
    expect(() => walks(3, COUNTRIES, SECTORS, 20)).toThrow(/need more than/);
  });

  it('reads the count from a KPI or an aria-label', () => {
    expect(firstNumber('12,345')).toBe(12345);
    expect(firstNumber('Complaints: 1,234; label: France;  : France')).toBe(1234);
    expect(firstNumber(null)).toBeNull();
  });
});
