/**
 * The e2e harness: `scripts/start.mjs` (what `npm start` runs) on a throw-away DATA_DIR with a small
 * demo dataset, and Debian's Chromium driven by playwright-core. Every page's console errors and
 * uncaught exceptions are collected so a test can assert there were none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { freePort } from '../support/free-port.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results/e2e');

export type Role = 'admin' | 'regulator' | 'trader' | 'adr_body' | 'ingest';
export const ROLES: readonly Role[] = ['admin', 'regulator', 'trader', 'adr_body', 'ingest'];
export interface DemoToken {
  role: Role;
  label: string;
  token: string;
  traderId?: string;
  adrBodyId?: string;
  source?: string;
}

export interface Server {
  baseUrl: string;
  /** demo mode: one token per role (GET /api/v1/demo/session); empty otherwise */
  demoTokens: Partial<Record<Role, DemoToken>>;
  /** the token for a role: the demo one, or ADMIN_TOKEN for admin outside demo mode */
  tokenOf(role: Role): string;
  /** fetch with that role's bearer token (default: the demo regulator, whom the dashboard opens as) */
  fetch(p: string, role?: Role): Promise<Response>;
  /** the JSON of a 200 answer for that role */
  get<T>(p: string, role?: Role): Promise<T>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** 'default': DEMO_COMPLAINTS left unset, so the server loads the demo `npm start` loads */
  complaints?: number | 'default';
  /** false: DEMO=false (sign-in form, no switcher); the demo data is seeded by DEMO_COMPLAINTS only in demo mode */
  demo?: boolean;
  adminToken?: string;
}

export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export async function startServer(opts: number | ServerOptions = 3000): Promise<Server> {
  const { complaints = 3000, demo = true, adminToken } = typeof opts === 'number' ? { complaints: opts } : opts;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'odr-e2e-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_COMPLAINTS: String(complaints),
    ETL_CRON: 'off',
    LOG_LEVEL: 'warn',
    DEMO: String(demo),
  };
  if (complaints === 'default') delete env.DEMO_COMPLAINTS;
  if (adminToken) env.ADMIN_TOKEN = adminToken;
  else delete env.ADMIN_TOKEN;
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 200_000;
  // Ready when the first ETL run has published a snapshot (analytics answer 503 before); an empty
  // store outside demo mode has nothing to publish, so there listening is enough. Health tells
  // only whether the process serves (its details need an admin token), so a demo server is asked
  // for the figures with its demo regulator's token.
  const waitFor = async (what: string, ready: () => Promise<boolean>): Promise<void> => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${log}`);
      if (Date.now() > deadline) throw new Error(`server not ready in time (${what}):\n${log}`);
      try {
        if (await ready()) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  await waitFor('health', async () => (await fetch(`${baseUrl}/api/health`)).status === 200);
  const demoTokens: Partial<Record<Role, DemoToken>> = {};
  if (demo) {
    await waitFor('demo tokens', async () => {
      const res = await fetch(`${baseUrl}/api/v1/demo/session`);
      if (res.status !== 200) return false;
      for (const t of ((await res.json()) as { tokens: DemoToken[] }).tokens) demoTokens[t.role] = t;
      return demoTokens.regulator !== undefined;
    });
    const regulator = demoTokens.regulator!.token;
    await waitFor(
      'first snapshot',
      async () => (await fetch(`${baseUrl}/api/v1/stats/summary`, { headers: { authorization: `Bearer ${regulator}` } })).status === 200,
    );
  }
  const tokenOf = (role: Role): string => {
    const t = demoTokens[role]?.token ?? (role === 'admin' ? adminToken : undefined);
    if (!t) throw new Error(`no ${role} token on this server`);
    return t;
  };
  const authFetch = (p: string, role: Role = 'regulator') =>
    fetch(`${baseUrl}${p}`, { headers: { authorization: `Bearer ${tokenOf(role)}` } });
  return {
    baseUrl,
    demoTokens,
    tokenOf,
    fetch: authFetch,
    async get<T>(p: string, role: Role = 'regulator'): Promise<T> {
      const res = await authFetch(p, role);
      if (res.status !== 200) throw new Error(`GET ${p} as ${role}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught exceptions seen so far */
  errors: string[];
}

/**
 * A page in a fresh context. With `token`, the tab starts signed in with it (the dashboard keeps
 * its token in sessionStorage under 'odr.token'), as if the user had signed in before.
 */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }, token?: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  if (token)
    await context.addInitScript(`sessionStorage.getItem('odr.token') || sessionStorage.setItem('odr.token', ${JSON.stringify(token)})`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, context, errors };
}

/** The demo role switcher's choice, then waits until the top bar says so. */
export async function switchRole(page: Page, role: Role): Promise<void> {
  const select = page.locator('[data-testid="role-switcher"]');
  const value = await select.locator(`option[data-role="${role}"]`).getAttribute('value');
  await select.selectOption(value!);
  await page.locator(`[data-testid="signed-in-as"][data-role="${role}"]`).waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

let axeScript: string | undefined;
const axeSource = (): string => (axeScript ??= readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8'));

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page as it is now and returns the serious and critical
 * violations, each with the selectors of the offending nodes; a test expects none.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not added as a <script>: the server's
  // Content-Security-Policy (script-src 'self') blocks inline scripts, as it should.
  if (!(await page.evaluate<boolean>(`typeof window.axe !== 'undefined'`))) await page.evaluate(axeSource());
  // A string: the root tsconfig has no DOM types, and axe is a global of the page.
  const result = await page.evaluate<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })`,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.map(String).join(' ')) }));
}

export interface DashboardSuite {
  server: Server;
  browser: Browser;
  /** the page the running test opened (closed after it, failing the test on any console error) */
  w: WatchedPage | undefined;
  shot(name: string): Promise<Buffer>;
}

/**
 * One e2e file's harness, registered in its describe block: the server (started once) and the
 * browser, closed at the end; after each test its page is closed and the test fails on any
 * console error or uncaught exception the page saw.
 */
export function dashboardSuite(opts: number | ServerOptions = 3000): DashboardSuite {
  const suite: DashboardSuite = {
    server: undefined as unknown as Server,
    browser: undefined as unknown as Browser,
    w: undefined,
    // A full-page picture of a chart-heavy page can take long on a loaded CI machine: a record, not an assertion.
    shot: (name) =>
      suite.w!.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled', timeout: 90_000 }),
  };
  beforeAll(async () => {
    suite.server = await startServer(opts);
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  afterEach(async () => {
    const errors = suite.w?.errors ?? [];
    await suite.w?.context.close();
    suite.w = undefined;
    expect(errors, 'console errors').toEqual([]);
  });
  return suite;
}
