/** Types of gen-client.mjs, for the staleness test. */
export declare const CLIENT_TYPES_FILE: string;
export declare function renderClientTypes(doc: Record<string, unknown>): Promise<string>;
