import type { EventActor } from '@enclave/contracts';
import { Injectable, Optional } from '@nestjs/common';
import { NamedOperatorTokens } from './named-operator-tokens';
import { BOOTSTRAP_OPERATOR, OperatorToken, bearerOf } from './operator-token';

/** Who an Authorization header authenticates: the bootstrap operator, a named operator, or nobody. */
@Injectable()
export class OperatorAuthenticator {
  constructor(
    private readonly bootstrap: OperatorToken,
    @Optional() private readonly named?: NamedOperatorTokens,
  ) {}

  async authenticate(authorization: string | string[] | undefined): Promise<EventActor | null> {
    if (this.bootstrap.admits(authorization)) return BOOTSTRAP_OPERATOR;
    const bearer = bearerOf(authorization);
    if (bearer === null || !this.named) return null;
    return this.named.actorFor(bearer);
  }
}
