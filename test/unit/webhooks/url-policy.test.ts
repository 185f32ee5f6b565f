import { describeWebhookUrl, webhookUrlProblem } from '../../../lambdas/core/webhooks/url-policy';

describe('Function: webhookUrlProblem', () => {
  it.each([
    'https://hooks.example.test/rotations',
    'https://hooks.example.test:8443/r?team=ops',
    'https://8.8.8.8/r',
    'https://[2606:4700:4700::1111]/r',
    'https://172.32.0.1/r',
    // just outside the refused ranges
    'https://100.63.255.255/r',
    'https://100.128.0.1/r',
    'https://198.17.255.255/r',
    'https://198.20.0.1/r',
    'https://223.255.255.255/r',
    // IPv6 forms whose embedded IPv4 is public
    'https://[::ffff:8.8.8.8]/r',
    'https://[64:ff9b::8.8.8.8]/r',
  ])('allows the public https URL %s', (url) => {
    expect(webhookUrlProblem(url, false)).toBeUndefined();
  });

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
    'https://0177.0.0.1/r',
    'https://[0:0:0:0:0:ffff:7f00:1]/r',
    // IPv4-mapped in hex form, and the deprecated IPv4-compatible form
    'https://[::ffff:7f00:1]/r',
    'https://[::ffff:a9fe:a9fe]/r',
    'https://[::127.0.0.1]/r',
    'https://[::8.8.8.8]/r',
    // IPv4-translated (SIIT)
    'https://[::ffff:0:10.0.0.1]/r',
    'https://[::ffff:0:8.8.8.8]/r',
    // NAT64 with a non-public IPv4 inside, and the local-use NAT64 prefix
    'https://[64:ff9b::127.0.0.1]/r',
    'https://[64:ff9b::a9fe:a9fe]/r',
    'https://[64:ff9b::10.0.0.1]/r',
    'https://[64:ff9b::100.64.0.1]/r',
    'https://[64:ff9b:1::8.8.8.8]/r',
    // 6to4, whatever it embeds (private, loopback, public), Teredo
    'https://[2002:a00:1::1]/r',
    'https://[2002:7f00:1::1]/r',
    'https://[2002:808:808::1]/r',
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/r',
    // carrier-grade NAT, benchmarking, IETF protocol assignments
    'https://100.64.0.1/r',
    'https://100.127.255.254/r',
    'https://198.18.0.1/r',
    'https://198.19.255.255/r',
    'https://192.0.0.170/r',
    // documentation
    'https://192.0.2.10/r',
    'https://198.51.100.10/r',
    'https://203.0.113.10/r',
    'https://[2001:db8::1]/r',
    'https://[3fff::1]/r',
    // multicast, reserved, broadcast, "this network"
    'https://224.0.0.1/r',
    'https://239.255.255.250/r',
    'https://240.0.0.1/r',
    'https://255.255.255.255/r',
    'https://0.1.2.3/r',
    'https://[ff02::1]/r',
    'https://[ff0e::1]/r',
    // other IPv6 that is not globally reachable
    'https://[100::1]/r',
    'https://[2001:2::1]/r',
    'https://[5f00::1]/r',
    'https://[fec0::1]/r',
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
    it.each(['http://127.0.0.1:9000/hook', 'https://127.0.0.1:9443/hook', 'https://[::1]:9443/hook', 'https://[::ffff:127.0.0.1]:9443/hook', 'https://localhost:9443/hook'])('allows the loopback URL %s', (url) => {
      expect(webhookUrlProblem(url, true)).toBeUndefined();
    });

    it.each([
      'https://10.0.0.1/r',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00::1]/r',
      'https://0.0.0.0/r',
      'http://192.168.1.10/r',
      // the translator's loopback, not ours
      'https://[64:ff9b::127.0.0.1]/r',
      'https://[2002:7f00:1::1]/r',
    ])(
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
