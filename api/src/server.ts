/**
 * Builds the HTTP application (used by main.ts and by the tests): Nest on Express, security
 * headers (pages and API answers each their own set: common/security-headers.ts), CORS only when
 * configured, JSON logs with request ids, a per-token rate limit on the API, one error filter,
 * answers compressed, the dashboard (precompressed, hashed assets cached for good) and the API
 * docs as static files.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import compression from 'compression';
import expressStaticGzip from 'express-static-gzip';
import type { LoggerService } from '@nestjs/common';
import { AppModule, CONTROLLERS, type AppDeps } from './app.module.js';
import { ApiExceptionFilter } from './common/http-exception.filter.js';
import { requestLogger, type Logger } from './common/logger.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import { CONTROLLERS_REF, DOCS_ASSETS, DOCS_INIT_JS } from './openapi/openapi.controller.js';
import { TokenService } from './access/token.service.js';
import { rateLimit, RateLimiter } from './common/rate-limit.js';
import { securityHeaders } from './common/security-headers.js';

class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown) {
    this.logger.debug({ nest: true }, String(message));
  }
  error(message: unknown) {
    this.logger.error({ nest: true }, String(message));
  }
  warn(message: unknown) {
    this.logger.warn({ nest: true }, String(message));
  }
  debug(message: unknown) {
    this.logger.trace({ nest: true }, String(message));
  }
  verbose(message: unknown) {
    this.logger.trace({ nest: true }, String(message));
  }
}

/** The built dashboard if there is one, else the placeholder page. */
export function dashboardDir(): string {
  const built = path.join(PROJECT_ROOT, 'dashboard', 'dist');
  return existsSync(path.join(built, 'index.html')) ? built : path.join(PROJECT_ROOT, 'dashboard', 'public');
}

/**
 * The dashboard is a single-page app: its own paths (/countries, /registry/123…) are client
 * routes, so a browser asking for one gets index.html and the app picks the view. Only GET/HEAD
 * requests for HTML outside /api, so API clients still get the API's JSON 404.
 */
export function spaFallback(dir: string): express.RequestHandler {
  const index = path.join(dir, 'index.html');
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/api' || req.path.startsWith('/api/') || !req.accepts('html'))
      return next();
    res.sendFile(index, { cacheControl: false, headers: { 'Cache-Control': REVALIDATE } });
  };
}

/** Vite's content-hashed output: a changed file gets a new name, so a copy may be kept for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: kept, but checked (ETag → 304) on every use, so a new deploy shows at once. */
export const REVALIDATE = 'no-cache';

/**
 * The built dashboard: each file's brotli or gzip copy written by the build (dashboard/precompress.ts)
 * when the client accepts it (brotli first, whatever the client's order), the plain file otherwise,
 * with `Vary: Accept-Encoding`; `assets/` (hashed names) cached for a year, the rest revalidated.
 * The copies are looked up once, when the app starts.
 */
export function dashboardFiles(dir: string): express.RequestHandler {
  const assets = path.resolve(dir, 'assets') + path.sep;
  return expressStaticGzip(dir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: {
      cacheControl: false,
      setHeaders: (res, file) => res.setHeader('Cache-Control', file.startsWith(assets) ? IMMUTABLE : REVALIDATE),
    },
  });
}

/** Content types compressed on the fly besides the `compressible` list (which lacks NDJSON). */
const ALSO_COMPRESSED = /^application\/x-ndjson\b/;

/**
 * Answers of 1 KB or more compressed on the fly (brotli at quality 4, else gzip) for clients that
 * accept it: the API's JSON and its CSV/NDJSON exports, which stay streamed (the compressor emits as
 * its buffer fills). Files already encoded (the dashboard's precompressed copies) and Parquet pass as they are.
 */
export function compressAnswers(): express.RequestHandler {
  return compression({
    threshold: 1024,
    filter: (req, res) => compression.filter(req, res) || ALSO_COMPRESSED.test(String(res.getHeader('Content-Type') ?? '')),
  });
}

/** Only the Swagger UI files the docs page loads (an allow-list); any other path falls through to the 404. */
export function docsAssets(): express.Router {
  const dir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const router = express.Router();
  for (const file of Object.values(DOCS_ASSETS))
    router.get(`/${file}`, (_req, res, next) => res.sendFile(path.join(dir, file), (err) => err && next(err)));
  return router;
}

/** `Cache-Control: no-store` on every answer it passes. */
export const noStore: express.RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export async function createApp(deps: AppDeps, opts: { dashboardDir?: string } = {}): Promise<NestExpressApplication> {
  CONTROLLERS_REF.list = CONTROLLERS;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(deps), {
    bodyParser: false,
    logger: new PinoNestLogger(deps.logger),
    // A failure while wiring (a store in use, say) reaches main's message instead of an abort.
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(compressAnswers());
  // No CORS headers at all unless CORS_ORIGINS names the origins that may call from a browser.
  if (deps.config.corsOrigins.length) {
    app.enableCors({
      origin: deps.config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['Content-Disposition', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
      maxAge: 600,
    });
  }
  app.use(requestLogger(deps.logger));
  // API answers carry personal data and per-caller scopes: no browser or proxy may keep one.
  // First, so refusals (401, 404, 429) and streamed exports carry it too.
  app.use('/api/v1', noStore);
  // Only the API is limited, and health when it carries a token (the admin's details cost a
  // look-up); a load balancer's plain probe, the OpenAPI document, the docs and the dashboard are not.
  // Before the body parser, so a refused request's body is never read.
  if (deps.config.rateLimitPerMinute !== null) {
    const limit = rateLimit(app.get(RateLimiter), app.get(TokenService));
    app.use('/api/v1', limit);
    app.use('/api/health', (req: express.Request, res: express.Response, next: express.NextFunction) =>
      req.headers.authorization ? limit(req, res, next) : next(),
    );
  }
  // JSON bodies only; bulk bodies (NDJSON, CSV, Parquet) are streamed by their route.
  app.useBodyParser('json', { limit: deps.config.bodyLimitBytes });
  app.useGlobalFilters(new ApiExceptionFilter(deps.logger));
  app.use('/api/docs/assets', docsAssets());
  app.use('/api/docs/init.js', (_req: express.Request, res: express.Response) => res.type('application/javascript').send(DOCS_INIT_JS));
  const dashboard = opts.dashboardDir ?? dashboardDir();
  app.use(dashboardFiles(dashboard));
  // The placeholder page (no built dashboard) has no client routes to fall back to.
  if (path.basename(dashboard) !== 'public') app.use(spaFallback(dashboard));
  // No enableShutdownHooks(): main.ts owns SIGTERM/SIGINT (drain HTTP first, then close, exit 0);
  // Nest's own handler would race it and end the process by re-raising the signal.
  return app;
}
