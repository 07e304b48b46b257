import { maskSecretsInText } from './secret-masking.span-processor';

describe('maskSecretsInText', () => {
  it('masks a role password literal, whatever its case and quoting', () => {
    expect(
      maskSecretsInText(`CREATE ROLE "t_1" WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc''d' VALID`),
    ).toBe(`CREATE ROLE "t_1" WITH LOGIN PASSWORD '***' VALID`);
    expect(maskSecretsInText(`alter role x password E'p4ss'`)).toBe(`alter role x password '***'`);
  });

  it('masks the password of a URL but keeps its user and host', () => {
    expect(maskSecretsInText('amqp://tenant:s3cr3t@127.0.0.1:5672/vh')).toBe(
      'amqp://tenant:***@127.0.0.1:5672/vh',
    );
  });

  it('leaves ordinary statements alone', () => {
    const sql = 'SELECT id FROM outbox WHERE id = ANY($1::bigint[])';
    expect(maskSecretsInText(sql)).toBe(sql);
  });
});
