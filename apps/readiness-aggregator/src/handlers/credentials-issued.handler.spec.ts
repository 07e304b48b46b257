import { CredentialsIssued } from '@enclave/contracts';
import { envelopeOf, fakeEventContext } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { TrackRotationUseCase } from '../rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';
import { CredentialsIssuedHandler } from './credentials-issued.handler';

function setup() {
  const recordOutcome = { execute: jest.fn(async () => undefined) };
  const trackRotation = { execute: jest.fn(async () => undefined) };
  const handler = new CredentialsIssuedHandler(
    recordOutcome as unknown as RecordStageOutcomeUseCase,
    trackRotation as unknown as TrackRotationUseCase,
  );
  return { handler, recordOutcome, trackRotation, ctx: fakeEventContext() };
}

function event(rotationId: string | null) {
  return envelopeOf(
    CredentialsIssued,
    {
      tenantId: 'acme',
      registrationId: randomUUID(),
      product: 'ledger',
      isolationMode: 'SCHEMA',
      credentials: { postgres: { path: 'tenants/acme/ledger/postgres', version: 2 } },
      rotationId,
      productVersion: '1.0.0',
    },
    { causationId: randomUUID(), producer: 'credential-service' },
  );
}

describe('CredentialsIssuedHandler', () => {
  it('records a first issue as the credentials stage', async () => {
    const { handler, recordOutcome, trackRotation, ctx } = setup();
    const e = event(null);
    await handler.handle(e, ctx);
    expect(recordOutcome.execute).toHaveBeenCalledWith(ctx, e, {
      kind: 'done',
      stage: 'credentials',
    });
    expect(trackRotation.execute).not.toHaveBeenCalled();
  });

  it('hands a rotation to the rotation tracking only', async () => {
    const { handler, recordOutcome, trackRotation, ctx } = setup();
    const e = event(randomUUID());
    await handler.handle(e, ctx);
    expect(trackRotation.execute).toHaveBeenCalledWith(ctx, e, {
      kind: 'issued',
      rotationId: e.payload.rotationId,
      credentials: e.payload.credentials,
    });
    expect(recordOutcome.execute).not.toHaveBeenCalled();
  });
});
