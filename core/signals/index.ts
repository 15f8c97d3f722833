// Spike detection on monthly count series (issue 22): pure functions, no I/O.
// judgeMonth picks the method by the history a month has; Benjamini–Hochberg then decides,
// across the month's series, which of the p-values are signals.
import { earsC2, MONTHLY_EARS, type EarsJudgement, type EarsOptions } from './ears.js';
import {
  farringtonFirstMonth,
  farringtonFlexible,
  MONTHLY_FARRINGTON,
  type FarringtonJudgement,
  type FarringtonOptions,
} from './farrington.js';

export { benjaminiHochberg, type BenjaminiHochberg } from './multiplicity.js';
export { earsC2, earsFirstMonth, MONTHLY_EARS, type EarsJudgement, type EarsOptions } from './ears.js';
export {
  farringtonFirstMonth,
  farringtonFlexible,
  MONTHLY_FARRINGTON,
  type FarringtonJudgement,
  type FarringtonOptions,
} from './farrington.js';
export type { Judgement } from './judgement.js';

export interface SpikeOptions {
  readonly farrington: FarringtonOptions;
  readonly ears: EarsOptions;
}

export const MONTHLY_SPIKES: SpikeOptions = { farrington: MONTHLY_FARRINGTON, ears: MONTHLY_EARS };

/**
 * Judges month t (0-based) of a monthly series from months 0…t: farringtonFlexible once b years
 * and w months precede it, EARS C2 before that (and in the rare month where the GLM converges
 * neither with nor without trend); null when not even EARS has its 9 months of history.
 */
export function judgeMonth(
  counts: readonly number[],
  t: number,
  options: SpikeOptions = MONTHLY_SPIKES,
): FarringtonJudgement | EarsJudgement | null {
  if (t >= farringtonFirstMonth(options.farrington)) {
    const judgement = farringtonFlexible(counts, t, options.farrington);
    if (judgement) return judgement;
  }
  return earsC2(counts, t, options.ears);
}
