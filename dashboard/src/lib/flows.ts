/** Pure shaping of the cross-border view: the flows heatmap's cells and the share over time. */
import type { Schemas } from './api.js';
import type { FlowCell, TrendPoint } from './specs.js';
import { countryName, formatNumber, formatPercent, t, type Lang } from './i18n.js';

export function flowCells(
  lang: Lang,
  items: Schemas['StatsFlows']['items'],
): (FlowCell & { consumerName: string; traderName: string; share: number | null })[] {
  const total = items.reduce((n, i) => n + i.complaints, 0);
  return items.map((i) => {
    const consumerName = countryName(lang, i.consumerCountry);
    const traderName = countryName(lang, i.traderCountry);
    const share = total > 0 ? i.complaints / total : null;
    return {
      consumerCountry: i.consumerCountry,
      traderCountry: i.traderCountry,
      consumerName,
      traderName,
      value: i.complaints,
      domestic: i.consumerCountry === i.traderCountry,
      share,
      tip: `${consumerName} → ${traderName}: ${formatNumber(lang, i.complaints)} (${formatPercent(lang, share)} — ${t(lang, 'words.of', formatNumber(lang, i.complaints), formatNumber(lang, total))})${i.consumerCountry === i.traderCountry ? ` · ${t(lang, 'words.domestic')}` : ''}`,
    };
  });
}

/** crossBorderShare per period; a period without complaints has a null share, where the line breaks. */
export function crossBorderSharePoints(
  lang: Lang,
  items: Schemas['StatsTrend']['items'],
): (TrendPoint & { crossBorder: number; complaints: number })[] {
  return items.map((i) => ({
    start: i.start,
    period: i.period,
    value: i.crossBorderShare,
    incomplete: i.incomplete,
    crossBorder: i.crossBorder,
    complaints: i.complaints,
    tip: `${i.period}: ${formatPercent(lang, i.crossBorderShare)} — ${t(lang, 'words.of', formatNumber(lang, i.crossBorder), formatNumber(lang, i.complaints))}${i.incomplete ? ` (${t(lang, 'chart.incomplete')})` : ''}`,
  }));
}
