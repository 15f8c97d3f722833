/**
 * The one reference module for the EU code lists (domain.md §2–§4): countries, sectors, problems,
 * problem details, languages, event types and populations, with English and Italian labels.
 * Every validator, generator and chart reads its codes from here.
 */

type Labels = { en: string; it: string };

/** EU-27 + IS, LI, NO and GB (on the platform until 2020), ISO 3166-1 alpha-2. */
export const COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'IS',
  'LI',
  'NO',
  'GB',
] as const;
export type Country = (typeof COUNTRIES)[number];

/** The EU's own codes accepted on input and stored as the ISO code. */
export const COUNTRY_ALIASES: Readonly<Record<string, Country>> = { EL: 'GR', UK: 'GB' };

/** Millions of inhabitants, Eurostat 1 January 2024 (GB: ONS mid-2023), domain.md §4. */
export const POPULATION_MILLIONS: Readonly<Record<Country, number>> = {
  AT: 9.16,
  BE: 11.83,
  BG: 6.45,
  CY: 0.93,
  CZ: 10.9,
  DE: 83.45,
  DK: 5.96,
  EE: 1.37,
  ES: 48.62,
  FI: 5.6,
  FR: 68.4,
  GR: 10.4,
  HR: 3.86,
  HU: 9.58,
  IE: 5.27,
  IT: 58.99,
  LT: 2.89,
  LU: 0.67,
  LV: 1.87,
  MT: 0.56,
  NL: 17.94,
  PL: 36.62,
  PT: 10.64,
  RO: 19.06,
  SE: 10.55,
  SI: 2.12,
  SK: 5.42,
  IS: 0.38,
  LI: 0.04,
  NO: 5.55,
  GB: 68.27,
};

const countrySet: ReadonlySet<string> = new Set(COUNTRIES);

/** Upper-cases, resolves the EU aliases; `undefined` when the code is not one of ours. */
export function normaliseCountry(code: string): Country | undefined {
  const upper = code.trim().toUpperCase();
  const resolved = COUNTRY_ALIASES[upper] ?? upper;
  return countrySet.has(resolved) ? (resolved as Country) : undefined;
}

/** Official languages of the EU/EEA countries above (ISO 639-1). */
export const LANGUAGES = [
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'et',
  'fi',
  'fr',
  'ga',
  'hr',
  'hu',
  'it',
  'lt',
  'lv',
  'mt',
  'nl',
  'pl',
  'pt',
  'ro',
  'sk',
  'sl',
  'sv',
  'is',
  'no',
  'nb',
  'nn',
  'lb',
  'cy',
] as const;
export type Language = (typeof LANGUAGES)[number];

/** Type of complaint, level 1 and its level-2 details (Recommendation 2010/304/EU). */
export const PROBLEMS = {
  quality: {
    en: 'Quality of goods and services',
    it: 'Qualità di beni e servizi',
    details: ['defective', 'caused_damage', 'not_in_conformity', 'not_fit_for_purpose'],
  },
  delivery: {
    en: 'Delivery of goods / provision of services',
    it: 'Consegna di beni / prestazione di servizi',
    details: [
      'not_delivered',
      'partially_delivered',
      'delay',
      'no_access',
      'refusal_to_sell',
      'suspension',
      'customer_service',
      'after_sales_service',
    ],
  },
  price: { en: 'Price / tariff', it: 'Prezzo / tariffa', details: ['price_change', 'price_discrimination', 'unclear_tariff'] },
  billing: {
    en: 'Invoicing / billing and debt collection',
    it: 'Fatturazione e recupero crediti',
    details: ['incorrect_invoice', 'unclear_invoice', 'missing_invoice', 'unjustified_invoice', 'debt_collection'],
  },
  guarantee: {
    en: 'Warranty / statutory guarantee',
    it: 'Garanzia legale e commerciale',
    details: ['statutory_guarantee_not_honoured', 'commercial_guarantee_not_honoured'],
  },
  redress: {
    en: 'Redress',
    it: 'Rimedi e rimborsi',
    details: ['no_redress', 'partial_redress', 'delayed_redress', 'redress_hard_to_reach', 'refund_refused'],
  },
  unfair_practice: {
    en: 'Unfair commercial practices',
    it: 'Pratiche commerciali sleali',
    details: [
      'misleading_terms',
      'misleading_prices',
      'misleading_advertising',
      'unsolicited_goods',
      'unsolicited_advertising',
      'aggressive_selling',
      'fraud',
    ],
  },
  contract: {
    en: 'Contracts and sales',
    it: 'Contratti e vendite',
    details: [
      'unfair_terms',
      'lack_of_information',
      'order_confirmation',
      'right_of_withdrawal',
      'payments',
      'rescission',
      'minimum_period',
    ],
  },
  switching: { en: 'Provider change / switching', it: 'Cambio di fornitore', details: ['provider_change'] },
  safety: { en: 'Safety', it: 'Sicurezza', details: ['product_safety', 'packaging_labelling_instructions'] },
  privacy: { en: 'Privacy and data protection', it: 'Privacy e protezione dei dati', details: ['data_protection', 'privacy'] },
  other: { en: 'Other', it: 'Altro', details: [] },
} as const satisfies Record<string, Labels & { details: readonly string[] }>;
export type Problem = keyof typeof PROBLEMS;
export const PROBLEM_CODES = Object.keys(PROBLEMS) as Problem[];
export const PROBLEM_DETAIL_CODES: readonly string[] = PROBLEM_CODES.flatMap((p) => PROBLEMS[p].details);

export const SECTOR_GROUPS = {
  consumer_goods: { en: 'Consumer goods', it: 'Beni di consumo' },
  general_services: { en: 'General consumer services', it: 'Servizi generali' },
  financial_services: { en: 'Financial services', it: 'Servizi finanziari' },
  communications: { en: 'Postal and electronic communications', it: 'Servizi postali e comunicazioni elettroniche' },
  transport: { en: 'Transport', it: 'Trasporti' },
  leisure: { en: 'Leisure services', it: 'Servizi per il tempo libero' },
  energy_water: { en: 'Energy and water', it: 'Energia e acqua' },
  health: { en: 'Health', it: 'Salute' },
  education: { en: 'Education', it: 'Istruzione' },
  other: { en: 'Other', it: 'Altro' },
} as const satisfies Record<string, Labels>;
export type SectorGroup = keyof typeof SECTOR_GROUPS;

/** COICOP-based markets of the Consumer Markets Scoreboard, grouped as domain.md §3. */
export const SECTORS = {
  food: { group: 'consumer_goods', en: 'Food', it: 'Prodotti alimentari' },
  non_alcoholic_drinks: { group: 'consumer_goods', en: 'Non-alcoholic drinks', it: 'Bevande analcoliche' },
  alcoholic_drinks: { group: 'consumer_goods', en: 'Alcoholic drinks', it: 'Bevande alcoliche' },
  clothing_footwear: { group: 'consumer_goods', en: 'Clothing and footwear', it: 'Abbigliamento e calzature' },
  furnishings: { group: 'consumer_goods', en: 'Furniture and furnishings', it: 'Mobili e arredamento' },
  large_appliances: { group: 'consumer_goods', en: 'Large household appliances', it: 'Grandi elettrodomestici' },
  small_appliances: { group: 'consumer_goods', en: 'Small household appliances', it: 'Piccoli elettrodomestici' },
  electronic_goods: { group: 'consumer_goods', en: 'Electronic goods', it: 'Prodotti elettronici' },
  ict_goods: { group: 'consumer_goods', en: 'ICT goods', it: 'Prodotti informatici e telefonia' },
  leisure_goods: { group: 'consumer_goods', en: 'Leisure goods', it: 'Articoli per il tempo libero' },
  books_media: { group: 'consumer_goods', en: 'Books, magazines and media', it: 'Libri, riviste e media' },
  cosmetics: { group: 'consumer_goods', en: 'Cosmetics and personal care products', it: 'Cosmetici e cura della persona' },
  jewellery: { group: 'consumer_goods', en: 'Jewellery and watches', it: 'Gioielli e orologi' },
  medicines: { group: 'consumer_goods', en: 'Non-prescription medicines', it: 'Medicinali da banco' },
  new_cars: { group: 'consumer_goods', en: 'New cars', it: 'Auto nuove' },
  second_hand_cars: { group: 'consumer_goods', en: 'Second-hand cars', it: 'Auto usate' },
  vehicle_fuel: { group: 'consumer_goods', en: 'Fuel for vehicles', it: 'Carburanti' },
  home_maintenance: { group: 'general_services', en: 'House maintenance and improvement', it: 'Manutenzione della casa' },
  personal_care_services: { group: 'general_services', en: 'Personal care services', it: 'Servizi alla persona' },
  real_estate: { group: 'general_services', en: 'Real estate services', it: 'Servizi immobiliari' },
  vehicle_maintenance: { group: 'general_services', en: 'Vehicle maintenance and repair', it: 'Manutenzione e riparazione veicoli' },
  legal_services: { group: 'general_services', en: 'Legal and accountancy services', it: 'Servizi legali e contabili' },
  banking: { group: 'financial_services', en: 'Bank accounts', it: 'Conti bancari' },
  payment_services: { group: 'financial_services', en: 'Payment services', it: 'Servizi di pagamento' },
  loans_credit: { group: 'financial_services', en: 'Loans and credit', it: 'Prestiti e credito' },
  investments_pensions: { group: 'financial_services', en: 'Investments and pensions', it: 'Investimenti e pensioni' },
  insurance: { group: 'financial_services', en: 'Insurance', it: 'Assicurazioni' },
  postal_services: { group: 'communications', en: 'Postal and courier services', it: 'Servizi postali e di corriere' },
  mobile_telephone: { group: 'communications', en: 'Mobile telephone services', it: 'Telefonia mobile' },
  fixed_telephone: { group: 'communications', en: 'Fixed telephone services', it: 'Telefonia fissa' },
  internet_services: { group: 'communications', en: 'Internet provision', it: 'Servizi internet' },
  tv_subscriptions: { group: 'communications', en: 'TV subscriptions', it: 'Abbonamenti TV' },
  online_content: { group: 'communications', en: 'Online content and streaming', it: 'Contenuti online e streaming' },
  airlines: { group: 'transport', en: 'Airline services', it: 'Trasporto aereo' },
  railways: { group: 'transport', en: 'Train services', it: 'Trasporto ferroviario' },
  buses_coaches: { group: 'transport', en: 'Bus and coach services', it: 'Autobus e pullman' },
  ferries: { group: 'transport', en: 'Ferry services', it: 'Traghetti' },
  car_rental: { group: 'transport', en: 'Vehicle rental', it: 'Noleggio veicoli' },
  urban_transport: { group: 'transport', en: 'Urban transport', it: 'Trasporto urbano' },
  hotels: { group: 'leisure', en: 'Hotels and accommodation', it: 'Alberghi e alloggi' },
  package_travel: { group: 'leisure', en: 'Package travel', it: 'Pacchetti turistici' },
  holiday_rentals: { group: 'leisure', en: 'Holiday rentals', it: 'Affitti per vacanze' },
  restaurants_bars: { group: 'leisure', en: 'Restaurants and bars', it: 'Ristoranti e bar' },
  event_tickets: { group: 'leisure', en: 'Event tickets', it: 'Biglietti per eventi' },
  sports_leisure_services: { group: 'leisure', en: 'Sport and leisure services', it: 'Servizi sportivi e ricreativi' },
  gambling: { group: 'leisure', en: 'Gambling and lotteries', it: 'Giochi d’azzardo e lotterie' },
  electricity: { group: 'energy_water', en: 'Electricity services', it: 'Energia elettrica' },
  gas: { group: 'energy_water', en: 'Gas services', it: 'Gas' },
  water: { group: 'energy_water', en: 'Water services', it: 'Servizio idrico' },
  health_services: { group: 'health', en: 'Health services', it: 'Servizi sanitari' },
  education: { group: 'education', en: 'Education', it: 'Istruzione' },
  other: { group: 'other', en: 'Other', it: 'Altro' },
} as const satisfies Record<string, Labels & { group: SectorGroup }>;
export type Sector = keyof typeof SECTORS;
export const SECTOR_CODES = Object.keys(SECTORS) as Sector[];

export const COMPLAINANT_TYPES = ['consumer', 'trader'] as const;

export const TRADER_DECISIONS = ['proposes_adr', 'declines', 'direct_talks'] as const;
export type TraderDecision = (typeof TRADER_DECISIONS)[number];

export const ADR_RESULTS = ['in_favour_of_consumer', 'in_favour_of_trader', 'amicable'] as const;
export type AdrResult = (typeof ADR_RESULTS)[number];

/** Directive 2013/11/EU Art. 5(4) grounds for refusing a dispute. */
export const REFUSAL_GROUNDS = {
  a: { en: 'Consumer did not contact the trader first', it: 'Il consumatore non ha contattato prima il professionista' },
  b: { en: 'Frivolous or vexatious', it: 'Futile o temeraria' },
  c: { en: 'Already before another ADR body or a court', it: 'Già all’esame di un altro organismo ADR o di un tribunale' },
  d: { en: 'Value below or above the threshold', it: 'Valore inferiore o superiore alla soglia' },
  e: { en: 'Filed after the time limit', it: 'Presentata oltre il termine' },
  f: { en: 'Would seriously impair the body’s operation', it: 'Comprometterebbe gravemente il funzionamento dell’organismo' },
} as const satisfies Record<string, Labels>;
export type RefusalGround = keyof typeof REFUSAL_GROUNDS;
export const REFUSAL_GROUND_CODES = Object.keys(REFUSAL_GROUNDS) as RefusalGround[];

/**
 * Why an ADR procedure was discontinued (domain.md §1): a code, so analytics group by it and no
 * free text (personal data) reaches them; the event's optional `note` carries the details.
 */
export const DISCONTINUED_REASONS = {
  consumer_withdrew: { en: 'Consumer withdrew', it: 'Il consumatore si è ritirato' },
  trader_withdrew: { en: 'Trader withdrew', it: 'Il professionista si è ritirato' },
  settled_in_between: { en: 'Settled in the meantime', it: 'Risolta nel frattempo' },
  consumer_unresponsive: { en: 'Consumer stopped responding', it: 'Il consumatore non ha più risposto' },
  other: { en: 'Other', it: 'Altro' },
} as const satisfies Record<string, Labels>;
export type DiscontinuedReason = keyof typeof DISCONTINUED_REASONS;
export const DISCONTINUED_REASON_CODES = Object.keys(DISCONTINUED_REASONS) as DiscontinuedReason[];

export const EVENT_TYPES = [
  'sent_to_trader',
  'trader_replied',
  'settled_directly',
  'adr_body_agreed',
  'adr_accepted',
  'adr_refused',
  'adr_outcome',
  'adr_discontinued',
  'compliance_reported',
  'withdrawn',
  'closed_no_agreement',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Closure reasons: the type of the closing event (domain.md §1). */
export const CLOSURES = [
  'settled_directly',
  'closed_no_agreement',
  'withdrawn',
  'adr_refused',
  'adr_outcome',
  'adr_discontinued',
] as const satisfies readonly EventType[];
export type Closure = (typeof CLOSURES)[number];

export const STAGES = ['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export const STATUSES = ['open', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** ISO 4217 codes known to the runtime's Intl data: no hand-kept list to go stale. */
export const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
