/**
 * The signed-in caller: the bearer token (sessionStorage), who it is (GET /api/v1/session: role,
 * binding, demo mode) and, in demo mode, one token per role for the role switcher
 * (GET /api/v1/demo/session). The API client sends the token with every request; a 401 on a
 * request that carried it ends the session and the shell shows the sign-in form.
 */
import { api, authMiddleware } from './api.js';
import { defaultDemoToken, readToken, saveToken, signInFailure, type DemoToken, type Me, type SignInFailure } from './session-core.js';
import type { Role } from './roles.js';

type Status = 'starting' | 'signed-in' | 'signed-out';

const storage = (): Storage | undefined => {
  try {
    return sessionStorage;
  } catch {
    return undefined; // storage disabled: the session lasts as long as the page
  }
};

class Session {
  status = $state<Status>('starting');
  token = $state<string | null>(null);
  me = $state.raw<Me | null>(null);
  /** one token per role in demo mode; empty outside it */
  demoTokens = $state.raw<DemoToken[]>([]);
  /** the token stopped working while in use (revoked, or a new demo DATA_DIR) */
  expired = $state(false);

  get role(): Role | undefined {
    return this.me?.role;
  }
  get demo(): boolean {
    return this.me?.demo === true || this.demoTokens.length > 0;
  }

  constructor() {
    api.use(
      authMiddleware(
        () => this.token,
        () => this.end(true),
      ),
    );
  }

  /** Start-up: the tab's token if it still works; in demo mode the demo regulator; else signed out. */
  async start(): Promise<void> {
    const stored = readToken(storage());
    if (stored) {
      const me = await this.who(stored);
      if (me.ok) {
        this.accept(stored, me.me);
        if (me.me.demo) await this.loadDemo();
        return;
      }
      saveToken(storage(), null);
    }
    // Outside demo mode this answers 404: the sign-in form is shown.
    const demo = await this.loadDemo();
    const first = defaultDemoToken(demo);
    if (first && (await this.signIn(first.token)) === null) return;
    this.status = 'signed-out';
  }

  /** Signs in with a token; null on success, else why not. */
  async signIn(token: string): Promise<SignInFailure | null> {
    const t = token.trim();
    if (!t) return 'empty';
    const me = await this.who(t);
    if (!me.ok) return me.failure;
    this.accept(t, me.me);
    return null;
  }

  signOut(): void {
    this.end(false);
  }

  private end(expired: boolean): void {
    if (this.status !== 'signed-in') return;
    saveToken(storage(), null);
    this.token = null;
    this.me = null;
    this.expired = expired;
    this.status = 'signed-out';
  }

  private accept(token: string, me: Me): void {
    saveToken(storage(), token);
    this.token = token;
    this.me = me;
    this.expired = false;
    this.status = 'signed-in';
  }

  private async who(token: string): Promise<{ ok: true; me: Me } | { ok: false; failure: SignInFailure }> {
    try {
      // An explicit header: the middleware leaves it, and a 401 here is a failed sign-in, not an expiry.
      const { data, response } = await api.GET('/api/v1/session', { headers: { Authorization: `Bearer ${token}` } });
      return data && response.ok ? { ok: true, me: data } : { ok: false, failure: signInFailure(response.status) };
    } catch {
      return { ok: false, failure: 'unreachable' };
    }
  }

  private async loadDemo(): Promise<DemoToken[]> {
    try {
      const { data } = await api.GET('/api/v1/demo/session');
      this.demoTokens = data?.tokens ?? [];
    } catch {
      this.demoTokens = [];
    }
    return this.demoTokens;
  }
}

export const session = new Session();
