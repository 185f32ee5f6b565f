import { describeWebhookUrl, webhookUrlProblem } from '../../../lambdas/core/webhooks/url-policy';

describe('Function: webhookUrlProblem', () => {
  it.each(['https://hooks.example.test/rotations', 'https://hooks.example.test:8443/r?team=ops', 'https://8.8.8.8/r', 'https://[2001:db8::1]/r', 'https://172.32.0.1/r'])(
    'allows the public https URL %s',
    (url) => {
      expect(webhookUrlProblem(url, false)).toBeUndefined();
    },
  );

  it.each([
    // private
    'https://10.0.0.1/r',
    'https://172.16.0.1/r',
    'https://172.31.255.255/r',
    'https://192.168.1.10/r',
    // loopback
    'https://127.0.0.1/r',
    'https://127.10.0.1/r',
    'https://[::1]/r',
    'https://localhost/r',
    'https://LOCALHOST./r',
    'https://api.localhost/r',
    // link-local (the instance metadata service among them)
    'https://169.254.169.254/latest/meta-data',
    'https://[fe80::1]/r',
    // unique-local
    'https://[fc00::1]/r',
    'https://[fd12:3456::1]/r',
    // unspecified
    'https://0.0.0.0/r',
    'https://[::]/r',
    // the same hosts spelled so that the URL parser normalises them, or wrapped in IPv6
    'https://0x7f.1/r',
    'https://2130706433/r',
    'https://[::ffff:169.254.169.254]/r',
    'https://[::ffff:10.0.0.1]/r',
  ])('refuses the non-public host in %s', (url) => {
    expect(webhookUrlProblem(url, false)).toMatch(/public host/);
  });

  it('refuses user info in the URL, with or without a password', () => {
    expect(webhookUrlProblem('https://user:pass@hooks.example.test/r', false)).toMatch(/without user info/);
    expect(webhookUrlProblem('https://token@hooks.example.test/r', true)).toMatch(/without user info/);
  });

  it('refuses plain http and URLs that do not parse', () => {
    expect(webhookUrlProblem('http://hooks.example.test/r', false)).toBe('an https:// URL');
    expect(webhookUrlProblem('/relative', false)).toBe('an absolute https:// URL');
    expect(webhookUrlProblem('ftp://hooks.example.test/r', false)).toBe('an https:// URL');
  });

  describe('with the local loopback flag set', () => {
    it.each(['http://127.0.0.1:9000/hook', 'https://127.0.0.1:9443/hook', 'https://[::1]:9443/hook', 'https://localhost:9443/hook'])('allows the loopback URL %s', (url) => {
      expect(webhookUrlProblem(url, true)).toBeUndefined();
    });

    it.each(['https://10.0.0.1/r', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/r', 'https://0.0.0.0/r', 'http://192.168.1.10/r'])(
      'still refuses the non-loopback private host in %s',
      (url) => {
        expect(webhookUrlProblem(url, true)).toBeDefined();
      },
    );

    it('allows plain http only to 127.0.0.1', () => {
      expect(webhookUrlProblem('http://localhost:9000/hook', true)).toBeDefined();
      expect(webhookUrlProblem('http://hooks.example.test/hook', true)).toBeDefined();
    });
  });
});

describe('Function: describeWebhookUrl', () => {
  it('keeps origin and path and drops the query string and user info', () => {
    expect(describeWebhookUrl('https://user:pass@hooks.example.test/r?token=abc')).toBe('https://hooks.example.test/r');
    expect(describeWebhookUrl('not a url')).toBe('(invalid URL)');
  });
});
