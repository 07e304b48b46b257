import { IntakeReply, IntakeRequestKind } from '@enclave/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

export interface StoredIntakeRequest {
  readonly publisher: string;
  readonly requestId: string;
  readonly kind: IntakeRequestKind;
  readonly tenantId: string;
  readonly product: string | null;
  readonly fingerprint: string;
  readonly status: IntakeReply['status'];
  readonly reason: string | null;
}

interface Row {
  publisher: string;
  request_id: string;
  kind: IntakeRequestKind;
  tenant_id: string;
  product: string | null;
  fingerprint: string;
  status: IntakeReply['status'];
  reason: string | null;
}

/** A rejected intake request, as the tenant's history records it. */
export interface IntakeRejectedEntry {
  readonly publisher: string;
  readonly requestId: string;
  readonly tenantId: string;
  readonly product: string | null;
  readonly reason: string;
}

/**
 * The registry's record of the intake requests it acted on (one per publisher and request id), and
 * the few reads the intake needs besides the use-cases.
 */
@Injectable()
export class IntakeRequestStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(publisher: string, requestId: string): Promise<StoredIntakeRequest | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT publisher, request_id, kind, tenant_id, product, fingerprint, status, reason
         FROM tenant_registry.intake_request WHERE publisher = $1 AND request_id = $2`,
      [publisher, requestId],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Records a request's outcome; false when a request with its id was recorded first. */
  async record(tx: EntityManager, request: StoredIntakeRequest): Promise<boolean> {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO tenant_registry.intake_request
         (publisher, request_id, kind, tenant_id, product, fingerprint, status, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (publisher, request_id) DO NOTHING
       RETURNING request_id`,
      [
        request.publisher,
        request.requestId,
        request.kind,
        request.tenantId,
        request.product,
        request.fingerprint,
        request.status,
        request.reason,
      ],
    );
    return inserted.length > 0;
  }

  /** The products a tenant has a registration of that is not offboarded yet. */
  async products(tenantId: string): Promise<string[]> {
    const rows: { product: string }[] = await this.dataSource.query(
      `SELECT product FROM tenant_registry.service_registration
        WHERE tenant_id = $1 AND state <> 'deleted' ORDER BY product`,
      [tenantId],
    );
    return rows.map((r) => r.product);
  }

  /**
   * Records a rejected request in the tenant's history, when the registry has that tenant. One entry
   * per publisher and request id, however often the request is read.
   */
  async recordRejection(tx: EntityManager, entry: IntakeRejectedEntry): Promise<void> {
    await tx.query(
      `INSERT INTO tenant_registry.tenant_history
         (event_id, tenant_id, product, registration_id, kind, occurred_at, actor, producer, stage,
          reason, correlation_id)
       SELECT $1, $2, $3, NULL, 'IntakeRejected', now(), $4, 'tenant-registry', NULL, $5, $6
        WHERE EXISTS (SELECT 1 FROM tenant_registry.tenant WHERE id = $2)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        rejectionEntryId(entry.publisher, entry.requestId),
        entry.tenantId,
        entry.product,
        JSON.stringify({ kind: 'publisher', name: entry.publisher }),
        entry.reason,
        entry.requestId,
      ],
    );
  }
}

/** A uuid derived from (publisher, request id): the history keeps one entry per rejected request. */
export function rejectionEntryId(publisher: string, requestId: string): string {
  const hex = createHash('sha256')
    .update(`intake-rejected:${publisher}:${requestId}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function fromRow(row: Row): StoredIntakeRequest {
  return {
    publisher: row.publisher,
    requestId: row.request_id,
    kind: row.kind,
    tenantId: row.tenant_id,
    product: row.product,
    fingerprint: row.fingerprint,
    status: row.status,
    reason: row.reason,
  };
}
