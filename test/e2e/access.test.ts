/**
 * Sign-in and navigation by role (issue 5): in demo mode the dashboard opens as the demo regulator
 * and a switcher in the top bar signs in as each demo role, whose navigation shows that role's
 * views and nothing else; a view the role may not use, opened by URL, says so. Outside demo mode
 * the dashboard asks for a token and never offers the switcher. Figures are compared with the
 * API's own answers for the same token (the API's scoping is not restated here).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  dashboardSuite,
  E2E_ADMIN_TOKEN,
  openPage,
  type Role,
  ROLES,
  seriousAxeViolations,
  switchRole,
  type WatchedPage,
} from './support.js';

const ALL = ['/', '/countries', '/cross-border', '/resolution', '/traders', '/adr-bodies', '/registry', '/etl', '/about'];
/** The navigation each role is promised (issue 5); mirrors dashboard/src/lib/roles.ts from the outside. */
const NAV: Record<Role, string[]> = {
  admin: ALL,
  regulator: ALL,
  trader: ['/', '/resolution', '/traders', '/registry', '/about'],
  adr_body: ['/', '/resolution', '/adr-bodies', '/registry', '/about'],
  ingest: ['/etl', '/about'],
};
const navPaths = async (page: Page): Promise<string[]> =>
  (await page.locator('#main-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))).map((h) => h.split('?')[0]!);
const expectNav = async (page: Page, role: Role) => expect.poll(() => navPaths(page), { message: `${role} navigation` }).toEqual(NAV[role]);
/** Chromium logs every non-2xx fetch as a console error; an expected, handled one is taken off the list. */
const takeExpected = (w: WatchedPage, status: number) => {
  const i = w.errors.findIndex((e) => e.startsWith('console: Failed to load resource') && e.includes(`status of ${status}`));
  expect(i, `an expected ${status} in ${JSON.stringify(w.errors)}`).toBeGreaterThanOrEqual(0);
  w.errors.splice(i, 1);
};

interface Session {
  role: Role;
  traderId: string | null;
  traderName: string | null;
  adrBodyId: string | null;
  adrBodyName: string | null;
  demo: boolean;
}

describe('access e2e: demo mode', () => {
  const e2e = dashboardSuite(3000);
  const shot = (name: string) => e2e.shot(name);

  it('one demo token per role, bound as promised, and stable in the API', async () => {
    expect(Object.keys(e2e.server.demoTokens).sort()).toEqual([...ROLES].sort());
    expect(e2e.server.demoTokens.trader!.traderId).toBeTruthy();
    expect(e2e.server.demoTokens.adr_body!.adrBodyId).toBeTruthy();
    expect(e2e.server.demoTokens.ingest!.source).toBe('demo');
    for (const role of ROLES) expect((await e2e.server.get<Session>('/api/v1/session', role)).role).toBe(role);
  });

  it('opens as the demo regulator; the switcher shows each role its views and nothing else', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/`);
    await page.locator('[data-testid="signed-in-as"][data-role="regulator"]').waitFor();
    await expectNav(page, 'regulator');
    await page.locator('[data-testid="kpi-complaints-value"]').waitFor();
    for (const role of ['trader', 'adr_body', 'ingest', 'admin', 'regulator'] as const) {
      await switchRole(page, role);
      await expectNav(page, role);
      // The page shown is one the role may open (a switch away from a forbidden page goes home).
      expect(NAV[role]).toContain(new URL(page.url()).pathname);
      await shot(`access-${role}`);
    }
  });

  it('a view the role may not use, opened by URL, says so', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/about`);
    await page.locator('[data-testid="signed-in-as"][data-role="regulator"]').waitFor();
    const forbidden: Partial<Record<Role, string>> = { trader: '/countries', adr_body: '/traders', ingest: '/registry' };
    for (const [role, view] of Object.entries(forbidden) as [Role, string][]) {
      await switchRole(page, role);
      // A reload keeps the tab's token: still that role.
      await page.goto(`${e2e.server.baseUrl}${view}`);
      await page.locator(`[data-testid="signed-in-as"][data-role="${role}"]`).waitFor();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Not available for your role');
      expect(await page.locator('[data-testid="not-available"]').textContent()).toContain('cannot use this view');
    }
    // In Italian too.
    await page.goto(`${e2e.server.baseUrl}/registry?lang=it`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Non disponibile per il tuo ruolo');
  });

  it('the trader sees its own cases only: the API’s count for its token, its benchmark, no other trader', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const me = await e2e.server.get<Session>('/api/v1/session', 'trader');
    const own = await e2e.server.get<{ total: number; items: { traderId: string }[] }>('/api/v1/complaints?limit=1', 'trader');
    // Other traders' names, as the regulator sees them.
    const others = (await e2e.server.get<{ items: { traderId: string; name: string | null }[] }>('/api/v1/stats/traders?limit=30')).items
      .filter((t) => t.traderId !== me.traderId && t.name && t.name !== me.traderName)
      .map((t) => t.name!);
    expect(others.length).toBeGreaterThan(0);
    await page.goto(`${e2e.server.baseUrl}/registry`);
    await page.locator('[data-testid="signed-in-as"]').waitFor();
    await switchRole(page, 'trader');
    await expect
      .poll(async () => (await page.locator('[data-testid="registry-total"]').textContent()) ?? '')
      .toContain(`${own.total.toLocaleString('en-GB')} cases`);
    const traderCells = await page.locator('table.registry tbody tr td:nth-child(4)').allTextContents();
    expect(new Set(traderCells)).toEqual(new Set([me.traderName ?? me.traderId]));
    // The benchmark: its own only, no table of traders, no picker.
    await page.click('#main-nav a[href^="/traders"]');
    await page.locator('[data-testid="own-figures"]').waitFor();
    expect(await page.locator('#benchmark-heading').textContent()).toContain(me.traderName ?? me.traderId!);
    expect(await page.locator('[data-testid="trader-table"], [data-testid="trader-search"], [data-testid="trader-link"]').count()).toBe(0);
    // A traderId in the URL does not show another trader's benchmark.
    const other = (await e2e.server.get<{ items: { traderId: string }[] }>('/api/v1/stats/traders?limit=5')).items.find(
      (t) => t.traderId !== me.traderId,
    )!;
    await page.goto(`${e2e.server.baseUrl}/traders?traderId=${encodeURIComponent(other.traderId)}`);
    await page.locator('[data-testid="own-figures"]').waitFor();
    expect(await page.locator('#benchmark-heading').textContent()).not.toContain(other.traderId);
    for (const view of ['/registry', '/traders', '/']) {
      await page.goto(`${e2e.server.baseUrl}${view}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const text = (await page.locator('body').textContent()) ?? '';
      for (const name of others) expect(text, `${view} shows ${name}`).not.toContain(name);
    }
    await shot('access-trader-benchmark');
  });

  it('the ADR body sees its own body’s report, with no picker', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const me = await e2e.server.get<Session>('/api/v1/session', 'adr_body');
    await page.goto(`${e2e.server.baseUrl}/about`);
    await page.locator('[data-testid="signed-in-as"]').waitFor();
    await switchRole(page, 'adr_body');
    await page.click('#main-nav a[href^="/adr-bodies"]');
    await page.locator('[data-testid="adr-report-title"]').waitFor();
    expect(await page.locator('[data-testid="adr-report-title"]').textContent()).toContain(me.adrBodyName ?? me.adrBodyId!);
    expect(await page.locator('[data-testid="adr-body-select"], [data-testid="adr-body-list"]').count()).toBe(0);
    const own = await e2e.server.get<{ total: number }>('/api/v1/complaints?limit=1', 'adr_body');
    await page.click('#main-nav a[href^="/registry"]');
    await expect
      .poll(async () => (await page.locator('[data-testid="registry-total"]').textContent()) ?? '')
      .toContain(`${own.total.toLocaleString('en-GB')} case`);
  });

  it('the ingest feed: data freshness without the runs list or "run now", and about', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/etl`);
    await page.locator('[data-testid="signed-in-as"]').waitFor();
    await switchRole(page, 'ingest');
    await page.locator('[data-testid="etl-ingest"]').waitFor();
    expect(await page.locator('[data-testid="etl-run-now"], [data-testid="etl-runs"]').count()).toBe(0);
  });

  it('signs in with a pasted token through the form; a bad token is said in words; axe clean', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/`);
    await page.locator('[data-testid="signed-in-as"][data-role="regulator"]').waitFor();
    await page.click('[data-testid="sign-out"]');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    const field = page.getByLabel('Access token');
    expect(await field.getAttribute('type')).toBe('password');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await field.fill('odr_not-a-real-token');
    await page.click('[data-testid="sign-in-submit"]');
    await expect
      .poll(async () => (await page.locator('[data-testid="sign-in-error"]').textContent()) ?? '')
      .toContain('not valid or has been revoked');
    takeExpected(e2e.w, 401);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot('access-sign-in-error');
    await field.fill(e2e.server.tokenOf('trader'));
    await page.click('[data-testid="sign-in-submit"]');
    await page.locator('[data-testid="signed-in-as"][data-role="trader"]').waitFor();
    await expectNav(page, 'trader');
    expect(new URL(page.url()).pathname).toBe('/');
  });
});

describe('access e2e: outside demo mode', () => {
  const e2e = dashboardSuite({ demo: false, adminToken: E2E_ADMIN_TOKEN });

  it('asks for a token, never offers the switcher, and signs in with one', async () => {
    expect(await (await fetch(`${e2e.server.baseUrl}/api/v1/demo/session`)).json()).toEqual({ demo: false, tokens: [] });
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/registry`);
    await page.locator('[data-testid="sign-in-form"]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.locator('[data-testid="role-switcher"]').count()).toBe(0);
    expect(await page.locator('#main-nav a').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('Access token').fill('odr_wrong');
    await page.click('[data-testid="sign-in-submit"]');
    await page.locator('[data-testid="sign-in-error"]').waitFor();
    takeExpected(e2e.w, 401);
    await page.getByLabel('Access token').fill(E2E_ADMIN_TOKEN);
    await page.click('[data-testid="sign-in-submit"]');
    await page.locator('[data-testid="signed-in-as"][data-role="admin"]').waitFor();
    // Back to the page asked for; every view; still no switcher.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/registry');
    await expectNav(page, 'admin');
    expect(await page.locator('[data-testid="role-switcher"]').count()).toBe(0);
    await page.reload();
    await page.locator('[data-testid="signed-in-as"][data-role="admin"]').waitFor();
    expect(await page.locator('[data-testid="role-switcher"]').count()).toBe(0);
  });

  it('in Italian', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/?lang=it`);
    await page.locator('[data-testid="sign-in-form"]').waitFor();
    expect(await page.locator('main h1').textContent()).toBe('Accedi');
    expect(await page.getByLabel('Token di accesso').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
