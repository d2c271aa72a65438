import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a websocket binding token may be used to bind: long enough to connect, short enough not to keep. */
export const BINDING_TOKEN_LIFETIME_MS = 5 * 60_000;

/** What a verified binding token says: whose subscriptions may be bound, until when. */
export interface Binding {
  readonly ownerOdsCode: string;
  readonly subscriptionIds: readonly string[];
  readonly expiresAt: number;
}

/**
 * Tokens a websocket client binds its subscriptions with ($get-ws-binding-token, then `bind-with-token <token>`).
 * Signed, not stored: any instance can verify a token another issued, and none keeps a list to leak. The signing key is
 * derived from the header-sealing key (HKDF, its own label), so one secret from the environment serves both and a
 * token can never be mistaken for a sealed header.
 */
export class BindingTokens {
  private readonly key: Buffer;

  constructor(
    secret: Buffer,
    private readonly clock: () => number = Date.now,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'crosscare websocket binding', 32));
  }

  issue(ownerOdsCode: string, subscriptionIds: readonly string[]): { token: string; expiresAt: number } {
    const expiresAt = this.clock() + BINDING_TOKEN_LIFETIME_MS;
    const body = Buffer.from(
      JSON.stringify({
        o: ownerOdsCode,
        s: subscriptionIds,
        e: expiresAt,
        n: randomBytes(8).toString('hex'),
      }),
    ).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt };
  }

  /** The binding, or why the token is refused (never echoing it). */
  verify(token: string): { ok: true; binding: Binding } | { ok: false; reason: string } {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return { ok: false, reason: 'not a binding token' };
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return { ok: false, reason: 'the binding token is not one this service issued' };
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      o: string;
      s: string[];
      e: number;
    };
    if (claims.e <= this.clock())
      return { ok: false, reason: 'the binding token has expired: ask for another' };
    return { ok: true, binding: { ownerOdsCode: claims.o, subscriptionIds: claims.s, expiresAt: claims.e } };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
