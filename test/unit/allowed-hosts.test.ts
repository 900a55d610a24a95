import { expect, test } from 'vitest';
import { hostName, isAllowedHost, isConfiguredName } from '../../src/http/middleware/allow-hosts.js';
import { isSameOrigin } from '../../src/http/middleware/refuse-foreign-origins.js';

test('the name in a Host header, without its port', () => {
  expect(hostName('127.0.0.1:8000')).toBe('127.0.0.1');
  expect(hostName('[::1]:8000')).toBe('::1');
  expect(hostName('[::1]')).toBe('::1');
  expect(hostName('Bridge.Example.COM.')).toBe('bridge.example.com');
});

test('which names a bridge answers to', () => {
  const options = { bindHost: '127.0.0.1', allowedHosts: ['bridge.example.com', '.tunnel.example', '*.ngrok.example'] };
  const allowed = ['127.0.0.1', '10.0.0.7', '::1', 'localhost', 'app.localhost', 'bridge.example.com', 'tunnel.example', 'a.b.tunnel.example', 'x.ngrok.example'];
  const refused = ['rebind.attacker.example', 'localhost.attacker.example', 'evilbridge.example.com', 'eviltunnel.example', 'ngrok.example', 'bridge.example.com.attacker.example'];
  for (const name of allowed) expect(isAllowedHost(name, options), name).toBe(true);
  for (const name of refused) expect(isAllowedHost(name, options), name).toBe(false);
  // The bound name is this server; * turns the check off.
  expect(isAllowedHost('myhost.lan', { bindHost: 'myhost.lan', allowedHosts: [] })).toBe(true);
  expect(isAllowedHost('anything.example', { bindHost: '127.0.0.1', allowedHosts: ['*'] })).toBe(true);
});

test("names the owner configured, which make a page under them the bridge's own: never loopback names, never *", () => {
  const configured = ['bridge.example.com', '.tunnel.example', '*.ngrok.example'];
  for (const name of ['bridge.example.com', 'tunnel.example', 'x.tunnel.example', 'a.ngrok.example']) expect(isConfiguredName(name, configured), name).toBe(true);
  for (const name of ['localhost', '127.0.0.1', 'ngrok.example', 'evil.example']) expect(isConfiguredName(name, configured), name).toBe(false);
  expect(isConfiguredName('evil.example', ['*'])).toBe(false);
});

test('a page is same-origin when its host and port are the ones the request reached', () => {
  expect(isSameOrigin('http://127.0.0.1:8000', '127.0.0.1:8000')).toBe(true);
  expect(isSameOrigin('https://bridge.example.com', 'bridge.example.com')).toBe(true);
  expect(isSameOrigin('http://bridge.example.com', 'bridge.example.com:80')).toBe(true);
  expect(isSameOrigin('http://127.0.0.1:3000', '127.0.0.1:8000')).toBe(false);
  expect(isSameOrigin('http://localhost:8000', '127.0.0.1:8000')).toBe(false);
  expect(isSameOrigin('null', '127.0.0.1:8000')).toBe(false);
  expect(isSameOrigin('file://', 'localhost')).toBe(false);
  expect(isSameOrigin('http://127.0.0.1:8000', undefined)).toBe(false);
});
