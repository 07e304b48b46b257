import {
  DeadLetterDiscarded,
  EventEnvelope,
  StageFailed,
  TenantStatusChanged,
} from '@enclave/contracts';
import { HISTORY_EVENTS, historyEntryOf } from './tenant-history.entry';

const envelope = (type: string, payload: object): EventEnvelope => ({
  id: '0b6c6f3e-8d1e-4a2f-9c55-7e1f0e2d3c4b',
  type,
  version: 1,
  tenantId: 'acme',
  correlationId: '4f0c2a53-7b7e-4c61-9d0e-5b7f2f3b9a10',
  causationId: null,
  occurredAt: '2026-12-05T12:00:00.000Z',
  producer: 'postgres-provisioner',
  actor: { kind: 'operator', name: 'ada' },
  payload,
});

describe('historyEntryOf', () => {
  it('records a stage outcome with its stage, its cause and on whose behalf it ran', () => {
    const entry = historyEntryOf(
      envelope(StageFailed.type, {
        tenantId: 'acme',
        registrationId: '9d2b1c8e-1f0a-4b7e-8c3d-2a1b0c9d8e7f',
        product: 'ledger',
        isolationMode: 'SCHEMA',
        stage: 'postgres',
        reason: 'disk full',
        rotationId: null,
      }),
    );
    expect(entry).toEqual({
      eventId: '0b6c6f3e-8d1e-4a2f-9c55-7e1f0e2d3c4b',
      tenantId: 'acme',
      product: 'ledger',
      registrationId: '9d2b1c8e-1f0a-4b7e-8c3d-2a1b0c9d8e7f',
      kind: 'StageFailed',
      occurredAt: '2026-12-05T12:00:00.000Z',
      actor: { kind: 'operator', name: 'ada' },
      producer: 'postgres-provisioner',
      stage: 'postgres',
      reason: 'disk full',
      correlationId: '4f0c2a53-7b7e-4c61-9d0e-5b7f2f3b9a10',
    });
  });

  it('says which way a tenant status changed, and why', () => {
    const change = (status: string, reason: string | null) =>
      historyEntryOf(
        envelope(TenantStatusChanged.type, { tenantId: 'acme', status, reason, revision: 2 }),
      );
    expect(change('suspended', 'unpaid')).toMatchObject({
      kind: 'TenantSuspended',
      reason: 'unpaid',
      product: null,
    });
    expect(change('active', null)).toMatchObject({ kind: 'TenantResumed', reason: null });
  });

  it('records an event without an actor as nobody in particular', () => {
    const { actor, ...rest } = envelope('TenantCreated', { tenantId: 'acme', displayName: 'A' });
    expect(actor).toBeDefined();
    expect(historyEntryOf(rest)).toMatchObject({ kind: 'TenantCreated', actor: null });
  });

  it("records an operator's decision on a dead letter about the tenant, with the operator's reason", () => {
    expect(HISTORY_EVENTS.map((e) => e.type)).toEqual(
      expect.arrayContaining(['DeadLetterReplayed', 'DeadLetterDiscarded']),
    );
    const entry = historyEntryOf(
      envelope(DeadLetterDiscarded.type, {
        deadLetterId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        sourceTopic: 'enclave.tenant.created',
        consumerGroup: 'enclave.some-stage',
        eventId: '0b6c6f3e-8d1e-4a2f-9c55-7e1f0e2d3c4c',
        eventType: 'TenantCreated',
        cause: 'precondition missing',
        reason: 'test tenant, never to be served',
      }),
    );
    expect(entry).toMatchObject({
      kind: 'DeadLetterDiscarded',
      tenantId: 'acme',
      reason: 'test tenant, never to be served',
      actor: { kind: 'operator', name: 'ada' },
      product: null,
    });
  });
});
