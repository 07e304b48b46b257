import { maskUrlCredentials } from './secret-masking';

describe('maskUrlCredentials', () => {
  it('hides passwords in every URL of a message', () => {
    const text =
      'connect postgres://tenant_a:S3cr3t!x@127.0.0.1:5432/db failed; amqp://u:p4ss@h:5672/v too';
    const masked = maskUrlCredentials(text);
    expect(masked).not.toContain('S3cr3t!x');
    expect(masked).not.toContain('p4ss');
    expect(masked).toContain('postgres://tenant_a:***@127.0.0.1:5432/db');
    expect(masked).toContain('amqp://u:***@h:5672/v');
  });

  it('leaves URLs without credentials alone', () => {
    expect(maskUrlCredentials('see http://127.0.0.1:7100/health')).toBe(
      'see http://127.0.0.1:7100/health',
    );
  });
});
