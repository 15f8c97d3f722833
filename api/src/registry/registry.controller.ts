import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LOGGER } from '../app.tokens.js';
import type { Logger } from '../common/logger.js';
import { caseDetail } from '../complaints/case-view.js';
import { complaintIdParams, type ComplaintIdParams } from '../complaints/complaints.dto.js';
import { ComplaintsService } from '../complaints/complaints.service.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZParams, ZQuery } from '../openapi/route-docs.js';
import { casePage, registryExportQuery, registryListQuery, type RegistryExportQuery, type RegistryListQuery } from './registry.dto.js';
import { RegistryExporter } from './registry.export.js';
import { RegistryService } from './registry.service.js';
import { Access } from '../access/access.decorator.js';
import { Audited } from '../audit/audit.decorator.js';
import { CurrentCaller } from '../access/caller.decorator.js';
import type { Caller } from '../access/roles.js';
import { MASKING_NOTE, scopeOf } from '../access/scope.js';

@Controller('api/v1/complaints')
export class RegistryController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly registry: RegistryService,
    private readonly exporter: RegistryExporter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @ApiDoc({
    summary: 'The case registry: filtered, keyset-paged case summaries',
    description: `Newest first by default. Pass \`nextCursor\` as \`cursor\` for the next page (same sort); pages stay stable while cases arrive. \`total\` is exact (\`totalExact: true\`); only with free text (\`q\`), which no index can count, past 10 000 matches it is 10 000 as a lower bound (\`totalExact: false\`). Traders see only their own cases, ADR bodies only the cases transmitted to them (filters narrow that, never widen it). ${MASKING_NOTE}`,
    tags: ['registry'],
    responses: { 200: { description: 'one page of cases', schema: casePage }, ...errorResponses(400) },
  })
  async list(@ZQuery(registryListQuery) q: RegistryListQuery, @CurrentCaller() caller: Caller) {
    return this.registry.list(q, new Date(), scopeOf(caller));
  }

  // Declared before ':id' so that "export" is never read as an id.
  @Get('export')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @Audited('registry.export')
  @ApiDoc({
    summary: 'Download the matching cases as CSV, NDJSON or Parquet (streamed)',
    description: `Same filters and the same scope as the registry list. The file ingests back unchanged through POST /api/v1/complaints/bulk; the filters and the UTC time are stamped in its name (Content-Disposition). ${MASKING_NOTE}`,
    tags: ['registry'],
    responses: {
      200: { description: 'the file: text/csv, application/x-ndjson or application/vnd.apache.parquet' },
      ...errorResponses(400),
    },
  })
  async export(@ZQuery(registryExportQuery) q: RegistryExportQuery, @CurrentCaller() caller: Caller, @Res() res: Response): Promise<void> {
    const { format, ...filters } = q;
    const download = this.exporter.open(format, filters, new Date(), scopeOf(caller));
    // The first chunk is produced before anything is sent, so a failure up to there is still
    // an ordinary JSON error; later failures cut the download (the log says why).
    const first = await download.chunks.next();
    res.status(200);
    res.setHeader('Content-Type', download.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${download.fileName}"`);
    async function* body() {
      if (!first.done) yield first.value;
      yield* download.chunks;
    }
    try {
      await pipeline(Readable.from(body(), { objectMode: false }), res);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
      this.logger.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'export failed mid-stream');
      res.destroy();
    }
  }

  @Get(':id')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @ApiDoc({
    summary: 'One case with its event timeline, derived status, durations and deadlines',
    description: `A case outside the caller's scope (another trader's, one not transmitted to this ADR body) is a 404, as if it did not exist. ${MASKING_NOTE}`,
    tags: ['registry'],
    responses: { 200: { description: 'the case', schema: caseDetail }, ...errorResponses(400, 404) },
  })
  async detail(@ZParams(complaintIdParams) p: ComplaintIdParams, @CurrentCaller() caller: Caller) {
    return this.complaints.detail(p.id, scopeOf(caller));
  }
}
