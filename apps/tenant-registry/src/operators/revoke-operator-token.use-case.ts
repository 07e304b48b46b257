import { TraceContext } from '@enclave/service-kit';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OperatorTokenEntity } from './operator-token.entity';
import { operatorTokenView } from './operator-token.view';

/** Revokes a named token for good; revoking a revoked one changes nothing (idempotent). */
@Injectable()
export class RevokeOperatorTokenUseCase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(id: string) {
    const tokens = this.dataSource.getRepository(OperatorTokenEntity);
    await tokens
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()', revokedBy: TraceContext.current().actor ?? null })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    const token = await tokens.findOneBy({ id });
    if (!token) throw new NotFoundException(`no operator token ${id}`);
    return operatorTokenView(token);
  }
}
