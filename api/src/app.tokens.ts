/** Injection tokens for the objects built before Nest starts (config, store, logger) or by a factory. */
export const CONFIG = Symbol('CONFIG');
export const STORE = Symbol('STORE');
export const LOGGER = Symbol('LOGGER');
/** The analytics stores (etl/analytics-stores.ts): what the API reads, what the ETL writes. */
export const ANALYTICS = Symbol('ANALYTICS');
