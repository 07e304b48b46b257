import { OperatorTokenEntity } from './operator-token.entity';

/** What the API shows of a named token: never the secret, which is not even stored. */
export const operatorTokenView = (t: OperatorTokenEntity) => ({
  id: t.id,
  name: t.name,
  actor: `operator:${t.name}`,
  createdAt: t.createdAt.toISOString(),
  createdBy: t.createdBy,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  revokedBy: t.revokedBy,
});
