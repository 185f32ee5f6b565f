import { redactSecretLike } from '../../lambdas/core/redaction';

describe('redactSecretLike', () => {
  it('redacts a Genesys-length secret quoted in free text, of either generation (16 and 22 characters)', () => {
    expect(redactSecretLike('secret Ab3dEf6hIj9kLm2n pasted in ticket 4711')).toBe('secret [redacted] pasted in ticket 4711');
    expect(redactSecretLike('leaked: xY7_zQ-2wE4rT6yU8iO0pA')).toBe('leaked: [redacted]');
  });

  it('keeps UUIDs, secret names and prose, which are ids and words, not values', () => {
    const text = 'client 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 of genesys-rotator/acme/crm-AbCdEf: misconfiguration';
    expect(redactSecretLike(text)).toBe(text);
  });

  it('for our own error messages (minimum 32) leaves shorter runs, and redacts a long one', () => {
    expect(redactSecretLike('BindingMismatchError at ConcurrentRotation', 32)).toBe('BindingMismatchError at ConcurrentRotation');
    expect(redactSecretLike(`token ${'aB3'.repeat(12)}`, 32)).toBe('token [redacted]');
  });
});
