/**
 * The rules of one case: reading it back, appending an event through the lifecycle, voiding a
 * wrong event, erasing personal data. Each write runs in a transaction holding the case's row lock.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, STORE } from '../app.tokens.js';
import { ApiError, notFound } from '../common/errors.js';
import type { Config } from '../config/config.js';
import type { Store } from '../../../core/postgres/store.js';
import { allowedNextEvents, applyEvent, deriveLenient, stageDeadline, type LifecycleEvent } from '../../../core/lifecycle.js';
import { canRead, maskDetail, UNRESTRICTED, withoutNote, type Scope } from '../access/scope.js';
import { toCaseDetail, type CaseDetail } from './case-view.js';
import { ComplaintsRepository, eventRowToLifecycle, rowToMilestones } from './complaints.repository.js';

@Injectable()
export class ComplaintsService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The case as `scope` may read it; outside the scope it does not exist (404). */
  async detail(id: string, scope: Scope = UNRESTRICTED): Promise<CaseDetail> {
    const repo = new ComplaintsRepository(this.store.db);
    const row = await repo.findById(id);
    if (!row || !canRead(scope, row)) throw notFound(`no complaint ${id}`);
    return maskDetail(
      scope,
      toCaseDetail(row, await repo.events(id), allowedNextEvents(rowToMilestones(row)), this.config.traderReplyDays),
    );
  }

  async idByRef(source: string, externalRef: string): Promise<string | undefined> {
    return (await new ComplaintsRepository(this.store.db).findByRef(source, externalRef))?.id;
  }

  /** Appends to a case inside `scope` (the event type was checked against the role beforehand). */
  async appendEvent(id: string, event: LifecycleEvent, scope: Scope = UNRESTRICTED): Promise<CaseDetail> {
    await this.store.db.transaction().execute(async (trx) => {
      const repo = new ComplaintsRepository(trx);
      const row = await repo.findById(id, { forUpdate: true });
      if (!row || !canRead(scope, row)) throw notFound(`no complaint ${id}`);
      const current = rowToMilestones(row);
      const r = applyEvent(current, row.filed_at.toISOString(), event);
      if (!r.ok) {
        const status = r.reason === 'stage' ? 409 : 422;
        throw new ApiError(status, r.message, [{ field: r.reason === 'stage' ? 'type' : 'at', message: r.message }], {
          stage: r.stage,
          allowedNextEvents: r.allowed,
        });
      }
      if (event.type === 'adr_body_agreed' && !(await repo.adrBodyExists(event.adrBodyId))) {
        throw new ApiError(422, `unknown ADR body "${event.adrBodyId}"`, [
          {
            field: 'adrBodyId',
            message: `unknown ADR body "${event.adrBodyId}": register it first (PUT /api/v1/adr-bodies/${event.adrBodyId})`,
          },
        ]);
      }
      // A case whose personal data was erased takes no new free text (the note is personal data).
      await repo.appendEvent(id, row.personal_data_erased_at ? withoutNote(event) : event);
      await repo.saveMilestones(id, r.milestones, stageDeadline(r.milestones, row.filed_at.toISOString(), this.config.traderReplyDays));
    });
    return this.detail(id, scope);
  }

  async voidEvent(id: string, eventId: string, reason: string, by: string): Promise<CaseDetail> {
    await this.store.db.transaction().execute(async (trx) => {
      const repo = new ComplaintsRepository(trx);
      const row = await repo.findById(id, { forUpdate: true });
      if (!row) throw notFound(`no complaint ${id}`);
      const events = await repo.events(id);
      const target = events.find((e) => e.id === eventId);
      if (!target) throw notFound(`complaint ${id} has no event ${eventId}`);
      if (target.voided_at) throw new ApiError(409, `event ${eventId} was already voided at ${target.voided_at.toISOString()}`);
      await repo.voidEvent(eventId, row.personal_data_erased_at ? null : reason, by);
      const remaining = events.filter((e) => e.id !== eventId && !e.voided_at).map(eventRowToLifecycle);
      const m = deriveLenient(row.filed_at.toISOString(), remaining);
      await repo.saveMilestones(id, m, stageDeadline(m, row.filed_at.toISOString(), this.config.traderReplyDays));
    });
    return this.detail(id);
  }

  async erasePersonalData(id: string): Promise<{ id: string; personalDataErasedAt: string }> {
    return this.store.db.transaction().execute(async (trx) => {
      const repo = new ComplaintsRepository(trx);
      const row = await repo.findById(id, { forUpdate: true });
      if (!row) throw notFound(`no complaint ${id}`);
      const at = row.personal_data_erased_at ?? (await repo.erasePersonalData(id));
      return { id, personalDataErasedAt: at.toISOString() };
    });
  }
}
