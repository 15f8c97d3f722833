/**
 * The built server (`node dist/api/src/main.js`) as a child process, for the suites that kill it,
 * stop it with a signal or run several at once. Its log is kept for failure messages.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'api', 'src', 'main.js');
export const ADMIN = 'faults-admin-token-0123456789abcdef';
export const auth = () => ({ authorization: `Bearer ${ADMIN}` });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Compiles the server into dist/ (the suites run what users run). */
export function buildServer(): void {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}

/** The server as a child process; its log is kept for the failure message. */
export class ServerProcess {
  child: ChildProcess | null = null;
  log = '';
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'odr-server-data-'));
  port = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly extraEnv: NodeJS.ProcessEnv = {},
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      DATABASE_URL: this.databaseUrl,
      DATA_DIR: this.dataDir,
      DEMO: 'false',
      ETL_CRON: 'off',
      ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: 'off',
      SHUTDOWN_GRACE_MS: '10000',
      ...this.extraEnv,
    };
    const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited during start-up:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`the server did not answer in 60 s:\n${this.log}`);
      try {
        const r = await fetch(`${this.base}/api/v1/stats/summary`, { headers: auth() });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
  }

  async kill9(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  fetch(p: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.base}${p}`, { ...init, headers: { ...auth(), ...(init.headers as Record<string, string> | undefined) } });
  }
}
