import { IntakeReply, IntakeRequest, intakeReplyEvent } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { TraceContext } from '@enclave/service-kit';
import { ForbiddenException, HttpException, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { RegisterServiceUseCase } from '../registrations/register-service.use-case';
import { ChangeTenantStatusUseCase } from '../tenants/change-tenant-status.use-case';
import { CreateTenantUseCase } from '../tenants/create-tenant.use-case';
import { OffboardTenantUseCase } from '../tenants/offboard-tenant.use-case';
import { IntakePublishers, publisherActor } from './intake-publishers';
import { IntakeRejection } from './intake-rejection';
import { IntakeRequestStore, StoredIntakeRequest } from './intake-request.store';

/** The envelope's tenant of a reply to a request that named no valid tenant. */
const NO_TENANT = '(unknown)';

/**
 * One intake request, taken through the very use-cases the admin API's controllers call (one
 * use-case, two doors): the same validation, the same effects, the same refusals. Acts once per
 * (publisher, request id): a request read again is answered as it was the first time. The use-cases
 * are idempotent on their natural keys (the same tenant, the same registration), so a crash between
 * acting and recording the outcome is repaired by the redelivery. Every answer goes to the
 * publisher's replies topic through the outbox; a rejection about a known tenant enters its history.
 */
@Injectable()
export class HandleIntakeRequestUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly store: IntakeRequestStore,
    private readonly publishers: IntakePublishers,
    private readonly createTenant: CreateTenantUseCase,
    private readonly registerService: RegisterServiceUseCase,
    private readonly changeStatus: ChangeTenantStatusUseCase,
    private readonly offboardTenant: OffboardTenantUseCase,
  ) {}

  /** A request that was read and validated: acted on (once), then answered. */
  async execute(publisher: string, request: IntakeRequest): Promise<IntakeReply> {
    const fingerprint = fingerprintOf(request);
    const prior = await this.store.find(publisher, request.requestId);
    if (prior) {
      const reply =
        prior.fingerprint === fingerprint
          ? replyOf(prior)
          : rejected(
              idsOf(request),
              `request id ${request.requestId} was already used for another request`,
            );
      return this.dataSource.transaction((tx) => this.answer(tx, publisher, reply));
    }
    const outcome = await this.act(publisher, request);
    return this.dataSource.transaction(async (tx) => {
      const stored: StoredIntakeRequest = {
        publisher,
        requestId: request.requestId,
        kind: request.kind,
        tenantId: tenantOf(request),
        product: request.kind === 'register-service' ? request.registration.product : null,
        fingerprint,
        status: outcome.status,
        reason: outcome.reason ?? null,
      };
      // Another delivery of the same request recorded first: it is answered as that one was.
      const reply = (await this.store.record(tx, stored))
        ? outcome
        : replyOf((await this.store.find(publisher, request.requestId)) ?? stored);
      return this.answer(tx, publisher, reply);
    });
  }

  /** A request that could not be read: answered when its request id could be read at all. */
  async reject(publisher: string, rejection: IntakeRejection): Promise<IntakeReply | null> {
    const { requestId, reason, ...ids } = rejection;
    if (requestId === undefined) return null;
    return this.dataSource.transaction((tx) =>
      this.answer(tx, publisher, rejected({ requestId, ...ids }, reason)),
    );
  }

  private async act(publisher: string, request: IntakeRequest): Promise<IntakeReply> {
    const ids = idsOf(request);
    const context = {
      actor: publisherActor(publisher),
      // The request id follows the request's events (and their logs) as their correlation id.
      correlationId: request.requestId,
      tenantId: ids.tenantId,
    };
    try {
      await TraceContext.run(context, () => this.dispatch(publisher, request));
      return { ...ids, status: 'accepted' };
    } catch (error) {
      // What the admin API answers with a 4xx is a rejection; anything else (a server away) is
      // retried by the consumer, never answered as the request's fault.
      if (error instanceof HttpException && error.getStatus() < 500) {
        return rejected(ids, error.message);
      }
      throw error;
    }
  }

  private async dispatch(publisher: string, request: IntakeRequest): Promise<void> {
    const correlationId = request.requestId;
    switch (request.kind) {
      case 'create-tenant':
        await this.createTenant.execute(request.tenant, correlationId);
        return;
      case 'register-service':
        await this.registerService.execute(request.tenantId, request.registration, correlationId);
        return;
      case 'suspend-tenant':
        await this.checkAuthority(publisher, request.tenantId);
        await this.changeStatus.execute(
          request.tenantId,
          'suspended',
          request.suspension.reason,
          correlationId,
        );
        return;
      case 'resume-tenant':
        await this.checkAuthority(publisher, request.tenantId);
        await this.changeStatus.execute(request.tenantId, 'active', null, correlationId);
        return;
      case 'offboard-tenant':
        await this.checkAuthority(publisher, request.tenantId);
        await this.offboardTenant.execute(
          request.tenantId,
          request.offboarding.reason ?? null,
          correlationId,
        );
        return;
    }
  }

  /** A tenant-wide change reaches every product of the tenant: each must be the publisher's. */
  private async checkAuthority(publisher: string, tenantId: string): Promise<void> {
    const foreign = this.publishers.foreign(publisher, await this.store.products(tenantId));
    if (foreign.length > 0) {
      throw new ForbiddenException(
        `foreign product: publisher ${publisher} may not act for ${foreign.join(', ')}, which tenant ${tenantId} uses`,
      );
    }
  }

  private async answer(
    tx: EntityManager,
    publisher: string,
    reply: IntakeReply,
  ): Promise<IntakeReply> {
    await this.outbox.append(tx, intakeReplyEvent(publisher), reply, {
      tenantId: reply.tenantId ?? NO_TENANT,
      correlationId: reply.requestId,
      actor: publisherActor(publisher),
    });
    if (reply.status === 'rejected' && reply.tenantId !== undefined) {
      await this.store.recordRejection(tx, {
        publisher,
        requestId: reply.requestId,
        tenantId: reply.tenantId,
        product: reply.product ?? null,
        reason: reply.reason!,
      });
    }
    return reply;
  }
}

type ReplyIds = Pick<IntakeReply, 'requestId' | 'tenantId' | 'product'>;

const rejected = (ids: ReplyIds, reason: string): IntakeReply => ({
  ...ids,
  status: 'rejected',
  reason: reason.slice(0, 2000),
});

function tenantOf(request: IntakeRequest): string {
  return request.kind === 'create-tenant' ? request.tenant.id : request.tenantId;
}

function idsOf(request: IntakeRequest): ReplyIds {
  return {
    requestId: request.requestId,
    tenantId: tenantOf(request),
    ...(request.kind === 'register-service' ? { product: request.registration.product } : {}),
  };
}

function replyOf(stored: StoredIntakeRequest): IntakeReply {
  return {
    requestId: stored.requestId,
    status: stored.status,
    ...(stored.reason !== null ? { reason: stored.reason } : {}),
    tenantId: stored.tenantId,
    ...(stored.product !== null ? { product: stored.product } : {}),
  };
}

/** The request's content, keys sorted: the same request read again has the same fingerprint. */
export function fingerprintOf(request: IntakeRequest): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}
