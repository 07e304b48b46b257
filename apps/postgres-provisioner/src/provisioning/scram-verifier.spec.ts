import { scramSha256Verifier } from './scram-verifier';

describe('scramSha256Verifier', () => {
  // Produced by PostgreSQL 15 itself: SET password_encryption = 'scram-sha-256';
  // CREATE ROLE probe PASSWORD 'pencil-Tr0ub4dor_3'; SELECT rolpassword FROM pg_authid …
  const fromPostgres =
    'SCRAM-SHA-256$4096:wzUn1uWHH7MWvOY1rIcZ4Q==$QmT6qkGi6+3A12McKNzt3kPCpX+KRQTLu1Bm1QITRQs=:yp1DrBIgzb0J3lhdr/87G/4gfywa0zdaoo4UM0LaOzM=';

  it('computes what PostgreSQL stores for the same password and salt', async () => {
    const salt = Buffer.from('wzUn1uWHH7MWvOY1rIcZ4Q==', 'base64');
    expect(await scramSha256Verifier('pencil-Tr0ub4dor_3', salt, 4096)).toBe(fromPostgres);
  });

  it('salts every verifier afresh and never contains the password', async () => {
    const a = await scramSha256Verifier('s3cret-value');
    const b = await scramSha256Verifier('s3cret-value');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('s3cret');
  });

  it('refuses passwords SASLprep would change, without echoing them', async () => {
    for (const bad of ['', 'pässword', 'tab\there', 'x'.repeat(1001)]) {
      await expect(scramSha256Verifier(bad)).rejects.toThrow(/^password must be/);
    }
  });
});
