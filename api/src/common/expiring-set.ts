/**
 * A size-capped set whose members lapse after a time: for remembering many short-lived facts
 * (e.g. "this token hash is unknown") without growing with whatever a client sends. When full,
 * the least recently added member goes first.
 */
export class ExpiringSet {
  private readonly until = new Map<string, number>();

  constructor(
    readonly maxSize: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.until.size;
  }

  has(key: string): boolean {
    const t = this.until.get(key);
    if (t === undefined) return false;
    if (t > this.now()) return true;
    this.until.delete(key);
    return false;
  }

  add(key: string): void {
    this.until.delete(key);
    if (this.until.size >= this.maxSize) this.until.delete(this.until.keys().next().value!);
    this.until.set(key, this.now() + this.ttlMs);
  }

  delete(key: string): void {
    this.until.delete(key);
  }
}
