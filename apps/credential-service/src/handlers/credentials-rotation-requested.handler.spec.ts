import {
  CredentialsIssued,
  CredentialsRotationRequestedPayload,
  EventEnvelope,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { randomUUID } from 'node:crypto';
import { NoCredentialsToRotateError } from '../credentials/no-credentials-to-rotate.error';
import { RevokedRegistrations } from '../credentials/revoked-registrations';
import {
  RotateCredentialsUseCase,
  RotationResult,
} from '../credentials/rotate-credentials.use-case';
import { CredentialsRotationRequestedHandler } from './credentials-rotation-requested.handler';

function setup(execute: jest.Mock, revoked = false) {
  const published: Array<{ type: string; payload: unknown }> = [];
  const ctx = {
    delivery: { attempt: 1, finalAttempt: true },
    publish: jest.fn(async (def: { type: string }, payload: unknown) => {
      published.push({ type: def.type, payload });
    }),
  } as unknown as EventContext;
  const handler = new CredentialsRotationRequestedHandler(
    { execute } as unknown as RotateCredentialsUseCase,
    {
      lock: async () => undefined,
      isRevoked: async () => revoked,
    } as unknown as RevokedRegistrations,
  );
  return { handler, ctx, published };
}

function event(): EventEnvelope<CredentialsRotationRequestedPayload> {
  return {
    id: randomUUID(),
    type: 'CredentialsRotationRequested',
    version: 1,
    tenantId: 'acme',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    producer: 'tenant-registry',
    payload: {
      tenantId: 'acme',
      registrationId: randomUUID(),
      product: 'ledger',
      isolationMode: 'SCHEMA',
      rotationId: randomUUID(),
    },
  };
}

describe('CredentialsRotationRequestedHandler', () => {
  it('rotates nothing for an offboarded registration (a replayed request)', async () => {
    const execute = jest.fn();
    const { handler, ctx, published } = setup(execute, true);
    await handler.handle(event(), ctx);
    expect(execute).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('publishes CredentialsIssued v2 with the new references and the rotation id', async () => {
    const credentials = { postgres: { path: 'tenants/acme/ledger/postgres', version: 2 } };
    const { handler, ctx, published } = setup(
      jest.fn(async (): Promise<RotationResult> => ({ kind: 'rotated', credentials })),
    );
    const e = event();

    await handler.handle(e, ctx);

    const { rotationId, ...registration } = e.payload;
    expect(published).toEqual([
      {
        type: CredentialsIssued.type,
        payload: { ...registration, credentials, rotationId },
      },
    ]);
    expect(CredentialsIssued.schema.safeParse(published[0].payload).success).toBe(true);
  });

  it('publishes nothing for a superseded request', async () => {
    const { handler, ctx, published } = setup(
      jest.fn(async (): Promise<RotationResult> => ({ kind: 'superseded' })),
    );
    await handler.handle(event(), ctx);
    expect(published).toEqual([]);
  });

  it('lets a refusal through to the consumer (dead letter), never as StageFailed', async () => {
    const e = event();
    const { handler, ctx, published } = setup(
      jest.fn(async () => {
        throw new NoCredentialsToRotateError('acme', 'ledger', e.payload.rotationId);
      }),
    );
    await expect(handler.handle(e, ctx)).rejects.toMatchObject({ retryable: false });
    expect(published).toEqual([]);
  });
});
