/**
 * The "view data" / CSV columns of the bar charts by code (sectors, problems, closure reasons, ADR
 * results…), the same in every view: the code, its label, then the counts and shares.
 */
import type { Column } from './csv.js';
import { formatNumber, formatPercent, t, type Lang, type MessageKey } from './i18n.js';

/** Bars of complaints per code, with each code's share of the whole (`value` = complaints). */
export function countColumns<R extends { code: string; label: string; value: number; share: number | null }>(
  lang: Lang,
  labelKey: MessageKey,
): Column<R>[] {
  return [
    { key: 'code', label: 'code' },
    { key: 'label', label: t(lang, labelKey) },
    { key: 'value', label: t(lang, 'kpi.complaints'), format: (v) => formatNumber(lang, Number(v)) },
    { key: 'share', label: t(lang, 'chart.share'), format: (v) => formatPercent(lang, v as number | null) },
  ];
}

/**
 * Bars of shares per code (`value` = share), with the count behind each; `provisional` is the
 * sentence of a cohort with cases still open (provisional.ts), marked on every share.
 */
export function shareColumns<R extends { code: string; label: string; count: number; value: number }>(
  lang: Lang,
  labelKey: MessageKey,
  provisional?: string,
): Column<R>[] {
  return [
    { key: 'code', label: 'code' },
    { key: 'label', label: t(lang, labelKey) },
    { key: 'count', label: t(lang, 'chart.count'), format: (v) => formatNumber(lang, Number(v)) },
    {
      key: 'value',
      label: t(lang, 'chart.share'),
      format: (v) => formatPercent(lang, Number(v)),
      ...(provisional ? { provisional: () => provisional } : {}),
    },
  ];
}
