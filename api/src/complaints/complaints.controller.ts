import { Body, Controller, Delete, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CONFIG } from '../app.tokens.js';
import { ApiError, payloadTooLarge } from '../common/errors.js';
import type { Config } from '../config/config.js';
import { IngestService } from '../ingest/ingest.service.js';
import { readCsv, readNdjson, type IngestFormat, type ReaderItem } from '../ingest/readers.js';
import { bodyEncoding, uploadBody } from '../ingest/upload-body.js';
import { BULK_RETRY_AFTER_SECONDS, UploadGate } from '../ingest/upload-gate.js';
import { readParquetUpload } from '../ingest/parquet-reader.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZBody, ZParams, ZQuery } from '../openapi/route-docs.js';
import { caseDetail } from './case-view.js';
import { complaintInput, eventInput, type ComplaintInput, type EventInput, type ParsedComplaint } from './complaint.schema.js';
import {
  bulkQuery,
  complaintIdParams,
  erasure,
  eventIdParams,
  ingestSummary,
  voidInput,
  type BulkQuery,
  type ComplaintIdParams,
  type EventIdParams,
  type VoidInput,
} from './complaints.dto.js';
import { ComplaintsService } from './complaints.service.js';
import { Access } from '../access/access.decorator.js';
import { Audited } from '../audit/audit.decorator.js';
import { CurrentCaller } from '../access/caller.decorator.js';
import { actorOf, type Caller } from '../access/roles.js';
import { assertEventAllowed, EVENTS_BY_ROLE, onlySourceOf, scopeOf, writeSource } from '../access/scope.js';

/** The source of an admin's complaint that names none (an ingest token's is its own source). */
export const DEFAULT_SOURCE = 'default';

const EVENT_RULES = (Object.entries(EVENTS_BY_ROLE) as [string, 'any' | readonly string[]][])
  .filter(([, types]) => types === 'any' || types.length > 0)
  .map(([role, types]) => `${role}: ${types === 'any' ? 'any event' : types.join(', ')}`)
  .join('; ');

const BULK_TYPES: Record<string, IngestFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'text/csv': 'csv',
  'application/vnd.apache.parquet': 'parquet',
};

@Controller('api/v1/complaints')
export class ComplaintsController {
  private readonly bulkGate: UploadGate;

  constructor(
    private readonly complaints: ComplaintsService,
    private readonly ingestService: IngestService,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.bulkGate = new UploadGate(config.bulkConcurrency);
  }

  @Post()
  @Access('admin', 'ingest')
  @Audited('complaints.create')
  @ApiDoc({
    summary: 'File one complaint (idempotent by source + externalRef)',
    description:
      'New → 201. The same complaint again → 200, nothing written. The same complaint with more events → 200, the new events appended. Other content under the same reference → 409. An ingest token writes only its own source: a complaint naming another → 403; none → the token\u2019s source.',
    tags: ['ingest'],
    responses: {
      201: { description: 'stored', schema: caseDetail },
      200: { description: 'already stored (duplicate or extended)', schema: caseDetail },
      ...errorResponses(400, 403, 409, 413, 415, 422),
    },
  })
  async create(
    @ZBody(complaintInput) valid: ParsedComplaint,
    @Body() raw: ComplaintInput,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    const source = writeSource(caller, valid.source, DEFAULT_SOURCE);
    const result = await this.ingestService.ingest({
      items: oneItem(raw),
      format: 'json',
      defaultSource: source,
      onlySource: onlySourceOf(caller),
      caller: actorOf(caller),
      single: true,
    });
    const id = await this.complaints.idByRef(source, valid.externalRef);
    res.status(result.verdict === 'inserted' ? 201 : 200);
    return this.complaints.detail(id!, scopeOf(caller));
  }

  @Post('bulk')
  @Access('admin', 'ingest')
  @Audited('complaints.bulk')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Load many complaints, all or nothing',
    description:
      'NDJSON (one complaint per line), CSV (header row, milestone columns) or Parquet (a registry export), optionally with `Content-Encoding: gzip` (the body limit applies to the inflated bytes). Any bad line → 422 listing every problem (first 1,000) and nothing is written. An ingest token writes only its own source: `source` or a line naming another → 403 and nothing is written; lines naming none take the token\u2019s source. A body that stops coming in for BULK_IDLE_TIMEOUT_S → 408; an NDJSON line over BULK_MAX_LINE_KB → 413 naming it; more than BULK_CONCURRENCY uploads at once → 503 with Retry-After.',
    tags: ['ingest'],
    requestContent: {
      'application/x-ndjson': { description: 'one complaint JSON object per line' },
      'text/csv': { description: 'RFC 4180, UTF-8, header row of the contract columns' },
      'application/vnd.apache.parquet': { description: 'a Parquet registry export' },
    },
    responses: { 200: { description: 'stored', schema: ingestSummary }, ...errorResponses(400, 403, 408, 413, 415, 422, 503) },
  })
  async bulk(@ZQuery(bulkQuery) q: BulkQuery, @CurrentCaller() caller: Caller, @Req() req: Request) {
    const source = writeSource(caller, q.source, DEFAULT_SOURCE);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = BULK_TYPES[type];
    if (!format) {
      throw new ApiError(
        415,
        `send the body as application/x-ndjson, text/csv or application/vnd.apache.parquet (got ${type || 'no content type'})`,
      );
    }
    const encoding = bodyEncoding(req.headers['content-encoding']);
    const limit = this.config.bulkBodyLimitBytes;
    if (Number(req.headers['content-length'] ?? 0) > limit) throw payloadTooLarge(limit);
    let release: () => void;
    try {
      release = this.bulkGate.enter();
    } catch (err) {
      req.res?.setHeader('Retry-After', String(BULK_RETRY_AFTER_SECONDS));
      throw err;
    }
    try {
      // The body is read, validated and spooled before the service takes a connection.
      const body = uploadBody(req, { encoding, limitBytes: limit, idleMs: this.config.bulkIdleTimeoutMs });
      const items: AsyncIterable<ReaderItem> =
        format === 'ndjson'
          ? readNdjson(body, { maxLineBytes: this.config.bulkMaxLineBytes })
          : format === 'csv'
            ? readCsv(body, { maxLineBytes: this.config.bulkMaxLineBytes })
            : await readParquetUpload(body, this.config.dataDir);
      const { verdict: _v, ...summary } = await this.ingestService.ingest({
        items,
        format,
        defaultSource: source,
        onlySource: onlySourceOf(caller),
        caller: actorOf(caller),
      });
      return summary;
    } finally {
      release();
    }
  }

  @Post(':id/events')
  @Access('admin', 'ingest', 'trader', 'adr_body')
  @Audited('events.append')
  @ApiDoc({
    summary: 'Append a lifecycle event',
    description: `Checked against the lifecycle (domain.md §1): an event the current stage does not allow → 409 naming the stage and the allowed next events. Event types by role (another type → 403): ${EVENT_RULES}. Each on the caller's own cases (trader: its cases; ADR body: cases transmitted to it; ingest: complaints of its source); another case → 404.`,
    tags: ['ingest'],
    responses: {
      201: { description: 'appended; the case as it now stands', schema: caseDetail },
      ...errorResponses(400, 403, 404, 409, 415, 422),
    },
  })
  async appendEvent(
    @ZParams(complaintIdParams) p: ComplaintIdParams,
    @ZBody(eventInput) event: EventInput,
    @CurrentCaller() caller: Caller,
  ) {
    assertEventAllowed(caller, event.type);
    return this.complaints.appendEvent(p.id, event, scopeOf(caller));
  }

  @Post(':id/events/:eventId/void')
  @Access('admin')
  @Audited('events.void')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Void a wrongly recorded event (admin; measures ignore it)',
    tags: ['ingest'],
    responses: {
      200: { description: 'voided; the case as it now stands', schema: caseDetail },
      ...errorResponses(400, 404, 409, 415, 422),
    },
  })
  async voidEvent(@ZParams(eventIdParams) p: EventIdParams, @ZBody(voidInput) body: VoidInput, @CurrentCaller() caller: Caller) {
    return this.complaints.voidEvent(p.id, p.eventId, body.reason, actorOf(caller));
  }

  @Delete(':id/personal-data')
  @Access('admin')
  @Audited('complaints.erase-personal-data')
  @ApiDoc({
    summary: "Erase the consumer's personal data now (GDPR request); statistics stay",
    tags: ['ingest'],
    responses: { 200: { description: 'erased', schema: erasure }, ...errorResponses(400, 404) },
  })
  async erase(@ZParams(complaintIdParams) p: ComplaintIdParams) {
    return this.complaints.erasePersonalData(p.id);
  }
}

async function* oneItem(input: ComplaintInput): AsyncGenerator<ReaderItem> {
  yield { line: 1, input, problems: [] };
}
