import {
  CredentialsIssued,
  CredentialsIssuedPayload,
  PostgresProvisioned,
  StageFailed,
} from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import { SecretStore } from '@enclave/secret-store';
import {
  envelopeOf,
  fakeEventContext,
  fakeProductCatalog,
  fakeTenantAccess,
} from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { PostgresStageUseCase } from '../provisioning/postgres-stage.use-case';
import { PostgresTenantProvisioner } from '../provisioning/postgres-tenant.provisioner';
import { CredentialsIssuedHandler } from './credentials-issued.handler';

const PASSWORD = 'pw-never-anywhere-9f3c';

function setup(
  options: {
    data?: Record<string, string>;
    provision?: jest.Mock;
    finalAttempt?: boolean;
    status?: 'active' | 'suspended';
    /** The rotation the vault's latest version (3) was written for. */
    rotationId?: string;
  } = {},
) {
  const provision =
    options.provision ??
    jest.fn(async () => ({ database: 'p_ledger', schema: 't_acme', role: 't_acme_ledger_s' }));
  const provisioner = { provision } as unknown as PostgresTenantProvisioner;
  const get = jest.fn(async (path: string, version?: number) => ({
    ref: { path, version: version ?? 1 },
    data: options.data ?? { username: 't_acme_ledger_s', password: PASSWORD },
  }));
  const find = jest.fn(async (path: string) => ({
    ref: { path, version: 3 },
    data: options.rotationId ? { rotationId: options.rotationId } : {},
  }));
  const secrets = { get, find } as unknown as SecretStore;
  const ctx = fakeEventContext({ delivery: { finalAttempt: options.finalAttempt ?? false } });
  const access = fakeTenantAccess(options.status);
  return {
    handler: new CredentialsIssuedHandler(
      new PostgresStageUseCase(secrets, provisioner, fakeProductCatalog(), access),
    ),
    access,
    provision,
    get,
    ctx,
    published: ctx.published,
  };
}

function event(
  credentials: CredentialsIssuedPayload['credentials'],
  rotationId: string | null = null,
) {
  return envelopeOf(CredentialsIssued, {
    tenantId: 'acme',
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
    rotationId,
    productVersion: '1.0.0',
    credentials,
  });
}

describe('CredentialsIssuedHandler', () => {
  const ref = { path: 'tenants/acme/ledger/postgres', version: 3 };

  it('does nothing when the product does not use PostgreSQL', async () => {
    const { handler, provision, get, ctx, published } = setup();
    await handler.handle(
      event({ mongodb: { path: 'tenants/acme/ledger/mongodb', version: 1 } }),
      ctx,
    );
    expect(provision).not.toHaveBeenCalled();
    expect(get).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('provisions with the vaulted credentials and publishes only the reference', async () => {
    const { handler, provision, get, ctx, published } = setup();
    const e = event({ postgres: ref });
    await handler.handle(e, ctx);
    expect(get).toHaveBeenCalledWith(ref.path, ref.version);
    expect(provision).toHaveBeenCalledWith({
      tenantId: 'acme',
      product: 'ledger',
      mode: 'SCHEMA',
      username: 't_acme_ledger_s',
      password: PASSWORD,
      suspended: false,
    });
    expect(published).toEqual([
      {
        type: PostgresProvisioned.type,
        payload: {
          tenantId: 'acme',
          registrationId: e.payload.registrationId,
          product: 'ledger',
          isolationMode: 'SCHEMA',
          database: 'p_ledger',
          schema: 't_acme',
          role: 't_acme_ledger_s',
          credentials: ref,
          rotationId: null,
          productVersion: '1.0.0',
        },
      },
    ]);
    // The payload must satisfy the contract (strict: no extra fields such as a password).
    expect(PostgresProvisioned.schema.safeParse(published[0].payload).success).toBe(true);
    expect(JSON.stringify(published)).not.toContain(PASSWORD);
  });

  it('makes the login of a suspended tenant unable to log in, and remembers the login', async () => {
    const { handler, provision, access, ctx } = setup({ status: 'suspended' });
    await handler.handle(event({ postgres: ref }), ctx);
    expect(provision).toHaveBeenCalledWith(expect.objectContaining({ suspended: true }));
    expect(access.held).toEqual([{ tenantId: 'acme', product: 'ledger', mode: 'SCHEMA' }]);
  });

  it('schedules the end of older sessions after a rotation, and only then', async () => {
    const first = setup();
    await first.handler.handle(event({ postgres: ref }), first.ctx);
    expect(first.access.scheduled).toEqual([]);
    const rotationId = randomUUID();
    const rotated = setup({ rotationId });
    await rotated.handler.handle(event({ postgres: ref }, rotationId), rotated.ctx);
    expect(rotated.access.scheduled).toEqual([
      { tenantId: 'acme', product: 'ledger', mode: 'SCHEMA' },
    ]);
  });

  it('fails the stage at once, without the secret, when the provisioner refuses', async () => {
    const provision = jest.fn(async () => {
      throw new PermanentStageError('schema "t_acme" already exists and is owned by "someone"');
    });
    const { handler, ctx, published } = setup({ provision });
    await handler.handle(event({ postgres: ref }), ctx);
    expect(published).toEqual([
      {
        type: StageFailed.type,
        payload: expect.objectContaining({
          stage: 'postgres',
          reason: expect.stringContaining('t_acme'),
        }),
      },
    ]);
    expect(JSON.stringify(published)).not.toContain(PASSWORD);
  });

  it("refuses (dead letter) a reference to another tenant's secret without reading it", async () => {
    const { handler, provision, get, ctx, published } = setup();
    await expect(
      handler.handle(
        event({ postgres: { path: 'tenants/other/ledger/postgres', version: 1 } }),
        ctx,
      ),
    ).rejects.toMatchObject({ name: 'RefusedEventError', retryable: false });
    expect(get).not.toHaveBeenCalled();
    expect(provision).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('fails the stage when the secret lacks a username or password', async () => {
    const { handler, provision, ctx, published } = setup({ data: { user: 'x' } });
    await handler.handle(event({ postgres: ref }), ctx);
    expect(provision).not.toHaveBeenCalled();
    expect(published).toEqual([
      {
        type: StageFailed.type,
        payload: expect.objectContaining({
          reason: expect.stringMatching(/no username and password/),
        }),
      },
    ]);
  });

  it('leaves a failure to the consumer to retry until the final attempt, then fails the stage', async () => {
    const provision = jest.fn(async () => {
      throw new Error('unexpected answer');
    });
    const first = setup({ provision });
    await expect(first.handler.handle(event({ postgres: ref }), first.ctx)).rejects.toThrow(
      'unexpected answer',
    );
    expect(first.published).toEqual([]);

    const last = setup({ provision, finalAttempt: true });
    await last.handler.handle(event({ postgres: ref }), last.ctx);
    expect(last.published).toEqual([
      { type: StageFailed.type, payload: expect.objectContaining({ reason: 'unexpected answer' }) },
    ]);
  });

  it('never fails the stage because the server is away or saturated', async () => {
    for (const error of [
      Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }),
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ]) {
      const last = setup({ provision: jest.fn().mockRejectedValue(error), finalAttempt: true });
      await expect(last.handler.handle(event({ postgres: ref }), last.ctx)).rejects.toBe(error);
      expect(last.published).toEqual([]);
    }
  });
});
