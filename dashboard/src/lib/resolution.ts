/**
 * Pure shaping of the resolution view's answers: the lifecycle funnel with its conversions, the
 * outcome shares (closure reasons, ADR results, refusal grounds), the time to close by month filed
 * and the backlog by stage. Rates and durations over the filter's complaints carry the provisional
 * sentence (provisional.ts) in their tooltips while some of them are open.
 */
import type { Schemas } from './api.js';
import type { BarRow, FunnelRow, StackRow, TrendPoint } from './specs.js';
import { codeLabel, formatNumber, formatPercent, t, type Lang } from './i18n.js';
import { provisionalText, withProvisional } from './provisional.js';
import { days } from './overview.js';

type Summary = Schemas['StatsSummary'];
type Outcomes = Schemas['StatsOutcomes'];

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/**
 * filed → sent to trader → trader replied → ADR agreed → ADR outcome, each with its conversion
 * from the step before; direct settlement (closure settled_directly, from /stats/outcomes) as a
 * branch measured against "replied", since it never passes through ADR.
 */
export function funnelRows(lang: Lang, s: Summary, o: Outcomes): (FunnelRow & { conversion: number | null })[] {
  const direct = o.closures.find((c) => c.closure === 'settled_directly')?.count ?? 0;
  const steps: { step: string; value: number; from?: { step: string; value: number }; branch: 'main' | 'direct' }[] = [
    { step: 'filed', value: s.complaints, branch: 'main' },
    { step: 'sent_to_trader', value: s.sentToTrader, from: { step: 'filed', value: s.complaints }, branch: 'main' },
    { step: 'trader_replied', value: s.traderReplied, from: { step: 'sent_to_trader', value: s.sentToTrader }, branch: 'main' },
    { step: 'settled_directly', value: direct, from: { step: 'trader_replied', value: s.traderReplied }, branch: 'direct' },
    { step: 'adr_body_agreed', value: s.adrAgreed, from: { step: 'trader_replied', value: s.traderReplied }, branch: 'main' },
    { step: 'adr_outcome', value: s.adrOutcomes, from: { step: 'adr_body_agreed', value: s.adrAgreed }, branch: 'main' },
  ];
  return steps.map(({ step, value, from, branch }) => {
    const conversion = from ? ratio(value, from.value) : null;
    const label = (branch === 'direct' ? '↳ ' : '') + codeLabel(lang, step);
    const rate = from ? t(lang, 'resolution.ofStep', formatPercent(lang, conversion), codeLabel(lang, from.step)) : '';
    // A conversion over the filter's complaints is provisional while some are open; a count is not.
    const tip = from
      ? withProvisional(lang, `${formatNumber(lang, value)} — ${rate} (${formatNumber(lang, from.value)})`, s.openShare)
      : formatNumber(lang, value);
    return { step, label, value, branch, rate, tip, conversion };
  });
}

const shareTip = (lang: Lang, share: number | null, count: number, of: number): string =>
  `${formatPercent(lang, share)} — ${t(lang, 'words.of', formatNumber(lang, count), formatNumber(lang, of))}`;

export type ShareRow = BarRow & { code: string; count: number };

/** ADR results, share of outcomes; `openShare` is the filter's (the summary's): provisional while above 0. */
export function adrResultRows(lang: Lang, o: Outcomes, openShare?: number | null): ShareRow[] {
  return o.adrResults.map((r) => ({
    code: r.result,
    label: codeLabel(lang, r.result),
    value: r.share ?? 0,
    count: r.count,
    tip: withProvisional(lang, shareTip(lang, r.share, r.count, o.adrOutcomes), openShare),
  }));
}

export function refusalGroundRows(lang: Lang, o: Outcomes, openShare?: number | null): ShareRow[] {
  return o.refusalGrounds.map((g) => ({
    code: g.ground,
    label: groundLabel(lang, g.ground),
    value: g.share ?? 0,
    count: g.count,
    tip: withProvisional(lang, shareTip(lang, g.share, g.count, o.adrRefused), openShare),
  }));
}

/** A month of the time-to-close trend: the KM median drawn, the other lifecycle figures in its data table. */
export type TimeToCloseRow = TrendPoint & {
  complaints: number;
  closed: number;
  medianDaysToClose: number | null;
  resolutionRate: number | null;
  traderResponseRate: number | null;
  openShare: number | null;
};

/**
 * The Kaplan–Meier median time to close per period of filing (null, where the line breaks: nothing
 * filed, or not reached yet), each period provisional while some of its complaints are open: a
 * hollow point whose tooltip says how many.
 */
export function timeToCloseRows(lang: Lang, items: Schemas['StatsTrend']['items']): TimeToCloseRow[] {
  return items.map((i) => {
    const value = i.medianDaysToCloseKM;
    const shown = days(lang, value, i);
    const tip = `${i.period}: ${shown} — ${t(lang, 'resolution.closedOf', formatNumber(lang, i.closed), formatNumber(lang, i.complaints))}`;
    return {
      start: i.start,
      period: i.period,
      value,
      incomplete: i.incomplete,
      provisional: provisionalText(lang, i.openShare) !== undefined,
      tip: withProvisional(lang, i.incomplete ? `${tip} (${t(lang, 'chart.incomplete')})` : tip, i.openShare),
      complaints: i.complaints,
      closed: i.closed,
      medianDaysToClose: i.medianDaysToClose,
      resolutionRate: i.resolutionRate,
      traderResponseRate: i.traderResponseRate,
      openShare: i.openShare,
    };
  });
}

/** Refusal grounds of Directive 2013/11 Art. 5(4), letters a–f. */
const GROUNDS: Record<string, { en: string; it: string }> = {
  a: { en: '(a) trader not contacted first', it: '(a) professionista non contattato prima' },
  b: { en: '(b) frivolous or vexatious', it: '(b) futile o temeraria' },
  c: { en: '(c) before another body or court', it: '(c) già presso altro organismo o tribunale' },
  d: { en: '(d) value outside the thresholds', it: '(d) valore fuori dalle soglie' },
  e: { en: '(e) filed after the time limit', it: '(e) presentata oltre il termine' },
  f: { en: "(f) would impair the body's operation", it: "(f) comprometterebbe il funzionamento dell'organismo" },
};
export const groundLabel = (lang: Lang, ground: string): string => GROUNDS[ground]?.[lang] ?? ground;

/** The open stages in lifecycle order. */
export const OPEN_STAGES = ['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress'] as const;

export interface BacklogRow {
  stage: string;
  label: string;
  open: number;
  overdue: number;
  overdueShare: number | null;
}

export function backlogRows(lang: Lang, o: Schemas['StatsOverdue']): BacklogRow[] {
  const order = (s: string): number => {
    const i = (OPEN_STAGES as readonly string[]).indexOf(s);
    return i < 0 ? OPEN_STAGES.length : i;
  };
  return [...o.items]
    .sort((a, b) => order(a.stage) - order(b.stage))
    .map((i) => ({ stage: i.stage, label: codeLabel(lang, i.stage), open: i.open, overdue: i.overdue, overdueShare: i.overdueShare }));
}

/** Each stage as two stacked parts: within its deadline, and overdue. */
export function backlogStack(lang: Lang, rows: readonly BacklogRow[]): { rows: StackRow[]; parts: string[] } {
  const within = t(lang, 'resolution.withinDeadline');
  const overdue = t(lang, 'resolution.overdue');
  return {
    parts: [within, overdue],
    rows: rows.flatMap((r) => [
      {
        code: r.stage,
        label: r.label,
        part: within,
        value: r.open - r.overdue,
        tip: t(lang, 'words.of', formatNumber(lang, r.open - r.overdue), formatNumber(lang, r.open)),
      },
      {
        code: r.stage,
        label: r.label,
        part: overdue,
        value: r.overdue,
        tip: `${formatPercent(lang, r.overdueShare)} — ${t(lang, 'words.of', formatNumber(lang, r.overdue), formatNumber(lang, r.open))}`,
      },
    ]),
  };
}
