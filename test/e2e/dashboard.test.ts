/** The dashboard in headless Chromium against the real server on the demo data. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { dashboardSuite, openPage, seriousAxeViolations, switchRole } from './support.js';

describe('dashboard e2e', () => {
  const e2e = dashboardSuite(3000);
  const shot = (name: string) => e2e.shot(name);
  const kpi = (key: string) => e2e.w!.page.locator(`[data-testid="kpi-${key}-value"]`);

  it('overview: KPI tiles and every chart card render', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/`);
    await expect.poll(() => kpi('complaints').textContent()).toBe('3,000');
    const cards = page.locator('section.card');
    await expect.poll(() => cards.count()).toBe(4);
    for (let i = 0; i < 4; i++) await cards.nth(i).locator('.chart svg, .chart canvas').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="as-of"]').textContent()).toMatch(/Data as of/);
    // The incomplete current month is labelled on the trend.
    expect(await cards.first().locator('.chart').textContent()).toContain('incomplete');
    await shot('overview');
  });

  it('a filter changes the URL and the numbers; back restores them', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/`);
    await expect.poll(() => kpi('complaints').textContent()).toBe('3,000');
    await page.selectOption('select[name="consumerCountry"]', 'IT');
    await expect.poll(() => new URL(page.url()).searchParams.get('consumerCountry')).toBe('IT');
    await expect.poll(() => kpi('complaints').textContent()).not.toBe('3,000');
    const filtered = Number((await kpi('complaints').textContent())!.replace(/\D/g, ''));
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(3000);
    await page.locator('.chip', { hasText: 'Italy' }).waitFor();
    await page.locator('section.card .chart svg').first().waitFor();
    await shot('overview-filtered');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('consumerCountry')).toBeNull();
    await expect.poll(() => kpi('complaints').textContent()).toBe('3,000');
    // Clicking a sector's bar filters the dashboard by that sector (once the bars are the unfiltered ones again).
    await expect.poll(() => page.locator('section.card:not([aria-busy="false"]), .tile:not([aria-busy="false"])').count()).toBe(0);
    const sectorCard = page.locator('section.card', { hasText: 'Top sectors' });
    await sectorCard.locator('.mark-rect path').first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sector')).not.toBeNull();
    await expect.poll(() => kpi('complaints').textContent()).not.toBe('3,000');
  });

  it('like-for-like KPI tiles: the windows compared are named, a period not over is compared on the time elapsed', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const change = page.locator('[data-testid="kpi-complaints"] .change');
    const note = page.locator('[data-testid="kpi-comparison"]');
    // A whole half-year: compared with the half-year before; the change is the API's, in words.
    await page.goto(`${e2e.server.baseUrl}/?from=2025-01-01&to=2025-07-01`);
    await expect
      .poll(async () => (await note.textContent()) ?? '')
      .toBe('Changes compare 1 Jan – 30 Jun 2025 with 1 Jul – 31 Dec 2024. The earlier cases are counted as they stood at the same age.');
    const half = await e2e.server.get<{ complaints: number; comparison: { complaints: number } }>(
      '/api/v1/stats/summary?from=2025-01-01&to=2025-07-01&compare=previous_period',
    );
    const rel = (half.complaints - half.comparison.complaints) / half.comparison.complaints;
    const pct = `${rel > 0 ? '+' : rel < 0 ? '−' : '±'}${Math.abs(rel * 100).toFixed(1)}%`;
    await expect.poll(async () => (await change.textContent()) ?? '').toContain(`${pct} vs 1 Jul – 31 Dec 2024`);
    // The current month is not over: both sides are cut to the days elapsed (the month before, as far).
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    await page.goto(`${e2e.server.baseUrl}/?from=${month}&to=${next}`);
    await expect.poll(async () => (await note.textContent()) ?? '').toMatch(/the same time elapsed: the period is not over yet/);
    const current = await e2e.server.get<{ comparison: { from: string; to: string; complete: boolean; sameAge: boolean } }>(
      `/api/v1/stats/summary?from=${month}&to=${next}&compare=previous_period`,
    );
    expect(current.comparison.complete).toBe(false);
    expect(current.comparison.sameAge).toBe(true);
    expect(Date.parse(current.comparison.to) - Date.parse(current.comparison.from)).toBeLessThan(Date.parse(next) - Date.parse(month));
    await e2e.shot('overview-like-for-like');
  });

  it('registry pages with the cursor and a case opens with its timeline', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/registry`);
    const links = page.locator('[data-testid="case-link"]');
    await expect.poll(() => links.count()).toBe(50);
    expect(await page.locator('[data-testid="registry-total"]').textContent()).toContain('3,000');
    const first = await links.allTextContents();
    await page.click('[data-testid="next-page"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('cursor')).not.toBeNull();
    await expect.poll(async () => (await links.allTextContents())[0]).not.toBe(first[0]);
    const second = await links.allTextContents();
    expect(second.filter((r) => first.includes(r))).toEqual([]);
    await shot('registry-page-2');
    const ref = second[0]!;
    await links.first().click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/registry\/.+/);
    expect(await page.locator('[data-testid="case-title"]').textContent()).toContain(ref);
    expect(await page.locator('[data-testid="timeline"] li').count()).toBeGreaterThanOrEqual(1);
    await shot('case');
    // A case link opened directly (SPA fallback) shows the same case.
    await page.reload();
    await page.locator('[data-testid="case-title"]').waitFor();
  });

  it('registry: sort by filing date, its own filters and the export link follow the URL', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/registry`);
    const links = page.locator('[data-testid="case-link"]');
    await expect.poll(() => links.count()).toBe(50);
    const newest = await page.locator('table.registry tbody tr td:nth-child(2)').first().textContent();
    await page.click('[data-testid="sort-filed"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('filedAt');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    // Oldest first: the first row is the API's oldest case.
    const oldest = (await (await e2e.server.fetch('/api/v1/complaints?sort=filedAt&limit=1')).json()) as {
      items: { externalRef: string }[];
    };
    await expect.poll(async () => (await links.allTextContents())[0]).toBe(oldest.items[0]!.externalRef);
    expect(await page.locator('table.registry tbody tr td:nth-child(2)').first().textContent()).not.toBe(newest);
    // Overdue only: the total equals the API's for the same query, and every row says overdue.
    await page.check('input[name="overdue"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('overdue')).toBe('true');
    const overdue = (await (await e2e.server.fetch('/api/v1/complaints?overdue=true&limit=1')).json()) as { total: number };
    await expect
      .poll(async () => (await page.locator('[data-testid="registry-total"]').textContent()) ?? '')
      .toContain(`${overdue.total.toLocaleString('en-GB')} cases`);
    if (overdue.total > 0) expect(await page.locator('table.registry tbody tr .overdue').count()).toBe(Math.min(50, overdue.total));
    // The export is fetched with the token (a plain link carries none) and saved from a Blob.
    const exportRequest = page.waitForRequest((r) => r.url().includes('/api/v1/complaints/export'));
    const downloaded = page.waitForEvent('download');
    await page.click('[data-testid="export-csv"]');
    const exportUrl = new URL((await exportRequest).url());
    expect(Object.fromEntries(exportUrl.searchParams)).toEqual({ overdue: 'true', format: 'csv' });
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(parse(csv, { columns: true })).toHaveLength(overdue.total);
    // Free text by reference.
    const ref = oldest.items[0]!.externalRef;
    await page.uncheck('input[name="overdue"]');
    await page.fill('input[name="q"]', ref);
    await page.press('input[name="q"]', 'Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(ref);
    await expect.poll(async () => (await links.allTextContents())[0]).toBe(ref);
    // The same case by its exact reference (the indexed look-up): only it.
    await page.fill('input[name="q"]', '');
    await page.fill('input[name="externalRef"]', ref);
    await page.press('input[name="externalRef"]', 'Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('externalRef')).toBe(ref);
    expect(new URL(page.url()).searchParams.get('q')).toBeNull();
    await expect.poll(async () => await links.allTextContents()).toEqual([ref]);
  });

  it('axe: no serious or critical accessibility violation on any view, in both languages', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const caseId = ((await (await e2e.server.fetch('/api/v1/complaints?limit=1')).json()) as { items: { id: string }[] }).items[0]!.id;
    for (const lang of ['en', 'it']) {
      for (const view of ['/', '/resolution', '/cross-border', '/registry', `/registry/${caseId}`, '/etl', '/about']) {
        await page.goto(`${e2e.server.baseUrl}${view}?lang=${lang}`);
        await page.locator('main h1').first().waitFor();
        // Charts drawn and tables filled: axe judges the page as a user meets it.
        if (['/', '/resolution', '/cross-border'].includes(view)) await page.locator('section.card .chart svg').first().waitFor();
        if (view === '/registry') await page.locator('[data-testid="case-link"]').first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await seriousAxeViolations(page), `${view} (${lang})`).toEqual([]);
        // A chart's data table, once opened, too.
        if (view === '/') {
          await page.locator('section.card button[aria-expanded]').first().click();
          await page.locator('section.card .data-table').first().waitFor();
          expect(await seriousAxeViolations(page), `${view} (${lang}) with a data table open`).toEqual([]);
        }
      }
    }
  });

  it('?lang=it shows Italian words and numbers', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/?lang=it`);
    // Intl's Italian groups from five digits (CLDR): 3000, but 12.345.
    await expect.poll(() => kpi('complaints').textContent()).toBe('3000');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Reclami');
    expect(text).toContain('reclami');
    expect(text).toContain('Registro dei casi');
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    await page.locator('section.card .chart svg').first().waitFor();
    await shot('overview-it');
  });

  /** Waits until every chart card on the page has drawn its chart (svg or canvas). */
  const allCardsDrawn = async (count: number) => {
    const cards = e2e.w!.page.locator('section.card');
    await expect.poll(() => cards.count()).toBe(count);
    for (let i = 0; i < count; i++) await cards.nth(i).locator('.chart svg, .chart canvas').first().waitFor({ timeout: 20_000 });
    return cards;
  };

  it('resolution: funnel, time to close, backlog and outcome shares render', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/resolution`);
    const cards = await allCardsDrawn(6);
    const funnel = await cards.first().locator('.chart').textContent();
    expect(funnel).toContain('Sent to the trader');
    expect(funnel).toContain('Settled directly');
    expect(await page.locator('[data-testid="backlog-summary"]').textContent()).toMatch(/open cases/);
    await shot('resolution');
    // A filter applies here too: the URL changes and the funnel is redrawn. The old figures stay
    // (busy) until the new ones are drawn: wait for every card to settle, then read.
    await page.selectOption('select[name="consumerCountry"]', 'IT');
    await expect.poll(() => new URL(page.url()).searchParams.get('consumerCountry')).toBe('IT');
    await expect.poll(() => cards.first().locator('.card-title').textContent()).toContain('consumers in Italy');
    await expect.poll(() => page.locator('section.card:not([aria-busy="false"])').count()).toBe(0);
    await allCardsDrawn(6);
    const italy = await e2e.server.get<{ complaints: number }>('/api/v1/stats/summary?consumerCountry=IT');
    expect(await cards.first().locator('.chart .mark-rect path[aria-label*="label: Filed;"]').getAttribute('aria-label')).toMatch(
      new RegExp(`^Complaints: ${italy.complaints.toLocaleString('en-GB')};`),
    );
    // A chart's info icon opens its entry on "About these figures", keeping the filters.
    await cards.filter({ hasText: 'Open cases by stage' }).locator('a.info').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/about');
    expect(new URL(page.url()).hash).toBe('#overdue');
    expect(new URL(page.url()).searchParams.get('consumerCountry')).toBe('IT');
    await expect.poll(() => page.locator('#overdue').isVisible()).toBe(true);
  });

  it('resolution in Italian', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/resolution?lang=it`);
    const cards = await allCardsDrawn(6);
    expect(await cards.first().locator('.card-title').textContent()).toContain('Percorso dei reclami');
    expect(await cards.first().locator('.chart').textContent()).toContain('Inviato al professionista');
    await shot('resolution-it');
  });

  it('cross-border: flows heatmap and share over time render; a cell filters by both countries', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/cross-border`);
    const cards = await allCardsDrawn(2);
    expect(await cards.first().locator('.card-title').textContent()).toContain('consumer country');
    await shot('cross-border');
    await cards.first().locator('.mark-rect path').first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('traderCountry')).not.toBeNull();
    expect(new URL(page.url()).searchParams.get('consumerCountry')).not.toBeNull();
    await allCardsDrawn(2);
  });

  it('on a 390 px phone the navigation is a menu', async () => {
    e2e.w = await openPage(e2e.browser, { width: 390, height: 844 });
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/registry`);
    const nav = page.locator('#main-nav');
    expect(await nav.isVisible()).toBe(false);
    await page.click('.menu-button');
    expect(await nav.isVisible()).toBe(true);
    await shot('phone-menu');
    await nav.locator('a', { hasText: 'Overview' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect(await nav.isVisible()).toBe(false);
    await kpi('complaints').waitFor();
    await page.locator('section.card .chart svg').first().waitFor();
    // Nothing wider than the phone: the page does not scroll sideways.
    // (a string: the root tsconfig has no DOM types)
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot('phone-overview');
    // The new views fit the phone too (wide tables scroll inside their card).
    for (const view of ['/resolution', '/cross-border', '/etl', '/about']) {
      await page.goto(`${e2e.server.baseUrl}${view}`);
      await page.locator('main h1').waitFor();
      if (view === '/resolution' || view === '/cross-border') await page.locator('section.card .chart svg').first().waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), view).toBeLessThanOrEqual(390);
    }
    await shot('phone-about');
  });

  it('data freshness: the last runs, "run now", and 409 while a run is in progress', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/etl`);
    const rows = page.locator('[data-testid="etl-runs"] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(1);
    // "Run now" is the administrator's: the demo regulator (the default) has no such button.
    expect(await page.locator('[data-testid="etl-run-now"]').count()).toBe(0);
    await switchRole(page, 'admin');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(1);
    const before = await rows.count();
    expect(await page.locator('[data-testid="etl-status"]').first().textContent()).toBe('succeeded');
    await page.click('[data-testid="etl-run-now"]');
    await expect.poll(async () => (await page.locator('[data-testid="etl-message"]').textContent()) ?? '').toMatch(/^Run \d+ started\.$/);
    await expect.poll(() => rows.count()).toBe(before + 1);
    await expect.poll(() => page.locator('[data-testid="etl-status"]').first().textContent(), { timeout: 30_000 }).toBe('succeeded');
    await shot('etl');
    // While another run is in progress the server answers 409: said in words, not as a failure.
    await page.route('**/api/v1/etl/runs', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 409,
            contentType: 'application/json',
            body: JSON.stringify({ statusCode: 409, error: 'Conflict', message: 'ETL run 99 is in progress', runningRunId: 99 }),
          })
        : route.continue(),
    );
    await page.click('[data-testid="etl-run-now"]');
    await expect
      .poll(async () => (await page.locator('[data-testid="etl-message"]').textContent()) ?? '')
      .toContain('already in progress (run 99)');
    // Chromium logs every non-2xx fetch as a console error; this 409 is the expected, handled one.
    const expected = 'console: Failed to load resource: the server responded with a status of 409 (Conflict)';
    expect(e2e.w.errors.filter((e) => e === expected)).toHaveLength(1);
    e2e.w.errors.splice(e2e.w.errors.indexOf(expected), 1);
  });

  it('about these figures: definitions, deadlines, sources, suppression and retention in both languages', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/about`);
    const about = page.locator('[data-testid="about"]');
    await about.waitFor();
    const en = (await about.textContent()) ?? '';
    for (const words of [
      'Resolution rate = resolved / closed',
      '10 days',
      '30 days',
      '21 days',
      '90 days',
      'Eurostat',
      'at least 10 closed',
      'fewer than 5 peers',
      'RETENTION_MONTHS',
      'Directive 2013/11/EU',
      'Art. 19(3)',
    ])
      expect(en).toContain(words);
    await shot('about');
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('lang')).toBe('it');
    const it = (await about.textContent()) ?? '';
    for (const words of [
      'Tasso di risoluzione = risolti / chiusi',
      'Termini di legge',
      '21 giorni',
      'meno di 5 pari',
      'RETENTION_MONTHS',
      'Fonti normative',
    ])
      expect(it).toContain(words);
  });
});
