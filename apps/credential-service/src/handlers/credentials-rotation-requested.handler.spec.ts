import {
  CredentialsIssued,
  CredentialsRotationRequested,
  registryOrderPath,
} from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { envelopeOf, fakeEventContext } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { NoCredentialsToRotateError } from '../credentials/no-credentials-to-rotate.error';
import { RevokedRegistrations } from '../credentials/revoked-registrations';
import {
  RotateCredentialsUseCase,
  RotationResult,
} from '../credentials/rotate-credentials.use-case';
import { CredentialsRotationRequestedHandler } from './credentials-rotation-requested.handler';

/** The vault, holding the registry's rotation orders for `ordered` events. */
let vault: InMemorySecretStore;

function setup(execute: jest.Mock, revoked = false) {
  const ctx = fakeEventContext({ delivery: { finalAttempt: true } });
  const handler = new CredentialsRotationRequestedHandler(
    { execute } as unknown as RotateCredentialsUseCase,
    {
      lock: async () => undefined,
      isRevoked: async () => revoked,
    } as unknown as RevokedRegistrations,
    vault,
  );
  return { handler, ctx, published: ctx.published };
}

beforeEach(() => {
  vault = new InMemorySecretStore();
});

/** A request the registry ordered (its rotation order is in the vault). */
async function ordered() {
  const e = event();
  await vault.put(registryOrderPath('acme', 'ledger', 'rotation'), {
    registrationId: e.payload.registrationId,
    rotationId: e.payload.rotationId,
  });
  return e;
}

function event() {
  return envelopeOf(CredentialsRotationRequested, {
    tenantId: 'acme',
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
    productVersion: '1.0.0',
    rotationId: randomUUID(),
  });
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
    const e = await ordered();

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
    await handler.handle(await ordered(), ctx);
    expect(published).toEqual([]);
  });

  it('refuses (dead letter) a rotation the registry did not order, rotating nothing', async () => {
    const execute = jest.fn();
    const { handler, ctx, published } = setup(execute);
    await expect(handler.handle(event(), ctx)).rejects.toBeInstanceOf(RefusedEventError);
    expect(execute).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('lets a refusal through to the consumer (dead letter), never as StageFailed', async () => {
    const e = await ordered();
    const { handler, ctx, published } = setup(
      jest.fn(async () => {
        throw new NoCredentialsToRotateError('acme', 'ledger', e.payload.rotationId);
      }),
    );
    await expect(handler.handle(e, ctx)).rejects.toMatchObject({ retryable: false });
    expect(published).toEqual([]);
  });
});
