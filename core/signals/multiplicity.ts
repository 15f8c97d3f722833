// Benjamini–Hochberg step-up control of the false-discovery rate (1995), as R's
// p.adjust(method = "BH") adjusts: adjusted p(i) = min over j ≥ i of m·p(j)/j, capped at 1.

export interface BenjaminiHochberg {
  /** BH-adjusted p-values, in the input's order. */
  readonly adjusted: readonly number[];
  /** Discoveries at level q: adjusted p ≤ q. */
  readonly rejected: readonly boolean[];
}

export function benjaminiHochberg(pValues: readonly number[], q: number): BenjaminiHochberg {
  if (pValues.some((p) => !(p >= 0 && p <= 1))) throw new RangeError('benjaminiHochberg: p-values must lie in [0, 1]');
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p || b.i - a.i);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach(({ p, i }, k) => {
    running = Math.min(running, (m / (m - k)) * p);
    adjusted[i] = running;
  });
  return { adjusted, rejected: adjusted.map((p) => p <= q) };
}
