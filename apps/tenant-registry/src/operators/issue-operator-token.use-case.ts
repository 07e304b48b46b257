import { TraceContext } from '@enclave/service-kit';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newOperatorToken, operatorTokenHash } from './operator-token.hash';
import { OperatorTokenEntity } from './operator-token.entity';
import { operatorTokenView } from './operator-token.view';

/** Issues a named operator token: the token is returned once and only its hash is stored. */
@Injectable()
export class IssueOperatorTokenUseCase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(name: string, expiresAt?: string) {
    const token = newOperatorToken();
    const row = {
      id: randomUUID(),
      name,
      tokenSha256: operatorTokenHash(token),
      createdAt: new Date(),
      createdBy: TraceContext.current().actor ?? null,
      expiresAt: expiresAt ? new Date(expiresAt) : null,
      revokedAt: null,
      revokedBy: null,
    };
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO tenant_registry.operator_token
         (id, name, token_sha256, created_at, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [
        row.id,
        row.name,
        row.tokenSha256,
        row.createdAt,
        row.createdBy && JSON.stringify(row.createdBy),
        row.expiresAt,
      ],
    );
    // A name is one operator for good: its history must not be shared with a later holder.
    if (inserted.length === 0) {
      throw new ConflictException(`an operator token named ${name} exists (or existed)`);
    }
    return { ...operatorTokenView(row as OperatorTokenEntity), token };
  }
}
