/**
 * A hard memory limit for one process, as a container gets it: a memory cgroup of its own, made
 * inside the cgroup the bench runs in (so it never escapes a limit the bench itself is under).
 * cgroup v2's `memory.max` where a v2 hierarchy has the memory controller, else cgroup v1's
 * `memory.limit_in_bytes` (and `memory.memsw.limit_in_bytes`, so that swap does not stretch it).
 * Not `ulimit -v`: it limits address space, which V8 and DuckDB reserve without using.
 *
 * The process joins it before it runs anything (`wrapper`: a shell that writes its own pid into
 * the cgroup, then execs the server), so all its memory is charged to it from the start.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CgroupFigures {
  /** The most the cgroup held (its processes' memory and the page cache charged to it); null when the kernel does not say. */
  peakBytes: number | null;
  /** How often the limit was hit (v1 memory.failcnt, v2 memory.events `max`): the kernel reclaimed or killed. */
  limitHits: number | null;
  /** Processes the kernel's OOM killer ended in it. */
  oomKills: number | null;
}

export interface MemoryCgroup {
  version: 1 | 2;
  dir: string;
  limitBytes: number;
  /** Prefix of the command to run inside it (startServer's `wrapper`). */
  wrapper: string[];
  figures(): CgroupFigures;
  /** Starts the peak over (v1 only; v2's memory.peak is the cgroup's life). Returns whether it could. */
  resetPeak(): boolean;
  /** Removes it (its processes must have ended). */
  remove(): void;
}

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};
const numberIn = (file: string): number | null => {
  const t = read(file)?.trim();
  return t === undefined || t === '' || !/^\d+$/.test(t) ? null : Number(t);
};
/** `key value` lines (memory.events, memory.oom_control) → the value of `key`. */
const keyed = (file: string, key: string): number | null => {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(read(file) ?? '');
  return m ? Number(m[1]) : null;
};

interface Mount {
  point: string;
  fstype: string;
  superOptions: string[];
}

function mounts(): Mount[] {
  return (read('/proc/self/mountinfo') ?? '').split('\n').flatMap((line) => {
    const [before, after] = line.split(' - ');
    if (!before || !after) return [];
    const [fstype = '', , options = ''] = after.split(' ');
    return [{ point: before.split(' ')[4] ?? '', fstype, superOptions: options.split(',') }];
  });
}

/** This process's cgroup paths: v2's ('0::/path') and v1's by controller. */
function ownCgroups(): { v2: string | null; v1: Map<string, string> } {
  const v1 = new Map<string, string>();
  let v2: string | null = null;
  for (const line of (read('/proc/self/cgroup') ?? '').trim().split('\n')) {
    const [id, controllers = '', p = '/'] = line.split(/:(.*?):/);
    if (id === '0' && controllers === '') v2 = p;
    else for (const c of controllers.split(',')) v1.set(c, p);
  }
  return { v2, v1 };
}

/** Where a memory cgroup can be made: the v2 or v1 cgroup this process is in, if it has the memory controller. */
function parentCgroup(): { version: 1 | 2; dir: string } {
  const own = ownCgroups();
  const all = mounts();
  const v2 = all.find((m) => m.fstype === 'cgroup2');
  if (v2 && own.v2 !== null) {
    const dir = path.join(v2.point, own.v2);
    if ((read(path.join(dir, 'cgroup.controllers')) ?? '').split(/\s+/).includes('memory')) return { version: 2, dir };
  }
  const v1 = all.find((m) => m.fstype === 'cgroup' && m.superOptions.includes('memory'));
  const p = own.v1.get('memory');
  if (v1 && p !== undefined) return { version: 1, dir: path.join(v1.point, p) };
  throw new Error(
    'no memory cgroup controller to put the server under: neither a cgroup v2 hierarchy with the memory controller nor a cgroup v1 memory hierarchy is mounted (see /proc/self/mountinfo)',
  );
}

/** A new memory cgroup `name` limited to `limitBytes`. Needs the right to write there (root, or a delegated cgroup). */
export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  const parent = parentCgroup();
  const dir = path.join(parent.dir, name);
  const write = (file: string, value: string) => {
    try {
      writeFileSync(path.join(dir, file), value);
    } catch (err) {
      throw new Error(`cannot write ${value} to ${path.join(dir, file)}: ${(err as Error).message}`, { cause: err });
    }
  };
  if (parent.version === 2) {
    // A child has the controller only if its parent hands it down.
    const subtree = read(path.join(parent.dir, 'cgroup.subtree_control')) ?? '';
    if (!subtree.split(/\s+/).includes('memory')) {
      try {
        writeFileSync(path.join(parent.dir, 'cgroup.subtree_control'), '+memory');
      } catch (err) {
        throw new Error(
          `cannot enable the memory controller for children of ${parent.dir} (${(err as Error).message}): run the bench in a cgroup that delegates it`,
          { cause: err },
        );
      }
    }
  }
  mkdirSync(dir);
  try {
    if (parent.version === 2) {
      write('memory.max', String(limitBytes));
      if (existsSync(path.join(dir, 'memory.swap.max'))) write('memory.swap.max', '0');
    } else {
      write('memory.limit_in_bytes', String(limitBytes));
      // memory + swap at the same figure: no swap beyond the limit (set after the limit: it may not be below it).
      if (existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) write('memory.memsw.limit_in_bytes', String(limitBytes));
    }
  } catch (err) {
    rmdirSync(dir);
    throw err;
  }
  const procs = path.join(dir, 'cgroup.procs');
  const f = (file: string) => path.join(dir, file);
  return {
    version: parent.version,
    dir,
    limitBytes,
    wrapper: ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', procs],
    figures: () =>
      parent.version === 2
        ? {
            peakBytes: numberIn(f('memory.peak')),
            limitHits: keyed(f('memory.events'), 'max'),
            oomKills: keyed(f('memory.events'), 'oom_kill'),
          }
        : {
            peakBytes: numberIn(f('memory.max_usage_in_bytes')),
            limitHits: numberIn(f('memory.failcnt')),
            oomKills: keyed(f('memory.oom_control'), 'oom_kill'),
          },
    resetPeak() {
      if (parent.version === 2) return false;
      try {
        writeFileSync(f('memory.max_usage_in_bytes'), '0');
        return true;
      } catch {
        return false;
      }
    },
    remove() {
      // The kernel may take a moment to let go of a process that just exited.
      for (let i = 0; ; i++) {
        try {
          rmdirSync(dir);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          if (i >= 50) throw err;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        }
      }
    },
  };
}
