/**
 * RATE_LIMIT_PER_MINUTE (contract "Configuration"): a fixed one-minute window per token id (per
 * client IP for requests without a valid token). A token not already known valid here is looked
 * up only after the client address's budget has taken the request, so a flood of made-up tokens
 * is refused without asking the store (TokenService also remembers unknown hashes apart, in a
 * size-capped set); once found valid, the request is moved to the token's own budget.
 * Over the limit → 429 in the contract's error shape with `Retry-After` (seconds until the
 * window ends). Counted in this process's memory: with several instances behind a balancer each
 * enforces the limit on its own share of the traffic, so a token may get up to limit × instances
 * per minute in all.
 */
import type { NextFunction, Request, Response } from 'express';
import { bearerToken } from '../access/auth.guard.js';
import type { TokenService } from '../access/token.service.js';
import type { Caller } from '../access/roles.js';
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
    return {
      allowed: w.count <= this.limit,
      remaining: Math.max(0, this.limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.endsAt - now) / 1000)),
    };
  }

  /** Takes back one hit of the key's current window (a request that turned out to be another key's). */
  refund(key: string): void {
    const w = this.windows.get(key);
    if (w && w.endsAt > this.now() && w.count > 0) w.count -= 1;
  }

  /** Drops ended windows once a window, so memory follows the callers of the last minute. */
  private sweep(now: number): void {
    if (now - this.sweptAt < WINDOW_MS) return;
    this.sweptAt = now;
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
  }
}

/** Spends the request from its token's budget when the token is valid, else from its client address's. */
async function spend(req: Request, limiter: RateLimiter, tokens: TokenService): Promise<{ key: string; verdict: Verdict }> {
  const token = bearerToken(req.headers.authorization);
  const known = token ? tokens.knownCaller(token) : null;
  if (known) return charge(limiter, `token:${known.tokenId}`);
  const address = charge(limiter, `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`);
  if (!token || !address.verdict.allowed) return address;
  let caller: Caller | null;
  try {
    caller = await tokens.resolve(token);
  } catch {
    // The database is unreachable: the guard answers 503; the address has paid for the request.
    return address;
  }
  if (!caller) return address;
  limiter.refund(address.key);
  return charge(limiter, `token:${caller.tokenId}`);
}

const charge = (limiter: RateLimiter, key: string) => ({ key, verdict: limiter.hit(key) });

export function rateLimit(limiter: RateLimiter, tokens: TokenService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    spend(req, limiter, tokens).then(
      ({ key, verdict: v }) => {
        res.setHeader('RateLimit-Limit', String(limiter.limit));
        res.setHeader('RateLimit-Remaining', String(v.remaining));
        res.setHeader('RateLimit-Reset', String(v.resetSeconds));
        if (v.allowed) return next();
        const err = new ApiError(
          429,
          `too many requests: at most ${limiter.limit} a minute for this ${key.startsWith('ip:') ? 'client address' : 'token'}; try again in ${v.resetSeconds} s`,
        );
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
