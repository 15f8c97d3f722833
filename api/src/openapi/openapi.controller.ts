import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { PROJECT_ROOT } from '../../../core/paths.js';
import { buildOpenApi } from './openapi.js';
import { ApiDoc } from './route-docs.js';
import { Public } from '../access/access.decorator.js';

const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

let cached: Record<string, unknown> | undefined;

@Controller('api')
export class OpenApiController {
  @Get('openapi.json')
  @Public()
  @ApiDoc({ summary: 'This document', tags: ['meta'], responses: { 200: { description: 'OpenAPI 3.1', content: 'application/json' } } })
  document() {
    // Imported lazily: the controller list imports this controller.
    return (cached ??= buildOpenApi(CONTROLLERS_REF.list, pkg.version));
  }

  @Get('docs')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiDoc({
    summary: 'Browsable API documentation (Swagger UI)',
    tags: ['meta'],
    responses: { 200: { description: 'HTML page', content: 'text/html' } },
  })
  docs() {
    return DOCS_HTML;
  }
}

/** Filled in by server.ts with AppModule's controller list (avoids an import cycle). */
export const CONTROLLERS_REF: { list: import('@nestjs/common').Type[] } = { list: [] };

/**
 * The files of swagger-ui-dist the docs page loads, served under /api/docs/assets/ (server.ts);
 * nothing else of the package is (its package.json, stock index.html, source maps).
 */
export const DOCS_ASSETS = { css: 'swagger-ui.css', bundle: 'swagger-ui-bundle.js' } as const;

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ODR Observatory API</title>
<link rel="stylesheet" href="/api/docs/assets/${DOCS_ASSETS.css}"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/${DOCS_ASSETS.bundle}"></script>
<script src="/api/docs/init.js"></script></body></html>`;

export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;
