/**
 * Security headers (Helmet), one set for pages and one for the API's answers.
 *
 * Pages (the dashboard, the API docs and their files): every Helmet header, with a
 * Content-Security-Policy the dashboard and the Swagger UI satisfy.
 *
 * The API's answers (everything under /api but the docs): what the OWASP REST Security Cheat Sheet
 * asks of an API — nosniff, X-Frame-Options: DENY, HSTS and a CSP that allows nothing
 * (`default-src 'none'; frame-ancestors 'none'`: stricter than the pages'), should an answer ever be
 * opened or framed as a document. Helmet's other headers (COOP, CORP, Origin-Agent-Cluster,
 * Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-XSS-Protection) act on documents only, and the JSON keeps nosniff against being read as
 * anything else: they cost ~0.6 KB on every answer and protect nothing there (issue 21).
 * A 304 of an answer drops its CSP, X-Frame-Options and HSTS: the browser keeps the headers of the
 * copy it revalidates (RFC 9111 §4.3.4; Chromium never takes X-Frame-Options from a 304 anyway)
 * and RFC 9110 §15.4.5 asks a 304 for its cache fields only. An ETag on a `no-store` answer is
 * never used (nothing keeps the answer to revalidate it): dropped.
 */
import type { ServerResponse } from 'node:http';
import type express from 'express';
import helmet from 'helmet';

/**
 * The pages' policy: every script, style sheet and request from this origin, no eval (the charts
 * use vega-interpreter), inline styles allowed (Svelte style attributes, vega's SVG, Swagger UI),
 * images also as data: and blob: URLs (chart downloads).
 */
const PAGE_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** An answer opened as a document may load nothing and be framed by no one. */
const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

/** Headers a 304 of an API answer leaves to the copy the browser already holds. */
const KEPT_FROM_THE_COPY = ['Content-Security-Policy', 'X-Frame-Options', 'Strict-Transport-Security'];

/**
 * The API's answers: under /api except the docs page and its files. Compared in lower case, as
 * Express routes (so /API/DOCS, which serves the docs, is a page); a path wrongly taken for an
 * answer gets the stricter policy, one wrongly taken for a page every header.
 */
export function isApiAnswer(path: string): boolean {
  const p = path.toLowerCase();
  if (p !== '/api' && !p.startsWith('/api/')) return false;
  return p !== '/api/docs' && !p.startsWith('/api/docs/');
}

/** Runs `fn` with the status just before the status line and headers are written. */
function beforeHeaders(res: ServerResponse, fn: (status: number) => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (typeof args[0] === 'number') this.statusCode = args[0];
    fn(this.statusCode);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

function leanAnswer(res: ServerResponse): void {
  beforeHeaders(res, (status) => {
    if (status === 304) for (const h of KEPT_FROM_THE_COPY) res.removeHeader(h);
    if (/\bno-store\b/i.test(String(res.getHeader('Cache-Control') ?? ''))) res.removeHeader('ETag');
  });
}

/**
 * Helmet's headers for pages, the API's set for its answers (above). No upgrade-insecure-requests:
 * the default deployment is plain HTTP on 127.0.0.1.
 */
export function securityHeaders(): express.RequestHandler {
  const pages = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP },
    xFrameOptions: { action: 'deny' },
  });
  const answers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    xFrameOptions: { action: 'deny' },
    // Kept: X-Content-Type-Options, Strict-Transport-Security (it holds from any answer over HTTPS).
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (req, res, next) => {
    if (!isApiAnswer(req.path)) return pages(req, res, next);
    leanAnswer(res);
    answers(req, res, next);
  };
}
