/**
 * Provisional figures (domain.md §4, docs/measures.md "Still open and provisional figures"): a rate
 * or a duration over a cohort with open cases can still change as they close. The API gives each
 * cohort's `openShare`; the dashboard says "provisional: N % still open" beside such a figure, in
 * the words of the Overview's tiles, and nothing over a cohort with none open. In tables the mark
 * is a dagger after the value, a sibling of the small-number star (small-numbers.ts).
 */
import { formatPercent, t, type Lang } from './i18n.js';

/** The table mark: a footnote sign next to the small numbers' "*". */
export const PROVISIONAL_MARK = '†';

/** (complaints − closed) / complaints, for an answer that gives the counts only (a benchmark's own figures). */
export const openShareOf = (c: { complaints: number; closed: number }): number | null =>
  c.complaints > 0 ? (c.complaints - c.closed) / c.complaints : null;

/**
 * "provisional: 12.0 % still open" while some of the cohort is open; undefined when none is (or
 * nothing was filed). A share that would round to 0.0 % or 100.0 % says "< 0.1 %" or "> 99.9 %":
 * one open case in thousands is not "0.0 % still open".
 */
export function provisionalText(lang: Lang, openShare: number | null | undefined): string | undefined {
  if (openShare == null || !(openShare > 0)) return undefined;
  const share =
    openShare < 0.0005
      ? `< ${formatPercent(lang, 0.001)}`
      : openShare < 1 && openShare >= 0.9995
        ? `> ${formatPercent(lang, 0.999)}`
        : formatPercent(lang, openShare);
  return t(lang, 'kpi.provisional', share);
}

/** A tooltip with the provisional sentence after it, the way small numbers add theirs; unchanged otherwise. */
export function withProvisional(lang: Lang, tip: string, openShare: number | null | undefined): string {
  const note = provisionalText(lang, openShare);
  return note ? `${tip}; ${note}` : tip;
}

/** A table cell's mark: the sentence, unless the cell shows no figure ("—": nothing can change there). */
export const cellMark = (text: string, note: string | undefined): string | undefined => (text === '—' ? undefined : note);

/**
 * The legend line under a table whose cells carry the mark: the sentence itself when every mark
 * says the same (one cohort, e.g. the filter's), else what the mark means, the share being in each
 * mark's title. Undefined without marks: no legend for nothing.
 */
export function provisionalLegend(lang: Lang, notes: Iterable<string | undefined>): string | undefined {
  const distinct = new Set<string>();
  for (const n of notes) if (n !== undefined) distinct.add(n);
  if (distinct.size === 0) return undefined;
  const [only] = distinct;
  return `${PROVISIONAL_MARK} ${distinct.size === 1 ? only : t(lang, 'provisional.legend')}`;
}
