/** Injection tokens for the objects built before Nest starts (config, store, logger). */
export const CONFIG = Symbol('CONFIG');
export const STORE = Symbol('STORE');
export const LOGGER = Symbol('LOGGER');
