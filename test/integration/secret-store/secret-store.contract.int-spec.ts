import {
  generatePassword,
  InvalidSecretRefError,
  SecretNotFoundError,
  SecretStore,
  putIfAbsent,
} from '@enclave/secret-store';
import {
  availableBackends,
  BackendUnderTest,
  freshPath,
  StartedBackend,
} from './secret-store-backends';

/**
 * The SecretStore contract, the same cases for every backend this run can reach. Revoked and
 * absent secrets read alike (SecretNotFoundError), on every backend.
 */
describe.each(availableBackends().map((backend) => [backend.name, backend] as const))(
  'SecretStore contract: %s',
  (_name: string, backend: BackendUnderTest) => {
    let started: StartedBackend;
    let store: SecretStore;

    beforeAll(async () => {
      started = await backend.start();
      store = started.store;
    });

    afterAll(async () => {
      await started?.stop();
    });

    it('round-trips a secret: put returns its ref, get returns the data', async () => {
      const path = freshPath();
      const data = {
        username: 'orders_app',
        password: generatePassword(),
        note: 'ünïcødé ✓ "q" \\ \n\'',
      };
      const ref = await store.put(path, data);
      expect(ref).toEqual({ path, version: 1 });
      expect(await store.get(path, 1)).toEqual({ ref, data });
    });

    it('gives every put the next version and keeps older versions readable', async () => {
      const path = freshPath();
      const refs = [];
      for (const password of ['one', 'two', 'three'])
        refs.push(await store.put(path, { password }));
      expect(refs.map((r) => r.version)).toEqual([1, 2, 3]);
      expect((await store.get(path, 1)).data).toEqual({ password: 'one' });
      expect((await store.get(path, 2)).data).toEqual({ password: 'two' });
      expect((await store.get(path, 3)).data).toEqual({ password: 'three' });
    });

    it('reads the latest version when none is given, through get and find', async () => {
      const path = freshPath();
      await store.put(path, { password: 'old' });
      await store.put(path, { password: 'new' });
      expect(await store.get(path)).toEqual({
        ref: { path, version: 2 },
        data: { password: 'new' },
      });
      expect(await store.find(path)).toEqual({
        ref: { path, version: 2 },
        data: { password: 'new' },
      });
    });

    it('throws SecretNotFoundError for a missing path or version; find answers undefined', async () => {
      const path = freshPath();
      await expect(store.get(path)).rejects.toBeInstanceOf(SecretNotFoundError);
      await expect(store.get(path, 1)).rejects.toBeInstanceOf(SecretNotFoundError);
      expect(await store.find(path)).toBeUndefined();
      await store.put(path, { password: 'p' });
      await expect(store.get(path, 2)).rejects.toBeInstanceOf(SecretNotFoundError);
    });

    it('revokes every version: all reads then fail; revoking again or an unknown path is fine', async () => {
      const path = freshPath();
      await store.put(path, { password: 'v1' });
      await store.put(path, { password: 'v2' });
      await store.revoke(path);
      await expect(store.get(path)).rejects.toBeInstanceOf(SecretNotFoundError);
      await expect(store.get(path, 1)).rejects.toBeInstanceOf(SecretNotFoundError);
      await expect(store.get(path, 2)).rejects.toBeInstanceOf(SecretNotFoundError);
      expect(await store.find(path)).toBeUndefined();
      await store.revoke(path);
      await store.revoke(freshPath());
    });

    it('starts afresh after a revoke: the new secret reads, the revoked data never does', async () => {
      const path = freshPath();
      await store.put(path, { password: 'revoked' });
      await store.revoke(path);
      const ref = await store.put(path, { password: 'reissued' });
      expect(await store.get(path)).toEqual({ ref, data: { password: 'reissued' } });
      for (let version = 1; version <= ref.version; version++) {
        const read = await store.get(path, version).catch((error: unknown) => error);
        if (!(read instanceof SecretNotFoundError))
          expect(read).toMatchObject({ data: { password: 'reissued' } });
      }
    });

    it('scopes by exact path: other tenants, parents and children are untouched', async () => {
      const tenantA = freshPath('db');
      const tenantB = freshPath('db');
      const child = `${tenantA}/replica`;
      await store.put(tenantA, { password: 'a' });
      await store.put(tenantB, { password: 'b' });
      await store.put(child, { password: 'child' });
      expect((await store.put(tenantB, { password: 'b2' })).version).toBe(2);
      await store.revoke(tenantA);
      expect((await store.get(tenantB)).data).toEqual({ password: 'b2' });
      expect((await store.get(child)).data).toEqual({ password: 'child' });
      await store.revoke(tenantA.slice(0, tenantA.lastIndexOf('/')));
      expect((await store.get(child)).data).toEqual({ password: 'child' });
    });

    it('hands 20 concurrent puts on one path the distinct versions 1..20', async () => {
      const path = freshPath();
      const refs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.put(path, { password: `p${i}` })),
      );
      expect(refs.map((r) => r.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const writer = refs.findIndex((r) => r.version === 20);
      expect(await store.get(path)).toEqual({
        ref: { path, version: 20 },
        data: { password: `p${writer}` },
      });
    });

    it('putIfAbsent: of 20 concurrent callers one writes, and every one gets that secret', async () => {
      const path = freshPath();
      const got = await Promise.all(
        Array.from({ length: 20 }, (_, i) => putIfAbsent(store, path, { password: `p${i}` })),
      );
      expect(new Set(got.map((s) => JSON.stringify(s))).size).toBe(1);
      expect(got[0].ref).toEqual({ path, version: 1 });
      expect(await store.get(path)).toEqual(got[0]);
      await expect(store.get(path, 2)).rejects.toBeInstanceOf(SecretNotFoundError);
    });

    it('putIfAbsent leaves a live secret as it is, and writes again after a revoke', async () => {
      const path = freshPath();
      const first = await store.put(path, { password: 'first' });
      expect(await putIfAbsent(store, path, { password: 'second' })).toEqual({
        ref: first,
        data: { password: 'first' },
      });
      await store.revoke(path);
      const again = await putIfAbsent(store, path, { password: 'third' });
      expect(again.data).toEqual({ password: 'third' });
      expect(await store.get(path)).toEqual(again);
    });

    it('putIfLatest: of 20 concurrent writers expecting the same version exactly one writes', async () => {
      const path = freshPath();
      expect(await store.putIfLatest(path, { password: 'v1' }, 1)).toBeUndefined();
      expect(await store.putIfLatest(path, { password: 'v1' }, 0)).toEqual({ path, version: 1 });
      const refs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.putIfLatest(path, { password: `p${i}` }, 1)),
      );
      const written = refs.filter((r) => r !== undefined);
      expect(written).toEqual([{ path, version: 2 }]);
      expect((await store.get(path)).data).toEqual({ password: `p${refs.indexOf(written[0])}` });
      await expect(store.get(path, 3)).rejects.toBeInstanceOf(SecretNotFoundError);
      await expect(store.putIfLatest(path, { password: 'x' }, -1)).rejects.toBeInstanceOf(
        InvalidSecretRefError,
      );
    });

    it.each([
      ['empty', ''],
      ['leading slash', '/tenants/a/db'],
      ['trailing slash', 'tenants/a/db/'],
      ['parent segment', 'tenants/a/../b'],
      ['empty segment', 'tenants//db'],
      ['upper case', 'tenants/A/db'],
      ['query string', 'tenants/a/db?version=1'],
      ['too long', `tenants/${'x'.repeat(250)}`],
    ])('rejects a path with %s on every operation', async (_why, path) => {
      await expect(store.put(path, { password: 'p' })).rejects.toBeInstanceOf(
        InvalidSecretRefError,
      );
      await expect(putIfAbsent(store, path, { password: 'p' })).rejects.toBeInstanceOf(
        InvalidSecretRefError,
      );
      await expect(store.get(path)).rejects.toBeInstanceOf(InvalidSecretRefError);
      await expect(store.find(path)).rejects.toBeInstanceOf(InvalidSecretRefError);
      await expect(store.revoke(path)).rejects.toBeInstanceOf(InvalidSecretRefError);
    });

    it('rejects versions that are not positive integers', async () => {
      const path = freshPath();
      await expect(store.get(path, 0)).rejects.toBeInstanceOf(InvalidSecretRefError);
      await expect(store.get(path, 1.5)).rejects.toBeInstanceOf(InvalidSecretRefError);
    });
  },
);
