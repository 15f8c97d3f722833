/**
 * Shared snapshots (SNAPSHOT_DIR): how several instances serve the same analytics.
 *
 * DuckDB lets one process write a database file, and a process that has a file open does not see
 * it replaced. So a published snapshot is an immutable file, `run-<id>.duckdb`, and `current.json`
 * (replaced atomically by a rename) names the newest. The instance that ran the ETL (one at a
 * time: the ETL lock) copies its work store there after the commit; every instance, itself
 * included, polls the manifest and opens a newer file read-only, swapping it in once open: a
 * request reads one snapshot from start to end, and the previous file closes when its last
 * reader is done. Old files are deleted once two newer ones exist (an instance still reading one
 * keeps its open handle: on POSIX a deleted file lives until it is closed).
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AnalyticsDb, readSnapshot, type Query, type Snapshot } from './analytics-db.js';
import { TINY_INSTANCE, type InstanceLimits } from './duckdb-budget.js';
import type { SnapshotSource } from './snapshot-source.js';

const MANIFEST = 'current.json';
const FILE = /^run-(\d+)\.duckdb$/;
/** Leftovers of a copy that a crash interrupted are removed after this long. */
const STALE_PART_MS = 60 * 60_000;

const manifestSchema = z.object({
  etlRunId: z.number().int().positive(),
  /** The last run that changed a figure (answers kept for it still hold). */
  dataRunId: z.number().int().positive(),
  /** Whether complaints changed (the unfiltered answers are then recomputed ahead). */
  rowsChanged: z.boolean(),
  file: z.string().regex(FILE),
  publishedAt: z.string(),
});
export type Manifest = z.infer<typeof manifestSchema>;

export interface SharedSnapshotsOptions {
  /** The schema version the ETL writes (etl/plan.ts): a file of another one is pruned first. */
  schemaVersion: string;
  /** Each snapshot opened here: its share of the process's DuckDB budget (duckdb-budget.ts). */
  limits?: InstanceLimits;
  /**
   * Where a snapshot opened here spills (a folder of its own inside, removed when it closes: two
   * may be open at once); not the snapshot folder, which other instances share. Default: the OS's.
   */
  spillDir?: string;
  /** How often the manifest is read (ms); a new snapshot is served at most this long after it is published. */
  pollMs?: number;
  /** Reported, not thrown: a poll that fails is retried at the next one. */
  onError?: (err: Error) => void;
}

interface Opened {
  manifest: Manifest;
  db: AnalyticsDb;
  /** Requests reading this snapshot now. */
  users: number;
  retired: boolean;
}

export class SharedSnapshots implements SnapshotSource {
  private current: Opened | null = null;
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly listeners: Array<(m: Manifest) => void> = [];

  private constructor(
    readonly dir: string,
    /** Answers "no snapshot yet" before the first publication: an empty store of the same schema. */
    private readonly empty: AnalyticsDb,
    private readonly options: SharedSnapshotsOptions,
  ) {}

  static async open(dir: string, options: SharedSnapshotsOptions): Promise<SharedSnapshots> {
    mkdirSync(dir, { recursive: true });
    const shared = new SharedSnapshots(
      path.resolve(dir),
      await AnalyticsDb.open(':memory:', { readers: 1, ...TINY_INSTANCE, schemaVersion: options.schemaVersion }),
      options,
    );
    await shared.refresh();
    shared.timer = setInterval(() => void shared.refresh().catch((err: Error) => options.onError?.(err)), options.pollMs ?? 1000);
    shared.timer.unref();
    return shared;
  }

  /** Called after a newer snapshot is opened here (e.g. to compute the common answers ahead). */
  onLoaded(listener: (m: Manifest) => void): void {
    this.listeners.push(listener);
  }

  /** The manifest of the snapshot served here, or null before the first publication. */
  get served(): Manifest | null {
    return this.current?.manifest ?? null;
  }

  async read<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    const entry = this.current;
    if (!entry) return this.empty.read(fn);
    entry.users++;
    try {
      return await entry.db.read(fn);
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) void entry.db.close(0);
    }
  }

  async snapshot(): Promise<Snapshot | null> {
    return this.read((q) => readSnapshot(q));
  }

  /** Reads the manifest and opens the snapshot it names when it is newer than the one served. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async load(): Promise<void> {
    if (this.closed) return;
    const manifest = await this.readManifest();
    if (!manifest || (this.current && manifest.etlRunId <= this.current.manifest.etlRunId)) return;
    const db = await AnalyticsDb.open(path.join(this.dir, manifest.file), {
      readOnly: true,
      ...this.options.limits,
      tempDirectory: this.spillDirOf(manifest.file),
    });
    if (this.closed) {
      await db.close(0);
      return;
    }
    const previous = this.current;
    this.current = { manifest, db, users: 0, retired: false };
    if (previous) {
      previous.retired = true;
      if (previous.users === 0) await previous.db.close(0);
    }
    for (const l of this.listeners) l(manifest);
  }

  /**
   * A folder of its own for each snapshot file opened in this process (DuckDB names its spill
   * files alike in every instance, and removes the folder on close). The host's name as well as
   * the process id: instances in containers that share a DATA_DIR may have the same pid.
   */
  private spillDirOf(file: string): string {
    const base = this.options.spillDir ?? path.join(tmpdir(), 'odr-snapshots');
    mkdirSync(base, { recursive: true });
    return path.join(base, `${hostname()}-${process.pid}-${file.replace(/\.duckdb$/, '')}`);
  }

  private async readManifest(): Promise<Manifest | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, MANIFEST), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${path.join(this.dir, MANIFEST)} is not a snapshot manifest: ${parsed.error.message}`);
    return parsed.data;
  }

  /**
   * The ETL's last step on the instance that ran it: copy the committed work store into the
   * folder, name it in the manifest, serve it here at once, and delete files no one needs.
   */
  async publish(work: AnalyticsDb, info: Omit<Manifest, 'file' | 'publishedAt'>): Promise<Manifest> {
    const file = `run-${info.etlRunId}.duckdb`;
    const part = path.join(this.dir, `${file}.part-${process.pid}`);
    try {
      await work.copyTo(part);
      await rename(part, path.join(this.dir, file));
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
    const manifest: Manifest = { ...info, file, publishedAt: new Date().toISOString() };
    const manifestPart = path.join(this.dir, `${MANIFEST}.part-${process.pid}`);
    await writeFile(manifestPart, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(manifestPart, path.join(this.dir, MANIFEST));
    // A poll in flight may have read the manifest before the rename: let it end, then read again.
    await this.refreshing?.catch(() => undefined);
    await this.refresh();
    await this.prune(manifest.etlRunId);
    return manifest;
  }

  /**
   * Keeps the newest file and the one before it (instances may still be swapping to it), unless
   * an older schema wrote that one: it may hold what the newer schema no longer keeps (free
   * text: personal data), so it goes at once; an instance swapping to it takes the newest next poll.
   */
  private async prune(newest: number): Promise<void> {
    const now = Date.now();
    const files = readdirSync(this.dir);
    const runs = files
      .flatMap((f) => (FILE.exec(f) ? [Number(FILE.exec(f)![1])] : []))
      .filter((id) => id <= newest)
      .sort((a, b) => b - a);
    const previous = runs[1] === undefined ? [] : [`run-${runs[1]}.duckdb`];
    const previousVersion =
      previous.length > 0 ? await schemaVersionOf(path.join(this.dir, previous[0]!), this.spillDirOf(`check-${previous[0]!}`)) : null;
    const stale = previousVersion !== null && previousVersion !== this.options.schemaVersion ? previous : [];
    const remove = [
      ...stale,
      ...runs.slice(2).map((id) => `run-${id}.duckdb`),
      ...files.filter((f) => f.includes('.part-') && now - mtime(path.join(this.dir, f)) > STALE_PART_MS),
    ];
    for (const f of remove) {
      try {
        unlinkSync(path.join(this.dir, f));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError?.(err as Error);
      }
    }
  }

  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    await this.current?.db.close(graceMs);
    this.current = null;
    await this.empty.close(0);
  }
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** The schema version a published file was written with (null when it cannot be read now). */
async function schemaVersionOf(file: string, tempDirectory: string): Promise<string | null> {
  try {
    const db = await AnalyticsDb.open(file, { readOnly: true, readers: 1, ...TINY_INSTANCE, tempDirectory });
    try {
      return (await db.snapshot())?.schemaVersion ?? null;
    } finally {
      await db.close(0);
    }
  } catch {
    return null;
  }
}
