import { createHmac } from 'node:crypto';
import { bearerAllowed, signatureOf } from '../../../src/http/signals-auth';

describe('bearerAllowed: a bearer key only where it did not cross a network in the clear', () => {
  const cases: Array<[string, Parameters<typeof bearerAllowed>[0], boolean]> = [
    ['TLS terminated here', { secure: true, headers: {}, remoteAddress: '198.51.100.7' }, true],
    ['a proxy says https', { secure: false, headers: { 'x-forwarded-proto': 'https' }, remoteAddress: '10.0.0.2' }, true],
    ['a proxy says https, first of a list', { secure: false, headers: { 'x-forwarded-proto': 'https, http' }, remoteAddress: '10.0.0.2' }, true],
    ['a proxy says http', { secure: false, headers: { 'x-forwarded-proto': 'http' }, remoteAddress: '127.0.0.1' }, false],
    ['plain http from another machine', { secure: false, headers: {}, remoteAddress: '198.51.100.7' }, false],
    ['plain http from this machine', { secure: false, headers: {}, remoteAddress: '127.0.0.1' }, true],
    ['plain http from this machine, IPv6', { secure: false, headers: {}, remoteAddress: '::1' }, true],
    ['plain http from this machine, IPv4-mapped', { secure: false, headers: {}, remoteAddress: '::ffff:127.0.0.1' }, true],
    ['a local proxy forwarding a remote client over http', { secure: false, headers: { 'x-forwarded-for': '203.0.113.5' }, remoteAddress: '127.0.0.1' }, false],
    ['a local relay on this machine', { secure: false, headers: { 'x-forwarded-for': '127.0.0.1' }, remoteAddress: '127.0.0.1' }, true],
    ['no address at all', { secure: false, headers: {} }, false],
  ];
  test.each(cases)('%s', (_name, req, allowed) => expect(bearerAllowed(req)).toBe(allowed));
});

test('the signature is v1= and hex HMAC-SHA256 of "v1:<timestamp>:<body>" keyed with the whole key', () => {
  const key = 'sfa_abcdefghijkl_0123456789abcdefghijklmnopqrstuv';
  const body = '{"events":[]}';
  expect(signatureOf(key, '1764580000', Buffer.from(body))).toBe(`v1=${createHmac('sha256', key).update(`v1:1764580000:${body}`).digest('hex')}`);
});
