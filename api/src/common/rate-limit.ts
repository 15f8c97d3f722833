/**
 * RATE_LIMIT_PER_MINUTE (contract "Configuration"): a fixed one-minute window per token id (per
 * client IP for requests without a valid token). Over the limit → 429 in the contract's error
 * shape with `Retry-After` (seconds until the window ends). Counted in this process's memory:
 * with several instances behind a balancer each enforces the limit on its own share of the
 * traffic, so a token may get up to limit × instances per minute in all.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { bearerToken } from '../access/auth.guard.js';
import type { TokenService } from '../access/token.service.js';
import { ApiError } from './errors.js';

export const WINDOW_MS = 60_000;

export interface Verdict {
  allowed: boolean;
  remaining: number;
  /** Seconds until the key's window ends. */
  resetSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private sweptAt = 0;

  constructor(
    readonly limit: number,
    /** Replaceable for tests. */
    public now: () => number = Date.now,
  ) {}

  hit(key: string): Verdict {
    const now = this.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.endsAt <= now) {
      w = { count: 0, endsAt: now + WINDOW_MS };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= this.limit, remaining: Math.max(0, this.limit - w.count), resetSeconds: Math.max(1, Math.ceil((w.endsAt - now) / 1000)) };
  }

  /** Drops ended windows once a window, so memory follows the callers of the last minute. */
  private sweep(now: number): void {
    if (now - this.sweptAt < WINDOW_MS) return;
    this.sweptAt = now;
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
  }
}

/** Whose budget a request spends: its token's id, else its client address. */
async function keyOf(req: Request, tokens: TokenService): Promise<string> {
  const token = bearerToken(req.headers.authorization);
  if (token) {
    try {
      const caller = await tokens.resolve(token);
      if (caller) return `token:${caller.tokenId}`;
    } catch {
      // The database is unreachable: the guard answers 503; meanwhile count the token itself.
      return `token-hash:${createHash('sha256').update(token).digest('hex')}`;
    }
  }
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

export function rateLimit(limiter: RateLimiter, tokens: TokenService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    keyOf(req, tokens).then(
      (key) => {
        const v = limiter.hit(key);
        res.setHeader('RateLimit-Limit', String(limiter.limit));
        res.setHeader('RateLimit-Remaining', String(v.remaining));
        res.setHeader('RateLimit-Reset', String(v.resetSeconds));
        if (v.allowed) return next();
        const err = new ApiError(429, `too many requests: at most ${limiter.limit} a minute for this ${key.startsWith('ip:') ? 'client address' : 'token'}; try again in ${v.resetSeconds} s`);
        res.setHeader('Retry-After', String(v.resetSeconds));
        // The body is not read: close the connection rather than drain an upload we refuse.
        if (req.headers['content-length'] && Number(req.headers['content-length']) > 0) res.setHeader('Connection', 'close');
        const id = (req as Request & { id?: string }).id;
        res.status(429).json({ ...err.toJSON(), ...(id ? { requestId: id } : {}) });
      },
      (err: unknown) => next(err),
    );
  };
}
