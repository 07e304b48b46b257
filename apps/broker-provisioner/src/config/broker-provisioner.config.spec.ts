import { brokerProvisionerConfig } from './broker-provisioner.config';

const env = (mgmt: string) => ({
  HTTP_PORT: '7104',
  DATABASE_URL: 'postgres://enclave@127.0.0.1:5432/enclave',
  KAFKA_BROKERS: '127.0.0.1:19092',
  SECRET_STORE: 'embedded',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  RABBITMQ_MGMT_URL: mgmt,
});

describe('broker-provisioner configuration', () => {
  it('takes the platform’s own management user', () => {
    const config = brokerProvisionerConfig.load(
      env('http://enclave-platform-dev:pw@127.0.0.1:15672'),
    );
    expect(new URL(config.RABBITMQ_MGMT_URL).username).toBe('enclave-platform-dev');
  });

  it('refuses the broker’s bootstrap guest account, without echoing its password', () => {
    expect(() =>
      brokerProvisionerConfig.load(env('http://guest:guest-s3cret@127.0.0.1:15672')),
    ).toThrow(/RABBITMQ_MGMT_URL .*not guest/);
    expect(() =>
      brokerProvisionerConfig.load(env('http://guest:guest-s3cret@127.0.0.1:15672')),
    ).not.toThrow(/guest-s3cret/);
  });
});
