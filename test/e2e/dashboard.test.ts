/** The dashboard in headless Chromium against the real server on the demo data. */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, SCREENSHOTS, startServer, type Server, type WatchedPage } from './support.js';

describe('dashboard e2e', () => {
  let server: Server;
  let browser: Browser;
  let w: WatchedPage | undefined;
  beforeAll(async () => {
    server = await startServer(3000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async () => {
    const errors = w?.errors ?? [];
    await w?.context.close();
    w = undefined;
    expect(errors, 'console errors').toEqual([]);
  });
  const shot = (name: string) => w!.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const kpi = (key: string) => w!.page.locator(`[data-testid="kpi-${key}-value"]`);

  it('overview: KPI tiles and every chart card render', async () => {
    w = await openPage(browser);
    const { page } = w;
    await page.goto(`${server.baseUrl}/`);
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
    w = await openPage(browser);
    const { page } = w;
    await page.goto(`${server.baseUrl}/`);
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
    // Clicking a sector's bar filters the dashboard by that sector.
    const sectorCard = page.locator('section.card', { hasText: 'Top sectors' });
    await sectorCard.locator('.mark-rect path').first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sector')).not.toBeNull();
    await expect.poll(() => kpi('complaints').textContent()).not.toBe('3,000');
    // A period gives each KPI its change against the previous period of equal length.
    await page.goto(`${server.baseUrl}/?from=2025-01-01&to=2025-07-01`);
    await expect.poll(async () => (await page.locator('[data-testid="kpi-complaints"] .change').textContent()) ?? '').toMatch(/vs previous period/);
  });

  it('registry pages with the cursor and a case opens with its timeline', async () => {
    w = await openPage(browser);
    const { page } = w;
    await page.goto(`${server.baseUrl}/registry`);
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

  it('?lang=it shows Italian words and numbers', async () => {
    w = await openPage(browser);
    const { page } = w;
    await page.goto(`${server.baseUrl}/?lang=it`);
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

  it('on a 390 px phone the navigation is a menu', async () => {
    w = await openPage(browser, { width: 390, height: 844 });
    const { page } = w;
    await page.goto(`${server.baseUrl}/registry`);
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
  });
});
