/**
 * Demo mode only: one token per role, so a newcomer can try every role's view of the data at once.
 * The secrets are kept in DATA_DIR/demo-tokens.json (beside the embedded store, which holds the
 * same data) and reused on the next start while they still resolve to their role, so a link or a
 * copied token keeps working across restarts of the same DATA_DIR. Outside demo mode nothing is
 * issued, read or served.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CONFIG, STORE } from '../app.tokens.js';
import type { Config } from '../config/config.js';
import type { Store } from '../../../core/postgres/store.js';
import { ROLES, type Role } from '../access/roles.js';
import { TokenService } from '../access/token.service.js';

/** The ingest source of the demo dataset (demo-seed.ts ingests with it). */
export const DEMO_SOURCE = 'demo';
export const DEMO_TOKENS_FILE = 'demo-tokens.json';

export const demoToken = z
  .object({
    role: z.enum(ROLES),
    label: z.string(),
    token: z.string(),
    traderId: z.string().optional(),
    adrBodyId: z.string().optional(),
    source: z.string().optional(),
  })
  .meta({ id: 'DemoToken' });
export type DemoToken = z.infer<typeof demoToken>;

const LABELS: Record<Role, string> = {
  admin: 'Demo administrator',
  regulator: 'Demo regulator',
  trader: 'Demo trader',
  adr_body: 'Demo ADR body',
  ingest: 'Demo ingest feed',
};

type Binding = Pick<DemoToken, 'traderId' | 'adrBodyId' | 'source'>;

@Injectable()
export class DemoTokens {
  private current: DemoToken[] | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(STORE) private readonly store: Store,
    private readonly tokens: TokenService,
  ) {}

  /** The demo tokens once `ensure()` has run in demo mode; undefined otherwise. */
  list(): DemoToken[] | undefined {
    return this.config.demo ? this.current : undefined;
  }

  /** Reuses the saved tokens that still work and issues the missing ones. Start-up, demo mode only. */
  async ensure(): Promise<DemoToken[]> {
    if (!this.config.demo) throw new Error('demo tokens exist only in demo mode');
    const file = path.join(this.config.dataDir, DEMO_TOKENS_FILE);
    const saved = this.readSaved(file);
    const out: DemoToken[] = [];
    for (const role of ROLES) {
      const prev = saved.find((s) => s.role === role);
      if (prev && (await this.tokens.resolve(prev.token))?.role === role) {
        out.push(prev);
        continue;
      }
      const binding = await this.bindingFor(role);
      // A store without traders or ADR bodies (DEMO=true on an empty database) has no one to bind to.
      if (binding === null) continue;
      const label = LABELS[role];
      const issued = await this.tokens.create({ role, label, ...binding }, 'demo start-up');
      out.push({ role, label, token: issued.token, ...binding });
    }
    writeFileSync(file, JSON.stringify(out, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    this.current = out;
    return out;
  }

  private readSaved(file: string): DemoToken[] {
    if (!existsSync(file)) return [];
    try {
      return z.array(demoToken).parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      return []; // unreadable: issue new ones
    }
  }

  /** The trader and the ADR body with the most cases (the most to look at); the demo feed. */
  private async bindingFor(role: Role): Promise<Binding | null> {
    const db = this.store.db;
    if (role === 'trader') {
      const row = await db
        .selectFrom('complaints')
        .select((eb) => ['trader_id', eb.fn.countAll<number>().as('n')])
        .groupBy('trader_id')
        .orderBy('n', 'desc')
        .orderBy('trader_id')
        .limit(1)
        .executeTakeFirst();
      return row ? { traderId: row.trader_id } : null;
    }
    if (role === 'adr_body') {
      const row = await db
        .selectFrom('complaints')
        .where('adr_body_id', 'is not', null)
        .select((eb) => ['adr_body_id', eb.fn.countAll<number>().as('n')])
        .groupBy('adr_body_id')
        .orderBy('n', 'desc')
        .orderBy('adr_body_id')
        .limit(1)
        .executeTakeFirst();
      return row?.adr_body_id ? { adrBodyId: row.adr_body_id } : null;
    }
    if (role === 'ingest') return { source: DEMO_SOURCE };
    return {};
  }
}
