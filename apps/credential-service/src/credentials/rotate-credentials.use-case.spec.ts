import { CredentialsRotationRequestedPayload } from '@enclave/contracts';
import { InMemorySecretStore, SecretData, SecretRef } from '@enclave/secret-store';
import { randomUUID } from 'node:crypto';
import { NoCredentialsToRotateError } from './no-credentials-to-rotate.error';
import { RotateCredentialsUseCase } from './rotate-credentials.use-case';

/** The in-memory vault; `failPut` makes the next write to a path fail once. */
class FakeVault extends InMemorySecretStore {
  readonly failPut = new Set<string>();

  override async put(path: string, data: SecretData): Promise<SecretRef> {
    if (this.failPut.delete(path)) throw new Error(`vault unavailable for ${path}`);
    return super.put(path, data);
  }

  count(path: string): number {
    return this.versions.get(path)?.length ?? 0;
  }
}

const PG = 'tenants/acme/ledger/postgres';
const MONGO = 'tenants/acme/ledger/mongodb';
const RABBIT = 'tenants/acme/ledger/rabbitmq';

function request(rotationId = randomUUID()): CredentialsRotationRequestedPayload {
  return {
    tenantId: 'acme',
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
    productVersion: '1.0.0',
    rotationId,
  };
}

function issued(vault: FakeVault, paths: string[]) {
  for (const path of paths) {
    const user = path.endsWith('postgres') ? 't_acme__ledger_s' : 't_acme__ledger';
    vault.versions.set(path, [{ username: user, password: `first-${path}` }]);
  }
}

describe('RotateCredentialsUseCase', () => {
  it('writes a new version per existing credential: same username, fresh password, rotation id', async () => {
    const vault = new FakeVault();
    issued(vault, [PG, RABBIT]);
    const req = request();

    const result = await new RotateCredentialsUseCase(vault).execute(req);

    expect(result).toEqual({
      kind: 'rotated',
      credentials: { postgres: { path: PG, version: 2 }, rabbitmq: { path: RABBIT, version: 2 } },
    });
    expect(vault.count(MONGO)).toBe(0); // never issued, so not invented by a rotation
    const pg = await vault.get(PG, 2);
    expect(pg.data).toEqual({
      username: 't_acme__ledger_s',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      rotationId: req.rotationId,
    });
    expect(pg.data.password).not.toBe(`first-${PG}`);
    expect((await vault.get(RABBIT, 2)).data.username).toBe('t_acme__ledger');
  });

  it('rotates once per rotation id: a repeated request reuses the versions it wrote', async () => {
    const vault = new FakeVault();
    issued(vault, [PG, MONGO, RABBIT]);
    const useCase = new RotateCredentialsUseCase(vault);
    const req = request();

    const first = await useCase.execute(req);
    const again = await useCase.execute({ ...req });

    expect(again).toEqual(first);
    expect([vault.count(PG), vault.count(MONGO), vault.count(RABBIT)]).toEqual([2, 2, 2]);
  });

  it('completes a rotation a failed delivery left half done, without rotating twice', async () => {
    const vault = new FakeVault();
    issued(vault, [PG, MONGO]);
    const useCase = new RotateCredentialsUseCase(vault);
    const req = request();
    vault.failPut.add(MONGO);

    await expect(useCase.execute(req)).rejects.toThrow('vault unavailable');
    expect([vault.count(PG), vault.count(MONGO)]).toEqual([2, 1]);

    const retried = await useCase.execute(req);
    expect(retried).toEqual({
      kind: 'rotated',
      credentials: { postgres: { path: PG, version: 2 }, mongodb: { path: MONGO, version: 2 } },
    });
    expect([vault.count(PG), vault.count(MONGO)]).toEqual([2, 2]);
  });

  it('gives each new rotation id its own versions', async () => {
    const vault = new FakeVault();
    issued(vault, [PG]);
    const useCase = new RotateCredentialsUseCase(vault);

    await useCase.execute(request());
    const second = await useCase.execute(request());

    expect(second).toEqual({
      kind: 'rotated',
      credentials: { postgres: { path: PG, version: 3 } },
    });
    expect((await vault.get(PG, 2)).data.password).not.toBe((await vault.get(PG, 3)).data.password);
  });

  it('writes nothing for a request a later rotation superseded (a replay of an old request)', async () => {
    const vault = new FakeVault();
    issued(vault, [PG, MONGO]);
    const useCase = new RotateCredentialsUseCase(vault);
    const old = request();
    await useCase.execute(old);
    await useCase.execute(request());

    expect(await useCase.execute(old)).toEqual({ kind: 'superseded' });
    expect([vault.count(PG), vault.count(MONGO)]).toEqual([3, 3]);
  });

  it('refuses, as non-retryable, a registration with no credentials at all', async () => {
    const vault = new FakeVault();
    const req = request();

    const failure = new RotateCredentialsUseCase(vault).execute(req);

    await expect(failure).rejects.toBeInstanceOf(NoCredentialsToRotateError);
    await expect(failure).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining(req.rotationId),
    });
    expect(vault.versions.size).toBe(0);
  });

  it('lets other vault failures through for the consumer to retry', async () => {
    const vault = new FakeVault();
    issued(vault, [PG]);
    vault.find = jest.fn(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    await expect(new RotateCredentialsUseCase(vault).execute(request())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('fails, to be retried, when another rotation writes a path between its read and its write', async () => {
    class RacedVault extends FakeVault {
      raced = false;
      override async putIfLatest(path: string, data: SecretData, expected: number) {
        if (path === PG && !this.raced) {
          this.raced = true;
          await super.put(PG, { ...data, password: 'theirs', rotationId: 'another' });
        }
        return super.putIfLatest(path, data, expected);
      }
    }
    const vault = new RacedVault();
    issued(vault, [PG]);
    const req = request();

    await expect(new RotateCredentialsUseCase(vault).execute(req)).rejects.toThrow(
      `${PG} changed while rotation ${req.rotationId} was writing it`,
    );
    expect(vault.versions.get(PG)?.map((v) => v.rotationId)).toEqual([undefined, 'another']);
  });
});
