import { ServiceRegisteredPayload, tenantResourceNames } from '@enclave/contracts';
import { EmbeddedSecretStore } from '@enclave/secret-store';
import { randomBytes, randomUUID } from 'node:crypto';
import { IssueCredentialsUseCase } from '../../../apps/credential-service/src/credentials/issue-credentials.use-case';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { embeddedVaultOn } from './embedded-vault';

/**
 * Issuing on real PostgreSQL (the embedded vault): replicas handling one registration at the same
 * moment (a rebalance, a redelivery) must vault one credential per resource, not one each.
 */
describe('credential-service IssueCredentialsUseCase', () => {
  const harness = new StageHandlerHarness('credential_service', 'credential-service');
  let secrets: EmbeddedSecretStore;

  const registration = (): ServiceRegisteredPayload => ({
    tenantId: `it-${randomBytes(4).toString('hex')}`,
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
    productVersion: '1.0.0',
    resources: ['postgres', 'mongodb', 'rabbitmq'],
  });

  const versions = async (path: string): Promise<number> => {
    const [{ n }] = await harness.dataSource.query(
      'SELECT count(*)::int AS n FROM enclave_vault.secret_version WHERE path = $1',
      [path],
    );
    return n;
  };

  beforeAll(async () => {
    await harness.setUp();
    secrets = await embeddedVaultOn(harness.dataSource);
  });

  afterAll(() => harness.tearDown());

  it('vaults one credential per resource when eight replicas issue the same registration at once', async () => {
    const payload = registration();
    // Separate use-case instances, as separate replicas have, sharing only the vault.
    const results = await Promise.all(
      Array.from({ length: 8 }, () => new IssueCredentialsUseCase(secrets).execute(payload)),
    );
    const names = tenantResourceNames(payload.tenantId, 'ledger', 'SCHEMA');
    for (const resource of payload.resources) {
      const path = names.secretPath(resource);
      expect({ path, versions: await versions(path) }).toEqual({ path, versions: 1 });
    }
    // Every replica reports the same references, so every CredentialsIssued agrees.
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toEqual({
      postgres: { path: names.secretPath('postgres'), version: 1 },
      mongodb: { path: names.secretPath('mongodb'), version: 1 },
      rabbitmq: { path: names.secretPath('rabbitmq'), version: 1 },
    });
    expect((await secrets.get(names.secretPath('postgres'))).data.username).toBe(names.pgRole);
  });

  it('reuses a live credential, and replaces one left under another login name', async () => {
    const payload = registration();
    const names = tenantResourceNames(payload.tenantId, 'ledger', 'SCHEMA');
    const first = await new IssueCredentialsUseCase(secrets).execute(payload);
    expect(await new IssueCredentialsUseCase(secrets).execute(payload)).toEqual(first);

    await secrets.put(names.secretPath('mongodb'), { username: 'someone_else', password: 'x' });
    const again = await new IssueCredentialsUseCase(secrets).execute(payload);
    expect(again.mongodb).toEqual({ path: names.secretPath('mongodb'), version: 3 });
    expect((await secrets.get(names.secretPath('mongodb'))).data.username).toBe(names.mongoUser);
    expect(again.postgres).toEqual(first.postgres);
  });
});
