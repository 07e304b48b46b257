import type { EventActor } from '@enclave/contracts';
import { NamedOperatorTokens } from '@enclave/service-kit';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OPERATOR_TOKEN_PREFIX, operatorTokenHash } from './operator-token.hash';

/** How long an answer is reused: a revocation takes effect on every replica within this. */
export const OPERATOR_TOKEN_CACHE_MS = 2_000;

interface Cached {
  readonly actor: EventActor | null;
  readonly until: number;
}

/**
 * The registry's named operator tokens, looked up by hash. Answers are cached briefly (a burst of
 * calls costs one query) but only so long that a revoked or expired token stops within seconds.
 */
@Injectable()
export class OperatorTokenStore extends NamedOperatorTokens {
  private readonly cache = new Map<string, Cached>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async actorFor(token: string): Promise<EventActor | null> {
    if (!token.startsWith(OPERATOR_TOKEN_PREFIX)) return null;
    const hash = operatorTokenHash(token);
    const key = hash.toString('base64');
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.actor;
    const rows: { name: string; expires_at: Date | null }[] = await this.dataSource.query(
      `SELECT name, expires_at FROM tenant_registry.operator_token
        WHERE token_sha256 = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    );
    const actor = rows.length ? { kind: 'operator' as const, name: rows[0].name } : null;
    // Never cached past the token's own expiry.
    const expiry = rows[0]?.expires_at?.getTime() ?? Infinity;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { actor, until: Math.min(now + OPERATOR_TOKEN_CACHE_MS, expiry) });
    return actor;
  }
}
