import type { Kysely } from 'kysely';
import type { DB } from '../../../core/postgres/schema.js';
import { normaliseName } from '../complaints/normalize.js';
import type { AdrBody, AdrBodyInput, ListQuery, Trader, TraderInput } from './reference.dto.js';

export class ReferenceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Returns whether the trader was created (rather than updated). */
  async upsertTrader(id: string, t: TraderInput): Promise<{ created: boolean; trader: Trader }> {
    const row = await this.db
      .insertInto('traders')
      .values({
        id,
        name: t.name,
        name_norm: normaliseName(t.name),
        country: t.country,
        website: t.website ?? null,
        sector: t.sector ?? null,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          name_norm: eb.ref('excluded.name_norm'),
          country: eb.ref('excluded.country'),
          website: eb.ref('excluded.website'),
          sector: eb.ref('excluded.sector'),
          updated_at: new Date(),
        })),
      )
      .returning(['id', 'name', 'country', 'website', 'sector', 'created_at', 'updated_at'])
      .executeTakeFirstOrThrow();
    const { created_at, updated_at, ...trader } = row;
    return { created: created_at.getTime() === updated_at.getTime(), trader };
  }

  async listTraders(q: ListQuery): Promise<Trader[]> {
    let query = this.db
      .selectFrom('traders')
      .select(['id', 'name', 'country', 'website', 'sector'])
      .orderBy('id')
      .limit(q.limit + 1);
    if (q.country) query = query.where('country', '=', q.country);
    if (q.q) query = query.where((eb) => eb.or([eb('name_norm', 'like', `%${escapeLike(normaliseName(q.q!))}%`), eb('id', '=', q.q!)]));
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return query.execute();
  }

  async upsertAdrBody(id: string, b: AdrBodyInput): Promise<{ created: boolean; adrBody: AdrBody }> {
    const row = await this.db
      .insertInto('adr_bodies')
      .values({ id, name: b.name, country: b.country, sectors: b.sectors ?? [] })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          country: eb.ref('excluded.country'),
          sectors: eb.ref('excluded.sectors'),
          updated_at: new Date(),
        })),
      )
      .returning(['id', 'name', 'country', 'sectors', 'created_at', 'updated_at'])
      .executeTakeFirstOrThrow();
    const { created_at, updated_at, ...adrBody } = row;
    return { created: created_at.getTime() === updated_at.getTime(), adrBody };
  }

  async listAdrBodies(q: ListQuery): Promise<AdrBody[]> {
    let query = this.db
      .selectFrom('adr_bodies')
      .select(['id', 'name', 'country', 'sectors'])
      .orderBy('id')
      .limit(q.limit + 1);
    if (q.country) query = query.where('country', '=', q.country);
    if (q.q) query = query.where((eb) => eb.or([eb('name', 'ilike', `%${escapeLike(q.q!)}%`), eb('id', '=', q.q!)]));
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return query.execute();
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
