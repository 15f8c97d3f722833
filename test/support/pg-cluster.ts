/**
 * A throw-away PostgreSQL cluster for the suites that stop, kill and restart the database
 * (faults, scale-out): initdb into a temp folder, pg_ctl start/stop, trust auth, its own port.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
/** Where initdb and pg_ctl are; null when the server binaries are not installed (the suites say so and skip). */
export const PG_BIN: string | null =
  ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((d) =>
    existsSync(path.join(d, 'initdb')),
  ) ?? (onPath ? path.dirname(onPath) : null);
if (!PG_BIN)
  console.warn(
    'the fault and scale-out suites are skipped: initdb is not installed (PostgreSQL server binaries are needed for a throw-away cluster)',
  );

const AS_ROOT = process.getuid?.() === 0;

/** initdb and pg_ctl refuse to run as root: as root they run as the postgres user. */
function pgTool(tool: string, args: string[]): void {
  const cmd = path.join(PG_BIN!, tool);
  const r = AS_ROOT
    ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** A throw-away cluster in a temp folder: trust auth, its own port and socket folder. */
export class Cluster {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'odr-faults-pg-'));
  readonly data = path.join(this.dir, 'data');
  port = 0;

  async init(): Promise<void> {
    chmodSync(this.dir, 0o755);
    if (AS_ROOT) {
      const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
      chownSync(this.dir, Number(id), Number(gid));
    }
    this.port = await freePort();
    pgTool('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  }

  start(): void {
    pgTool('pg_ctl', [
      '-D',
      this.data,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  stop(mode: 'fast' | 'immediate'): void {
    pgTool('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  url(db: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  remove(): void {
    try {
      this.stop('immediate');
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Creates a database on the cluster. */
  async createDatabase(name: string): Promise<void> {
    const admin = new pg.Client({ connectionString: this.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
  }
}
