import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { z } from 'zod';
import { ApiError } from '../common/errors.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZQuery } from '../openapi/route-docs.js';
import { etlRun, etlRunsBody, etlStartQuery } from '../analytics/analytics.dto.js';
import { EtlAborted, EtlAlreadyRunning, EtlRunner, type EtlRun } from '../../../etl/index.js';
import { Access } from '../access/access.decorator.js';
import { Audited } from '../audit/audit.decorator.js';

@Controller('api/v1/etl/runs')
export class EtlController {
  constructor(private readonly runner: EtlRunner) {}

  @Post()
  @Access('admin')
  @Audited('etl.start')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Start an ETL run now (incremental unless full=true)',
    description:
      'Answers 202 with the run at once, or with wait=true 200 with the ended run (status succeeded or failed). 409 while another run is in progress.',
    tags: ['etl'],
    responses: {
      200: { description: 'the ended run (wait=true)', schema: etlRun },
      202: { description: 'the started run', schema: etlRun },
      ...errorResponses(400, 409),
    },
  })
  async start(@ZQuery(etlStartQuery) q: z.output<typeof etlStartQuery>, @Res({ passthrough: true }) res: Response): Promise<EtlRun> {
    try {
      const { run, done } = await this.runner.start({ full: q.full, trigger: 'api' });
      if (!q.wait) return run;
      res.status(200);
      return await done;
    } catch (err) {
      if (err instanceof EtlAlreadyRunning)
        throw new ApiError(
          409,
          `${err.runId === null ? 'another instance is starting an ETL run' : `ETL run ${err.runId} is in progress`}; try again when it has ended`,
          undefined,
          { runningRunId: err.runId },
        );
      if (err instanceof EtlAborted) throw new ApiError(503, 'the server is shutting down, so no ETL run starts here; try again shortly');
      throw err;
    }
  }

  @Get()
  // System-wide row counts and raw error text: for the platform's operators, not for bound roles.
  @Access('admin', 'regulator')
  @ApiDoc({
    summary: 'Recent ETL runs, newest first (admin, regulator)',
    tags: ['etl'],
    responses: { 200: { description: 'the last 50 runs', schema: etlRunsBody } },
  })
  async list() {
    // Any instance's run: the records, not this process, say what runs.
    const items = await this.runner.recentRuns(50);
    return { items, running: items.find((r) => r.status === 'running')?.id ?? null };
  }
}
