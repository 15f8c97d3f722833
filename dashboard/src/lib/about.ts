/**
 * What "About these figures" says, in order: every measure's definition (domain.md §4), the legal
 * deadlines, the population source, the suppression and retention rules, and the legal sources.
 * About.svelte renders these sections as they are; about.test.ts checks that docs/measures.md
 * carries the same headings and the same English texts, so a change to one fails until the other
 * follows.
 */
import type { MessageKey } from './i18n.js';

/** A defined term; `id` is the element id a chart's info link points at (`/about#id`). */
export interface AboutTerm {
  id: string;
  term: MessageKey;
  text: MessageKey;
}

export type AboutSection =
  | { id: string; heading: MessageKey; kind: 'terms'; terms: readonly AboutTerm[] }
  | { id: string; heading: MessageKey; kind: 'list'; items: readonly MessageKey[] }
  | { id: string; heading: MessageKey; kind: 'text'; text: MessageKey };

export const ABOUT_INTRO: MessageKey = 'about.intro';

export const ABOUT_SECTIONS: readonly AboutSection[] = [
  {
    id: 'measures',
    heading: 'about.measures',
    kind: 'terms',
    terms: [
      { id: 'complaints', term: 'kpi.complaints', text: 'about.m.complaints' },
      { id: 'cross-border', term: 'kpi.crossBorderShare', text: 'about.m.crossBorder' },
      { id: 'closed', term: 'about.closedTerm', text: 'about.m.closed' },
      { id: 'resolution-rate', term: 'kpi.resolutionRate', text: 'about.m.resolutionRate' },
      { id: 'trader-response-rate', term: 'kpi.traderResponseRate', text: 'about.m.traderResponseRate' },
      { id: 'adr-agreement-rate', term: 'about.adrAgreementRate', text: 'about.m.adrAgreementRate' },
      { id: 'days-to-close', term: 'kpi.medianDaysToClose', text: 'about.m.daysToClose' },
      { id: 'time-to-close', term: 'kpi.timeToClose', text: 'about.m.timeToClose' },
      { id: 'open-share', term: 'about.openShareTerm', text: 'about.m.openShare' },
      { id: 'overdue', term: 'about.overdueTerm', text: 'about.m.overdue' },
      { id: 'adr', term: 'about.adrTerm', text: 'about.m.adr' },
      { id: 'rounding', term: 'about.roundingTerm', text: 'about.m.rules' },
      { id: 'comparisons', term: 'about.compareTerm', text: 'about.m.compare' },
      { id: 'small-numbers', term: 'about.smallTerm', text: 'about.m.small' },
    ],
  },
  {
    id: 'deadlines',
    heading: 'about.deadlines',
    kind: 'list',
    items: ['about.d.reply', 'about.d.agree', 'about.d.accept', 'about.d.outcome'],
  },
  { id: 'population', heading: 'about.population', kind: 'text', text: 'about.p.text' },
  { id: 'suppression', heading: 'about.suppression', kind: 'text', text: 'about.s.text' },
  { id: 'retention', heading: 'about.retention', kind: 'text', text: 'about.r.text' },
  {
    id: 'sources',
    heading: 'about.sources',
    kind: 'list',
    items: ['about.src.odr', 'about.src.adr', 'about.src.adr2025', 'about.src.classification'],
  },
];
