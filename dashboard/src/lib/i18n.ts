/**
 * Every string of the dashboard in English and Italian (dashboard.md's glossary), and number and
 * date formatting through Intl in the chosen language. The Italian dictionary is typed against the
 * English one, so a missing translation fails the type-check instead of showing an English word.
 */
import { PROBLEMS, SECTORS } from '../../../api/src/domain/codes.js';

export type Lang = 'en' | 'it';
export const LANGS: readonly Lang[] = ['en', 'it'];

const en = {
  appName: 'ODR Observatory',
  'nav.overview': 'Overview',
  'nav.countries': 'Countries',
  'nav.crossBorder': 'Cross-border',
  'nav.resolution': 'Resolution',
  'nav.traders': 'Traders',
  'nav.adrBodies': 'ADR bodies',
  'nav.registry': 'Case registry',
  'nav.etl': 'Data freshness',
  'nav.about': 'About these figures',
  'nav.menu': 'Menu',
  'nav.main': 'Main navigation',
  'filters.label': 'Filters',
  'filters.from': 'Filed from',
  'filters.to': 'Filed before',
  'filters.consumerCountry': 'Consumer country',
  'filters.traderCountry': 'Trader country',
  'filters.sector': 'Sector',
  'filters.problem': 'Problem',
  'filters.crossBorder': 'Cross-border',
  'filters.any': 'Any',
  'filters.crossBorderOnly': 'Cross-border only',
  'filters.domesticOnly': 'Domestic only',
  'filters.clear': 'Clear all',
  'filters.remove': 'Remove filter',
  'filters.copyLink': 'Copy link',
  'filters.copied': 'Link copied',
  'words.complaints': 'complaints',
  'words.consumersIn': 'consumers in {0}',
  'words.tradersIn': 'traders in {0}',
  'words.crossBorder': 'cross-border',
  'words.domestic': 'domestic',
  'words.filedFrom': 'filed from {0}',
  'words.filedBefore': 'filed before {0}',
  'words.allComplaints': 'all complaints',
  'words.of': '{0} of {1}',
  'asOf.label': 'Data as of {0}',
  'asOf.short': 'as of {0}',
  'kpi.complaints': 'Complaints',
  'kpi.crossBorderShare': 'Cross-border share',
  'kpi.resolutionRate': 'Resolution rate',
  'kpi.traderResponseRate': 'Trader response rate',
  'kpi.medianDaysToClose': 'Median days to close',
  'kpi.vsPrevious': 'vs previous period',
  'kpi.noComparison': 'set a period to compare',
  'kpi.days': '{0} days',
  'chart.trend': 'Complaints per month',
  'chart.closures': 'Closure reasons, share of closed complaints',
  'chart.sectors': 'Top sectors by complaints',
  'chart.problems': 'Top problems by complaints',
  'chart.incomplete': 'incomplete',
  'chart.month': 'Month',
  'chart.share': 'Share',
  'chart.count': 'Count',
  'chart.viewData': 'View data',
  'chart.hideData': 'Hide data',
  'chart.csv': 'CSV',
  'chart.png': 'PNG',
  'chart.svg': 'SVG',
  'chart.loading': 'Loading…',
  'chart.empty': 'No complaints match: {0}. Widen the period or remove a filter.',
  'chart.error': 'Could not load this chart: {0}',
  'chart.retry': 'Retry',
  'registry.title': 'Case registry',
  'registry.total': '{0} cases',
  'registry.totalEstimate': 'about {0} cases',
  'registry.reference': 'Reference',
  'registry.filed': 'Filed',
  'registry.countries': 'Consumer → trader',
  'registry.trader': 'Trader',
  'registry.stage': 'Stage or closure',
  'registry.daysOpen': 'Days open',
  'registry.next': 'Next page',
  'registry.first': 'First page',
  'registry.overdue': 'overdue',
  'case.title': 'Case {0}',
  'case.back': 'Back to the registry',
  'case.timeline': 'Timeline',
  'case.deadlines': 'Legal deadlines',
  'case.due': 'due {0}',
  'case.voided': 'voided',
  'case.afterDays': 'day {0}',
  'case.notFound': 'No case with this id.',
  'case.status': 'Status',
  'case.daysToClose': 'Days to close',
  'case.daysToTraderReply': 'Days to trader reply',
  'soon.title': 'Coming soon',
  'soon.text': 'This view arrives in a later slice of the dashboard.',
  'lang.switch': 'Italiano',
  'error.api': 'The server answered {0}',
  notAvailable: '—',
} as const;

export type MessageKey = keyof typeof en;
const it: Record<MessageKey, string> = {
  appName: 'Osservatorio ODR',
  'nav.overview': 'Panoramica',
  'nav.countries': 'Paesi',
  'nav.crossBorder': 'Transfrontaliero',
  'nav.resolution': 'Risoluzione',
  'nav.traders': 'Professionisti',
  'nav.adrBodies': 'Organismi ADR',
  'nav.registry': 'Registro dei casi',
  'nav.etl': 'Aggiornamento dei dati',
  'nav.about': 'Informazioni sui dati',
  'nav.menu': 'Menu',
  'nav.main': 'Navigazione principale',
  'filters.label': 'Filtri',
  'filters.from': 'Presentati dal',
  'filters.to': 'Presentati prima del',
  'filters.consumerCountry': 'Paese del consumatore',
  'filters.traderCountry': 'Paese del professionista',
  'filters.sector': 'Settore',
  'filters.problem': 'Tipo di reclamo',
  'filters.crossBorder': 'Transfrontaliero',
  'filters.any': 'Tutti',
  'filters.crossBorderOnly': 'Solo transfrontalieri',
  'filters.domesticOnly': 'Solo nazionali',
  'filters.clear': 'Rimuovi tutti',
  'filters.remove': 'Rimuovi filtro',
  'filters.copyLink': 'Copia link',
  'filters.copied': 'Link copiato',
  'words.complaints': 'reclami',
  'words.consumersIn': 'consumatori in {0}',
  'words.tradersIn': 'professionisti in {0}',
  'words.crossBorder': 'transfrontalieri',
  'words.domestic': 'nazionali',
  'words.filedFrom': 'presentati dal {0}',
  'words.filedBefore': 'presentati prima del {0}',
  'words.allComplaints': 'tutti i reclami',
  'words.of': '{0} su {1}',
  'asOf.label': 'Dati aggiornati al {0}',
  'asOf.short': 'aggiornati al {0}',
  'kpi.complaints': 'Reclami',
  'kpi.crossBorderShare': 'Quota transfrontaliera',
  'kpi.resolutionRate': 'Tasso di risoluzione',
  'kpi.traderResponseRate': 'Tasso di risposta del professionista',
  'kpi.medianDaysToClose': 'Giorni mediani alla chiusura',
  'kpi.vsPrevious': 'rispetto al periodo precedente',
  'kpi.noComparison': 'scegli un periodo per il confronto',
  'kpi.days': '{0} giorni',
  'chart.trend': 'Reclami per mese',
  'chart.closures': 'Motivi di chiusura, quota dei reclami chiusi',
  'chart.sectors': 'Settori con più reclami',
  'chart.problems': 'Tipi di reclamo più frequenti',
  'chart.incomplete': 'incompleto',
  'chart.month': 'Mese',
  'chart.share': 'Quota',
  'chart.count': 'Numero',
  'chart.viewData': 'Vedi dati',
  'chart.hideData': 'Nascondi dati',
  'chart.csv': 'CSV',
  'chart.png': 'PNG',
  'chart.svg': 'SVG',
  'chart.loading': 'Caricamento…',
  'chart.empty': 'Nessun reclamo corrisponde: {0}. Allarga il periodo o rimuovi un filtro.',
  'chart.error': 'Impossibile caricare il grafico: {0}',
  'chart.retry': 'Riprova',
  'registry.title': 'Registro dei casi',
  'registry.total': '{0} casi',
  'registry.totalEstimate': 'circa {0} casi',
  'registry.reference': 'Riferimento',
  'registry.filed': 'Presentato',
  'registry.countries': 'Consumatore → professionista',
  'registry.trader': 'Professionista',
  'registry.stage': 'Fase o chiusura',
  'registry.daysOpen': 'Giorni aperto',
  'registry.next': 'Pagina successiva',
  'registry.first': 'Prima pagina',
  'registry.overdue': 'in ritardo',
  'case.title': 'Caso {0}',
  'case.back': 'Torna al registro',
  'case.timeline': 'Cronologia',
  'case.deadlines': 'Termini di legge',
  'case.due': 'entro il {0}',
  'case.voided': 'annullato',
  'case.afterDays': 'giorno {0}',
  'case.notFound': 'Nessun caso con questo id.',
  'case.status': 'Stato',
  'case.daysToClose': 'Giorni alla chiusura',
  'case.daysToTraderReply': 'Giorni alla risposta del professionista',
  'soon.title': 'In arrivo',
  'soon.text': 'Questa vista arriva in una prossima versione del cruscotto.',
  'lang.switch': 'English',
  'error.api': 'Il server ha risposto {0}',
  notAvailable: '—',
};

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, it };

/** The message in `lang`, with {0}, {1}… replaced by `args`. */
export function t(lang: Lang, key: MessageKey, ...args: (string | number)[]): string {
  return DICTIONARIES[lang][key].replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

const LOCALES: Record<Lang, string> = { en: 'en-GB', it: 'it-IT' };
export const locale = (lang: Lang): string => LOCALES[lang];

export const formatNumber = (lang: Lang, n: number | null | undefined, digits = 0): string =>
  n == null ? '—' : new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
export const formatPercent = (lang: Lang, n: number | null | undefined, digits = 1): string =>
  n == null ? '—' : new Intl.NumberFormat(LOCALES[lang], { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
/** A calendar date (dates of filters are UTC days). */
export const formatDate = (lang: Lang, iso: string): string =>
  new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
export const formatDateTime = (lang: Lang, iso: string): string =>
  new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

const countryNames = new Map<Lang, Intl.DisplayNames>();
export function countryName(lang: Lang, code: string): string {
  let names = countryNames.get(lang);
  if (!names) countryNames.set(lang, (names = new Intl.DisplayNames([LOCALES[lang]], { type: 'region' })));
  return names.of(code) ?? code;
}
export function sectorLabel(lang: Lang, code: string): string {
  return (SECTORS as Record<string, { en: string; it: string } | undefined>)[code]?.[lang] ?? code;
}
export function problemLabel(lang: Lang, code: string): string {
  return (PROBLEMS as Record<string, { en: string; it: string } | undefined>)[code]?.[lang] ?? code;
}

/** Closure reasons, stages and event types (contract.md), in the glossary's words. */
const CODE_LABELS: Record<string, { en: string; it: string }> = {
  settled_directly: { en: 'Settled directly', it: 'Risolto direttamente' },
  closed_no_agreement: { en: 'Closed without agreement', it: 'Chiuso senza accordo' },
  withdrawn: { en: 'Withdrawn', it: 'Ritirato' },
  adr_refused: { en: 'Refused by the ADR body', it: "Rifiutato dall'organismo ADR" },
  adr_outcome: { en: 'ADR outcome', it: 'Esito ADR' },
  adr_discontinued: { en: 'ADR discontinued', it: 'ADR interrotta' },
  filed: { en: 'Filed', it: 'Presentato' },
  with_trader: { en: 'With the trader', it: 'Presso il professionista' },
  trader_replied: { en: 'Trader replied', it: 'Il professionista ha risposto' },
  at_adr_body: { en: 'At the ADR body', it: "Presso l'organismo ADR" },
  adr_in_progress: { en: 'ADR in progress', it: 'ADR in corso' },
  closed: { en: 'Closed', it: 'Chiuso' },
  open: { en: 'Open', it: 'Aperto' },
  sent_to_trader: { en: 'Sent to the trader', it: 'Inviato al professionista' },
  adr_body_agreed: { en: 'ADR body agreed', it: 'Organismo ADR concordato' },
  adr_accepted: { en: 'Accepted by the ADR body', it: "Accettato dall'organismo ADR" },
  compliance_reported: { en: 'Compliance reported', it: 'Esecuzione comunicata' },
  trader_reply: { en: 'Trader reply', it: 'Risposta del professionista' },
  adr_agreement: { en: 'ADR body agreement', it: "Accordo sull'organismo ADR" },
  adr_acceptance: { en: 'ADR acceptance', it: "Accettazione dell'organismo ADR" },
  met: { en: 'met', it: 'rispettato' },
  missed: { en: 'missed', it: 'mancato' },
  pending: { en: 'pending', it: 'in attesa' },
  overdue: { en: 'overdue', it: 'scaduto' },
  not_applicable: { en: 'not applicable', it: 'non applicabile' },
};
/** A code's label, or the code with underscores as spaces when we have none. */
export function codeLabel(lang: Lang, code: string): string {
  return CODE_LABELS[code]?.[lang] ?? code.replace(/_/g, ' ');
}
