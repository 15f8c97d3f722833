/** The countries view (map of Europe + ranked bars) in headless Chromium against the demo data. */
import { describe, expect, it } from 'vitest';
import { dashboardSuite, openPage, seriousAxeViolations } from './support.js';

describe('countries view e2e', () => {
  const e2e = dashboardSuite(3000);
  const shot = (name: string) => e2e.shot(name);
  const map = () => e2e.w!.page.locator('[data-testid="countries-map"]');
  const bars = () => e2e.w!.page.locator('[data-testid="countries-bars"]');
  /** The countries drawn in blue (with complaints in the filter) and in grey (without). */
  const withData = () => map().locator('.with_data_marks path');
  const noData = () => map().locator('.no_data_marks path');
  const param = (name: string) => new URL(e2e.w!.page.url()).searchParams.get(name);
  /** Waits until both cards have drawn their chart. */
  const drawn = async () => {
    await map().locator('.chart svg').waitFor({ timeout: 20_000 });
    await bars().locator('.chart svg').waitFor({ timeout: 20_000 });
  };
  const countriesWithComplaints = async (query: string) => {
    const body = (await (await e2e.server.fetch(`/api/v1/stats/countries?${query}`)).json()) as {
      items: { country: string; complaints: number }[];
    };
    return body.items.filter((i) => i.complaints > 0);
  };

  it('draws a country per shape, switches measure and side in the URL', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/countries`);
    await drawn();
    const consumers = await countriesWithComplaints('side=consumer');
    expect(consumers.length).toBeGreaterThan(5);
    // One blue shape per country with complaints, grey for the rest: the 31 countries in all.
    await expect.poll(() => withData().count()).toBe(consumers.length);
    expect((await withData().count()) + (await noData().count())).toBe(31);
    expect(await bars().locator('.mark-rect path').count()).toBe(consumers.length);
    expect(await map().locator('.card-title').textContent()).toContain('Complaints by consumer country, map, all complaints');
    expect(await map().textContent()).toContain('Grey: no complaints in the filter');
    await shot('countries');

    // Measure: per million inhabitants (a labelled radio), in the URL; the title and numbers follow.
    const before = await bars().locator('.chart').textContent();
    await page.getByRole('radio', { name: 'Complaints per million inhabitants' }).check();
    await expect.poll(() => param('measure')).toBe('perMillion');
    await expect
      .poll(() => bars().locator('.card-title').textContent())
      .toContain('Complaints per million inhabitants by consumer country, ranked');
    await expect.poll(() => bars().locator('.chart').textContent()).not.toBe(before);
    await expect
      .poll(async () => (await withData().first().getAttribute('aria-label')) ?? '')
      .toMatch(/per million inhabitants — .* complaints, .* million inhabitants/);
    // The radios work from the keyboard: the arrow key moves to the next measure.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => param('measure')).toBe('crossBorderShare');
    await expect.poll(() => map().locator('.card-title').textContent()).toContain('Cross-border share by consumer country');
    await expect
      .poll(async () => (await withData().first().getAttribute('aria-label')) ?? '')
      .toMatch(/cross-border — .* of .* complaints/);

    // Side: trader countries, from the API's parameter in the URL.
    await page.getByRole('radio', { name: 'Trader country' }).check();
    await expect.poll(() => param('side')).toBe('trader');
    await expect.poll(() => map().locator('.card-title').textContent()).toContain('by trader country');
    const traders = await countriesWithComplaints('side=trader');
    await drawn();
    await expect.poll(() => withData().count()).toBe(traders.length);
    await shot('countries-trader-share');
    // Back restores the previous side.
    await page.goBack();
    await expect.poll(() => param('side')).toBeNull();
    await expect.poll(() => map().locator('.card-title').textContent()).toContain('by consumer country');
  });

  it('a click on a country filters by it, on the chosen side; a bar does the same', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/countries`);
    await drawn();
    const all = await withData().count();
    // Germany: large, its shape's centre inside it, and with complaints in the demo data.
    await map().locator('.with_data_marks path[aria-label^="Germany:"]').click();
    await expect.poll(() => param('consumerCountry')).toBe('DE');
    await expect.poll(() => page.locator('main h1').textContent()).toContain('consumers in Germany');
    // Only Germany's consumers now: one blue country, one bar.
    await expect.poll(() => withData().count()).toBe(1);
    await expect.poll(() => bars().locator('.mark-rect path').count()).toBe(1);
    expect(all).toBeGreaterThan(1);
    await page.locator('.chip', { hasText: 'Germany' }).waitFor();
    // Trader side, still for German consumers: the first (longest) bar filters by its trader country.
    await page.getByRole('radio', { name: 'Trader country' }).check();
    await expect.poll(() => param('side')).toBe('trader');
    await drawn();
    const expected = (await countriesWithComplaints('side=trader&consumerCountry=DE')).sort((a, b) => b.complaints - a.complaints)[0]!
      .country;
    await expect.poll(() => bars().locator('.mark-rect path').count()).toBeGreaterThan(1);
    await bars().locator('.mark-rect path').first().click();
    await expect.poll(() => param('traderCountry')).toBe(expected);
    expect(param('consumerCountry')).toBe('DE');
    await drawn();
    await shot('countries-filtered');
  });

  it('small numbers per million: under 30 complaints starred and ranked after the others, outlined on the map', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    // Counted here from the complaints, not read from the API's marks.
    const body = (await (await e2e.server.fetch('/api/v1/stats/countries?side=consumer')).json()) as {
      items: { country: string; complaints: number; complaintsPerMillion: number | null }[];
    };
    const ranked = body.items.filter((i) => i.complaints > 0 && i.complaintsPerMillion !== null);
    const small = ranked.filter((i) => i.complaints < 30).length;
    expect(small, 'the demo data has countries under 30 complaints').toBeGreaterThan(0);
    expect(small).toBeLessThan(ranked.length);
    await page.goto(`${e2e.server.baseUrl}/countries?measure=perMillion`);
    await drawn();
    // The y axis's labels (the countries), top to bottom.
    const labels = () => bars().locator('g.role-axis[aria-label^="Y-axis"] .role-axis-label text').allTextContents();
    await expect.poll(async () => (await labels()).length).toBe(ranked.length);
    const starred = (await labels()).map((l) => l.endsWith(' *'));
    // Every starred bar comes after every other one.
    expect(starred).toEqual([...Array(ranked.length - small).fill(false), ...Array(small).fill(true)]);
    expect(await map().locator('.low_count_marks path').count()).toBe(small);
    expect(await page.locator('[data-testid="small-note"]').textContent()).toContain('fewer than 30 complaints');
    await shot('countries-small-numbers');
    // A count is never a small number: no stars, no outline, no note.
    await page.getByRole('radio', { name: 'Complaints', exact: true }).check();
    await expect.poll(async () => (await labels()).filter((l) => l.endsWith(' *')).length).toBe(0);
    expect(await map().locator('.low_count_marks path').count()).toBe(0);
    expect(await page.locator('[data-testid="small-note"]').count()).toBe(0);
  });

  it('?lang=it shows Italian words', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/countries?lang=it&measure=perMillion`);
    await drawn();
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    expect(await map().locator('.card-title').textContent()).toContain(
      'Reclami per milione di abitanti per paese del consumatore, mappa, tutti i reclami',
    );
    const text = (await page.locator('main').textContent()) ?? '';
    for (const words of [
      'Lato',
      'Misura',
      'Paese del professionista',
      'Quota transfrontaliera',
      'In grigio: nessun reclamo nel filtro',
      'classifica',
    ])
      expect(text).toContain(words);
    await expect.poll(async () => (await withData().first().getAttribute('aria-label')) ?? '').toContain('per milione di abitanti');
    await shot('countries-it');
  });

  it('has no serious or critical accessibility violation', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/countries`);
    await drawn();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The Italian page too (its own words, its own lengths).
    await page.goto(`${e2e.server.baseUrl}/countries?lang=it&side=trader&measure=crossBorderShare`);
    await drawn();
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('on a 390 px phone the map and the bars stack without sideways scrolling', async () => {
    e2e.w = await openPage(e2e.browser, { width: 390, height: 844 });
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/countries`);
    await drawn();
    await expect.poll(() => withData().count()).toBeGreaterThan(5);
    // (a string: the root tsconfig has no DOM types)
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const mapBox = (await map().boundingBox())!;
    const barsBox = (await bars().boundingBox())!;
    expect(barsBox.y).toBeGreaterThanOrEqual(mapBox.y + mapBox.height);
    expect(mapBox.x + mapBox.width).toBeLessThanOrEqual(390);
    await shot('countries-phone');
  });
});
