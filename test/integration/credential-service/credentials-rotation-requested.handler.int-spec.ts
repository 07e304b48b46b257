import {
  CredentialsRotationRequested,
  CredentialsRotationRequestedPayload,
  ServiceRegistered,
  registryOrderPath,
  tenantResourceNames,
} from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { EmbeddedSecretStore } from '@enclave/secret-store';
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialsStageUseCase } from '../../../apps/credential-service/src/credentials/credentials-stage.use-case';
import { IssueCredentialsUseCase } from '../../../apps/credential-service/src/credentials/issue-credentials.use-case';
import { NoCredentialsToRotateError } from '../../../apps/credential-service/src/credentials/no-credentials-to-rotate.error';
import { RotateCredentialsUseCase } from '../../../apps/credential-service/src/credentials/rotate-credentials.use-case';
import { RevokedRegistrations } from '../../../apps/credential-service/src/credentials/revoked-registrations';
import { credentialServiceMigrations } from '../../../apps/credential-service/src/migrations/credential-service.migrations';
import { CredentialsRotationRequestedHandler } from '../../../apps/credential-service/src/handlers/credentials-rotation-requested.handler';
import { ServiceRegisteredHandler } from '../../../apps/credential-service/src/handlers/service-registered.handler';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { embeddedVaultOn } from './embedded-vault';

/**
 * Rotation in the credential-service, on real PostgreSQL: the embedded vault (encrypted versions)
 * and the outbox live in the same throw-away database.
 */
describe('credential-service CredentialsRotationRequestedHandler', () => {
  const harness = new StageHandlerHarness('credential_service', 'credential-service');
  let secrets: EmbeddedSecretStore;
  let register: ServiceRegisteredHandler['handle'];
  let rotate: CredentialsRotationRequestedHandler['handle'];

  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  const registrationId = randomUUID();
  const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
  const resources = ['postgres', 'mongodb', 'rabbitmq'] as const;
  const paths = resources.map((r) => names.secretPath(r));

  const rotationRequest = (
    rotationId = randomUUID(),
    over: Partial<CredentialsRotationRequestedPayload> = {},
  ): CredentialsRotationRequestedPayload => ({
    tenantId,
    registrationId,
    product: 'ledger',
    isolationMode: 'SCHEMA',
    productVersion: '1.0.0',
    rotationId,
    ...over,
  });

  /** What the tenant-registry writes with every rotation it asks for: the order the handler checks. */
  const ordered = async (request: CredentialsRotationRequestedPayload) => {
    await secrets.put(registryOrderPath(request.tenantId, request.product, 'rotation'), {
      registrationId: request.registrationId,
      rotationId: request.rotationId,
    });
    return request;
  };

  const versions = async (path: string): Promise<number> => {
    const [{ n }] = await harness.dataSource.query(
      'SELECT count(*)::int AS n FROM enclave_vault.secret_version WHERE path = $1',
      [path],
    );
    return n;
  };
  const passwordsOf = async (version: number) =>
    Promise.all(paths.map(async (p) => (await secrets.get(p, version)).data.password));

  beforeAll(async () => {
    await harness.setUp(credentialServiceMigrations);
    secrets = await embeddedVaultOn(harness.dataSource);
    const registered = new ServiceRegisteredHandler(
      new CredentialsStageUseCase(new IssueCredentialsUseCase(secrets), new RevokedRegistrations()),
    );
    const rotation = new CredentialsRotationRequestedHandler(
      new RotateCredentialsUseCase(secrets),
      new RevokedRegistrations(),
      secrets,
    );
    register = registered.handle.bind(registered);
    rotate = rotation.handle.bind(rotation);
    await harness.deliver(
      ServiceRegistered,
      {
        tenantId,
        registrationId,
        product: 'ledger',
        isolationMode: 'SCHEMA',
        productVersion: '1.0.0',
        resources: [...resources],
      },
      register,
    );
  });

  afterAll(() => harness.tearDown());

  it('writes a new version of every credential and publishes CredentialsIssued (v3: rotation and product version) without secrets', async () => {
    const request = await ordered(rotationRequest());
    const before = await passwordsOf(1);

    await harness.deliver(CredentialsRotationRequested, request, rotate);

    for (const path of paths) expect(await versions(path)).toBe(2);
    const after = await passwordsOf(2);
    after.forEach((password, i) => expect(password).not.toBe(before[i]));
    expect((await secrets.get(names.secretPath('postgres'), 2)).data).toMatchObject({
      username: names.pgRole,
      rotationId: request.rotationId,
    });
    expect((await secrets.get(names.secretPath('rabbitmq'), 2)).data.username).toBe(
      names.rabbitUser,
    );

    const { raw, envelopes } = await harness.published();
    expect(envelopes.at(-1)).toMatchObject({
      type: 'CredentialsIssued',
      version: 3,
      payload: {
        tenantId,
        registrationId,
        rotationId: request.rotationId,
        productVersion: '1.0.0',
        credentials: {
          postgres: { path: names.secretPath('postgres'), version: 2 },
          mongodb: { path: names.secretPath('mongodb'), version: 2 },
          rabbitmq: { path: names.secretPath('rabbitmq'), version: 2 },
        },
      },
    });
    for (const password of [...before, ...after]) expect(raw).not.toContain(password);
  });

  it('rotates once per rotation id: a redelivered request republishes the same versions', async () => {
    const request = await ordered(rotationRequest());
    await harness.deliver(CredentialsRotationRequested, request, rotate);
    const first = (await harness.published()).envelopes.at(-1)!;

    await harness.deliver(CredentialsRotationRequested, { ...request }, rotate);

    for (const path of paths) expect(await versions(path)).toBe(3);
    const again = (await harness.published()).envelopes.at(-1)!;
    expect(again.id).not.toBe(first.id);
    expect(again.payload).toEqual(first.payload);
  });

  it('refuses (dead letter) and writes nothing for a request a later rotation superseded', async () => {
    const old = await ordered(rotationRequest());
    await harness.deliver(CredentialsRotationRequested, old, rotate);
    await harness.deliver(CredentialsRotationRequested, await ordered(rotationRequest()), rotate);
    const published = (await harness.published()).envelopes.length;

    await expect(
      harness.deliver(CredentialsRotationRequested, { ...old }, rotate),
    ).rejects.toBeInstanceOf(RefusedEventError);

    for (const path of paths) expect(await versions(path)).toBe(5);
    expect((await harness.published()).envelopes).toHaveLength(published);
  });

  it('refuses, non-retryably, a registration with no credentials, writing and publishing nothing', async () => {
    const published = (await harness.published()).envelopes.length;
    const stranger = `it-${randomBytes(4).toString('hex')}`;

    await expect(
      harness.deliver(
        CredentialsRotationRequested,
        await ordered(rotationRequest(randomUUID(), { tenantId: stranger })),
        rotate,
      ),
    ).rejects.toMatchObject({ name: NoCredentialsToRotateError.name, retryable: false });

    const [{ n }] = await harness.dataSource.query(
      'SELECT count(*)::int AS n FROM enclave_vault.secret_version WHERE path LIKE $1',
      [`tenants/${stranger}/%`],
    );
    expect(n).toBe(0);
    // No StageFailed either: the registration's provisioning did not fail.
    expect((await harness.published()).envelopes).toHaveLength(published);
  });

  it('refuses (dead letter) a rotation the registry did not order, writing and publishing nothing', async () => {
    const published = (await harness.published()).envelopes.length;
    const before = await Promise.all(paths.map(versions));

    // A forged request: no order at all for another registration id, and a rotation id the
    // registry never asked for this one.
    for (const forged of [
      rotationRequest(randomUUID(), { registrationId: randomUUID() }),
      rotationRequest(),
    ]) {
      await expect(
        harness.deliver(CredentialsRotationRequested, forged, rotate),
      ).rejects.toMatchObject({
        name: RefusedEventError.name,
        retryable: false,
        message: expect.stringContaining(forged.rotationId),
      });
    }

    expect(await Promise.all(paths.map(versions))).toEqual(before);
    expect((await harness.published()).envelopes).toHaveLength(published);
  });

  it('rotates once when eight replicas handle one request at the same moment', async () => {
    const other = `it-${randomBytes(4).toString('hex')}`;
    const otherNames = tenantResourceNames(other, 'ledger', 'SCHEMA');
    await new IssueCredentialsUseCase(secrets).execute({
      tenantId: other,
      product: 'ledger',
      isolationMode: 'SCHEMA',
      resources: [...resources],
    });
    const request = rotationRequest(randomUUID(), { tenantId: other });

    const results = await Promise.all(
      Array.from({ length: 8 }, () => new RotateCredentialsUseCase(secrets).execute(request)),
    );

    for (const resource of resources) {
      const path = otherNames.secretPath(resource);
      expect({ path, versions: await versions(path) }).toEqual({ path, versions: 2 });
    }
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toEqual({
      kind: 'rotated',
      credentials: Object.fromEntries(
        resources.map((r) => [r, { path: otherNames.secretPath(r), version: 2 }]),
      ),
    });
  });
});
