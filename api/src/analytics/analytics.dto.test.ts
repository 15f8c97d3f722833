/** The ADR report's years: one, or two consecutive ones; the 400s name the parameter as before they moved into the schema. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/errors.js';
import { parseOrThrow } from '../openapi/route-docs.js';
import { adrReportQuery } from './analytics.dto.js';

const parse = (query: Record<string, string>) => parseOrThrow(adrReportQuery, query, 400, 'query parameters');

function refusal(query: Record<string, string>): ApiError {
  try {
    parse(query);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('adrReportQuery', () => {
  it('gives the years', () => {
    expect(parse({ year: '2024' })).toEqual({ years: [2024] });
    expect(parse({ fromYear: '2023', toYear: '2024' })).toEqual({ years: [2023, 2024] });
    expect(parse({ fromYear: '2024', toYear: '2024' })).toEqual({ years: [2024] });
  });

  it('refuses year beside fromYear/toYear, a missing bound and more than two years', () => {
    for (const [query, message, details] of [
      [
        { year: '2024', fromYear: '2023' },
        'give either year, or fromYear and toYear',
        [{ field: 'year', message: 'not with fromYear/toYear' }],
      ],
      [{}, 'give year (one year) or fromYear and toYear (two years at most)', [{ field: 'fromYear', message: 'is required' }]],
      [
        { fromYear: '2024' },
        'give year (one year) or fromYear and toYear (two years at most)',
        [{ field: 'toYear', message: 'is required' }],
      ],
      [
        { toYear: '2024' },
        'give year (one year) or fromYear and toYear (two years at most)',
        [{ field: 'fromYear', message: 'is required' }],
      ],
      [
        { fromYear: '2022', toYear: '2024' },
        'toYear must be fromYear or the year after it (two years at most)',
        [{ field: 'toYear', message: 'must be 2022 or 2023' }],
      ],
      [
        { fromYear: '2024', toYear: '2023' },
        'toYear must be fromYear or the year after it (two years at most)',
        [{ field: 'toYear', message: 'must be 2024 or 2025' }],
      ],
    ] as const) {
      const err = refusal(query);
      expect(err.toJSON(), JSON.stringify(query)).toEqual({ statusCode: 400, error: 'Bad Request', message, details });
    }
  });

  it('checks each parameter first, and unknown ones', () => {
    expect(refusal({ year: '24' }).details).toEqual([{ field: 'year', message: 'must be a year such as 2024' }]);
    expect(refusal({ year: '2024', sector: 'food' }).details).toEqual([
      { field: 'sector', message: expect.stringContaining('unknown parameter "sector"') },
    ]);
  });
});
