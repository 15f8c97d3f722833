/**
 * The ADR bodies view in headless Chromium against the real server on the demo data: choosing a
 * body, the caseload chart, the activity report's numbers against the API's answer, changing the
 * period, the JSON and CSV downloads (the CSV byte for byte the CLI's), printing, Italian,
 * accessibility and a phone's width. The body and year come from the API (few demo cases reach an
 * ADR body), never hard-coded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardSuite, openPage, SCREENSHOTS, seriousAxeViolations } from './support.js';
import { adrReportToCsv } from '../../core/adr-report.format.js';
import type { AdrReport } from '../../core/analytics-answers.js';

interface Pick {
  id: string;
  name: string;
  /** a year in which the body received disputes */
  year: number;
  report: AdrReport;
  /** another year of the same body, and its report (maybe empty) */
  other: number;
  otherReport: AdrReport;
}

describe('ADR bodies view e2e', () => {
  const e2e = dashboardSuite(3000);
  let pick: Pick;

  const api = async <T>(p: string): Promise<T> => {
    const res = await e2e.server.fetch(p);
    expect(res.status, p).toBe(200);
    return (await res.json()) as T;
  };
  const reportOf = (id: string, query: string) => api<AdrReport>(`/api/v1/stats/adr-bodies/${encodeURIComponent(id)}/report?${query}`);

  beforeAll(async () => {
    // The body and year with the most disputes received, and another year of that body.
    const bodies = (await api<{ items: { id: string; name: string }[] }>('/api/v1/adr-bodies?limit=1000')).items;
    const now = new Date().getUTCFullYear();
    const years = [now - 3, now - 2, now - 1, now];
    let best: { id: string; name: string; year: number; report: AdrReport } | undefined;
    for (const b of bodies) {
      for (const year of years) {
        const report = await reportOf(b.id, `year=${year}`);
        if (report.received > (best?.report.received ?? 0)) best = { id: b.id, name: b.name, year, report };
      }
    }
    if (!best) throw new Error('no ADR body received any dispute in the demo data');
    const other = best.year === now - 1 ? now - 2 : now - 1;
    pick = { ...best, other, otherReport: await reportOf(best.id, `year=${other}`) };
  });
  const shot = (name: string) => e2e.shot(name);
  const param = (name: string) => new URL(e2e.w!.page.url()).searchParams.get(name);
  const text = (testId: string) => e2e.w!.page.locator(`[data-testid="${testId}"]`).textContent();
  /** The report for the URL's body and period has rendered (its title names the years). */
  const reportShown = async (years: string) => {
    await expect.poll(async () => (await text('adr-report-title').catch(() => null)) ?? '', { timeout: 20_000 }).toContain(years);
  };
  const url = (query: string) => `${e2e.server.baseUrl}/adr-bodies?${query}`;

  it('choose a body: the caseload draws and the report shows the API’s numbers; the year changes them', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/adr-bodies`);
    // No body is preselected: the view asks for one.
    await page.locator('[data-testid="adr-body-list"] li').first().waitFor();
    expect(await page.locator('main').textContent()).toContain('Choose the ADR body');
    await shot('adr-bodies-choose');

    await page.selectOption('select[name="adrBodyId"]', pick.id);
    await expect.poll(() => param('adrBodyId')).toBe(pick.id);
    await page.locator('.caseload section.card .chart svg').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.caseload .card-title').textContent()).toContain(`Disputes received by ${pick.name} per month`);

    await page.selectOption('select[name="period"]', String(pick.year));
    await expect.poll(() => param('year')).toBe(String(pick.year));
    await reportShown(`Yearly activity report ${pick.year}: ${pick.name}`);
    const r = pick.report;
    expect(await text('adr-received')).toBe(r.received.toLocaleString('en-GB'));
    expect(await text('adr-refused')).toBe(r.refused.toLocaleString('en-GB'));
    expect(await text('adr-outcomes')).toBe(r.outcomes.toLocaleString('en-GB'));
    expect(await text('adr-domestic')).toContain(r.domestic.toLocaleString('en-GB'));
    if (r.refusalRate === null) expect(await text('adr-refusal-rate')).toBe('—');
    // Every item of the report is there.
    for (const s of [
      'received',
      'by-problem',
      'by-sector',
      'refused',
      'outcomes',
      'discontinued',
      'duration',
      'compliance',
      'top-problems',
      'top-traders',
    ]) {
      await page.locator(`[data-testid="adr-section-${s}"]`).waitFor();
    }
    await page.locator('[data-testid="adr-section-by-problem"] section.card .chart svg').waitFor({ timeout: 20_000 });
    await shot('adr-bodies-report');

    // Another year: the URL and the numbers change (or the report says there were none).
    await page.selectOption('select[name="period"]', String(pick.other));
    await expect.poll(() => param('year')).toBe(String(pick.other));
    await reportShown(String(pick.other));
    if (pick.otherReport.received === 0) {
      expect(await text('adr-empty')).toContain(`No disputes received by ${pick.name} in ${pick.other}`);
    } else {
      expect(await text('adr-received')).toBe(pick.otherReport.received.toLocaleString('en-GB'));
    }

    // Two years (Art. 19(3)): fromYear/toYear in the URL, the API's two-year figures.
    const pair = [Math.min(pick.year, pick.other), Math.max(pick.year, pick.other)];
    if (pair[1]! - pair[0]! === 1) {
      await page.selectOption('select[name="period"]', pair.join('-'));
      await expect.poll(() => [param('fromYear'), param('toYear'), param('year')]).toEqual([String(pair[0]), String(pair[1]), null]);
      await reportShown(`Two-yearly activity report ${pair[0]}–${pair[1]}`);
      const two = await reportOf(pick.id, `fromYear=${pair[0]}&toYear=${pair[1]}`);
      expect(await text('adr-received')).toBe(two.received.toLocaleString('en-GB'));
    }

    // The caseload per quarter: in the URL, redrawn.
    await page.selectOption('select[name="interval"]', 'quarter');
    await expect.poll(() => param('interval')).toBe('quarter');
    await expect.poll(() => page.locator('.caseload .card-title').textContent()).toContain('per quarter');
    await page.locator('.caseload section.card .chart svg').first().waitFor({ timeout: 20_000 });
    // Back restores the period before.
    await page.goBack();
    await expect.poll(() => param('interval')).toBeNull();
  });

  it('downloads: JSON is the API’s answer, CSV is the CLI’s', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(url(`adrBodyId=${encodeURIComponent(pick.id)}&year=${pick.year}`));
    await reportShown(String(pick.year));

    const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="adr-json"]')]);
    expect(json.suggestedFilename()).toMatch(new RegExp(`^adr-report-.+-${pick.year}\\.json$`));
    const parsed = JSON.parse(readFileSync(await json.path(), 'utf8')) as AdrReport;
    expect(parsed.received).toBe(pick.report.received);
    expect(parsed).toEqual(pick.report);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="adr-csv"]')]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const content = readFileSync(await csv.path(), 'utf8');
    expect(content.split('\n')[0]).toBe('adr_body_id,years,as_of,section,code,label,count,share,value');
    expect(content).toBe(adrReportToCsv(pick.report));
  });

  it('print: the navigation, filter bar and buttons are hidden; the report remains', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(url(`adrBodyId=${encodeURIComponent(pick.id)}&year=${pick.year}`));
    await reportShown(String(pick.year));
    await page.locator('.caseload section.card .chart svg').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#main-nav').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#main-nav').isVisible()).toBe(false);
    expect(await page.locator('.filter-bar').isVisible()).toBe(false);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="adr-json"]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="adr-body-select"]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="adr-received"]').isVisible()).toBe(true);
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi, for the screenshot
    await shot('adr-bodies-print');
    await page.pdf({ path: path.join(SCREENSHOTS, 'adr-bodies-report.pdf'), format: 'A4', preferCSSPageSize: true });
    // The rules reaching the shell hold only while this view is shown: another view prints as before.
    await page.goto(`${e2e.server.baseUrl}/resolution`);
    await page.locator('main h1').waitFor();
    expect(await page.locator('#main-nav').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
  });

  it('in Italian', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(url(`adrBodyId=${encodeURIComponent(pick.id)}&year=${pick.year}&lang=it`));
    await reportShown(String(pick.year));
    const body = (await page.locator('main').textContent()) ?? '';
    for (const words of [
      'Organismi ADR',
      'Relazione annuale di attività',
      'Controversie ricevute',
      'Controversie rifiutate',
      'Esiti',
      'Controversie interrotte',
      'Stampa / salva come PDF',
    ]) {
      expect(body).toContain(words);
    }
    expect(body).not.toContain('Yearly activity report');
    await page.locator('.caseload section.card .chart svg').first().waitFor({ timeout: 20_000 });
    await shot('adr-bodies-it');
  });

  it('accessible (axe) with the chooser and with the report', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/adr-bodies`);
    await page.locator('[data-testid="adr-body-list"] li').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(url(`adrBodyId=${encodeURIComponent(pick.id)}&year=${pick.year}`));
    await reportShown(String(pick.year));
    await page.locator('.caseload section.card .chart svg').first().waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="adr-section-by-problem"] section.card .chart svg').waitFor({ timeout: 20_000 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Keyboard: the body picker is reachable and labelled.
    expect(await page.getByLabel('ADR body').count()).toBe(1);
    expect(await page.getByLabel('Report period').count()).toBe(1);
  });

  it('fits a 390 px phone without scrolling sideways', async () => {
    e2e.w = await openPage(e2e.browser, { width: 390, height: 844 });
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/adr-bodies`);
    await page.locator('[data-testid="adr-body-list"] li').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.goto(url(`adrBodyId=${encodeURIComponent(pick.id)}&year=${pick.year}`));
    await reportShown(String(pick.year));
    await page.locator('.caseload section.card .chart svg').first().waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="adr-section-by-problem"] section.card .chart svg').waitFor({ timeout: 20_000 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot('adr-bodies-phone');
  });
});
