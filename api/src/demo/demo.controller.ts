import { Controller, Get } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from '../common/errors.js';
import { ApiDoc } from '../openapi/route-docs.js';
import { errorResponses } from '../openapi/common-responses.js';
import { Public } from '../access/access.decorator.js';
import { DemoTokens, demoToken } from './demo-tokens.js';

export const demoSessionBody = z.object({ tokens: z.array(demoToken) }).meta({ id: 'DemoSession' });

@Controller('api/v1/demo')
export class DemoController {
  constructor(private readonly demo: DemoTokens) {}

  // Public on purpose: in demo mode the dashboard signs itself in as the demo regulator and offers
  // a role switcher. Outside demo mode there are no demo tokens and the route answers 404.
  @Get('session')
  @Public()
  @ApiDoc({
    summary: 'The demo tokens, one per role (demo mode only; 404 otherwise)',
    description: 'Lets the dashboard open signed in as the demo regulator and switch roles. The same tokens are printed in the start-up log and kept across restarts of the same DATA_DIR.',
    tags: ['access'],
    responses: { 200: { description: 'one token per role', schema: demoSessionBody }, ...errorResponses(404) },
  })
  session(): z.infer<typeof demoSessionBody> {
    const tokens = this.demo.list();
    if (!tokens) throw new ApiError(404, 'not in demo mode: there are no demo tokens');
    return { tokens };
  }
}
