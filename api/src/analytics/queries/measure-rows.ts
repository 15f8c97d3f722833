/** The rows the measures' expressions give (core/analytics/measures-sql.ts), before the quantiles join them. */
import type { ADR_MEASURES, MEASURES, SelectedRow } from '../../../../core/analytics/measures-sql.js';

/** The measures of domain.md §4 but the quantiles of days to close (close-quantiles.ts adds them). */
export type MeasureRow = SelectedRow<typeof MEASURES>;
/** The ADR measures. */
export type AdrMeasureRow = SelectedRow<typeof ADR_MEASURES>;
