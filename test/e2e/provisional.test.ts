/**
 * Provisional figures (issue 20): the Overview's headline duration is the Kaplan–Meier median,
 * and over a cohort with open cases it and the rates carry "provisional: N % still open", in
 * both languages; the median over closed cases alone stays in the trend's data table.
 */
import { describe, expect, it } from 'vitest';
import { dashboardSuite, openPage } from './support.js';

/** The first day of the current UTC month: a cohort mostly still open. */
const monthStart = (): string => new Date().toISOString().slice(0, 8) + '01';

describe('provisional figures on the overview', () => {
  const e2e = dashboardSuite(3000);
  const tile = (key: string, part: 'value' | 'note') => e2e.w!.page.locator(`[data-testid="kpi-${key}-${part}"]`);

  it('the current month: the KM median and the rates are marked provisional', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const from = monthStart();
    const summary = await e2e.server.get<{ complaints: number; openShare: number | null; medianDaysToCloseKM: number | null }>(
      `/api/v1/stats/summary?from=${from}`,
    );
    expect(summary.complaints).toBeGreaterThan(0);
    expect(summary.openShare).toBeGreaterThan(0);
    const percent = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
      summary.openShare!,
    );

    await page.goto(`${e2e.server.baseUrl}/?from=${from}`);
    await expect.poll(() => tile('medianDaysToCloseKM', 'note').textContent()).toBe(`provisional: ${percent} still open`);
    expect(await tile('resolutionRate', 'note').textContent()).toBe(`provisional: ${percent} still open`);
    expect(await tile('traderResponseRate', 'note').textContent()).toBe(`provisional: ${percent} still open`);
    // A count and the cross-border share do not depend on how cases end.
    expect(await tile('complaints', 'note').count()).toBe(0);
    expect(await tile('crossBorderShare', 'note').count()).toBe(0);
    const value = await tile('medianDaysToCloseKM', 'value').textContent();
    if (summary.medianDaysToCloseKM === null) expect(value).toBe('not reached yet');
    else expect(value).toMatch(/days$/);
    await e2e.shot('overview-provisional');

    // The median over closed cases alone is still there, in the trend's data table.
    const trend = page.locator('section.card', { hasText: 'Complaints per month' });
    await trend.getByRole('button', { name: 'View data' }).click();
    const headers = await trend.locator('.data-table th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['Median time to close', 'Median days to close', 'Still open']));

    // Italian.
    await page.goto(`${e2e.server.baseUrl}/?from=${from}&lang=it`);
    await expect.poll(() => tile('medianDaysToCloseKM', 'note').textContent()).toMatch(/^provvisorio: .* ancora aperti$/);
  });
});
