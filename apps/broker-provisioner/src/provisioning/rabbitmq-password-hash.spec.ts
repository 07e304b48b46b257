import { createHash } from 'node:crypto';
import { rabbitPasswordMatches } from './rabbitmq-password-hash';

const hashOf = (password: string, salt = Buffer.from([1, 2, 3, 4]), digest = 'sha256') =>
  Buffer.concat([salt, createHash(digest).update(salt).update(password, 'utf8').digest()]).toString(
    'base64',
  );

describe('rabbitPasswordMatches', () => {
  it('verifies salted sha256 and sha512 hashes as RabbitMQ stores them', () => {
    expect(
      rabbitPasswordMatches(hashOf('héllo-pw'), 'rabbit_password_hashing_sha256', 'héllo-pw'),
    ).toBe(true);
    expect(
      rabbitPasswordMatches(hashOf('héllo-pw'), 'rabbit_password_hashing_sha256', 'hello-pw'),
    ).toBe(false);
    expect(
      rabbitPasswordMatches(
        hashOf('pw', undefined, 'sha512'),
        'rabbit_password_hashing_sha512',
        'pw',
      ),
    ).toBe(true);
  });

  it('answers false for what it cannot check, so the caller sets the password', () => {
    expect(rabbitPasswordMatches(hashOf('pw'), 'rabbit_password_hashing_md5', 'pw')).toBe(false);
    expect(rabbitPasswordMatches('', 'rabbit_password_hashing_sha256', 'pw')).toBe(false);
    expect(rabbitPasswordMatches('AAAA', 'rabbit_password_hashing_sha256', 'pw')).toBe(false);
  });
});
