import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { basic, newPlayer, startTestApp } from '../helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'a secret passphrase nobody logs';

/** A stream to give the app's logger, and what was written to it so far. */
function captureLogs() {
  let written = '';
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      written += chunk;
      done();
    },
  });
  return { logStream, logs: () => written };
}

describe('logs', () => {
  test('every flow, logged at trace level: no secret, password or token in any line; audit events present', async () => {
    const { logStream, logs: captured } = captureLogs();
    const t = await startTestApp(
      { LOG_LEVEL: 'trace', LOCKOUT_THRESHOLD: '2' },
      { logger: true, logStream },
      ['write', 'admin', 'introspect'],
    );
    const secrets: string[] = [t.client.secret, PASSWORD];
    const inject = async (options: InjectOptions) => {
      const response = await t.app.inject(options);
      for (const key of ['access_token', 'refresh_token', 'client_secret']) {
        const value = String(response.headers['content-type']).includes('json')
          ? response.json()?.[key]
          : undefined;
        if (typeof value === 'string') secrets.push(value);
      }
      return response;
    };
    const auth = { authorization: basic(t.client.id, t.client.secret) };

    const clientToken = (
      await inject({
        method: 'POST',
        url: '/auth/token',
        headers: { ...auth, ...FORM },
        payload: 'grant_type=client_credentials',
      })
    ).json().access_token;
    await inject({
      method: 'POST',
      url: '/auth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: t.client.id,
        client_secret: t.client.secret,
      },
    });
    await inject({
      method: 'POST',
      url: '/users',
      payload: { username: 'kim', password: PASSWORD },
    });
    const login = (
      await inject({
        method: 'POST',
        url: '/auth/token',
        headers: FORM,
        payload: `grant_type=password&username=kim&password=${encodeURIComponent(PASSWORD)}`,
      })
    ).json();
    await inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'kim', password: PASSWORD },
    });
    await inject({
      method: 'POST',
      url: '/auth/session',
      headers: FORM,
      payload: `username=kim&password=${encodeURIComponent(PASSWORD)}`,
    });
    await inject({
      method: 'POST',
      url: '/auth/token',
      headers: FORM,
      payload: `grant_type=refresh_token&refresh_token=${login.refresh_token}`,
    });
    await inject({
      method: 'POST',
      url: '/auth/token',
      headers: FORM,
      payload: `grant_type=refresh_token&refresh_token=${login.refresh_token}`,
    });
    await inject({
      method: 'POST',
      url: '/players/',
      headers: { authorization: `Bearer ${login.access_token}` },
      payload: newPlayer(77),
    });
    await inject({
      method: 'POST',
      url: '/auth/introspect',
      headers: { ...auth, ...FORM },
      payload: `token=${clientToken}`,
    });
    await inject({
      method: 'POST',
      url: '/auth/revoke',
      headers: { ...auth, ...FORM },
      payload: `token=${clientToken}`,
    });
    await inject({
      method: 'GET',
      url: '/protected',
      headers: { authorization: `Bearer ${clientToken}` },
    });
    // RFC 6750 §2.3 query tokens are not accepted, but a client may still send them.
    await inject({
      method: 'GET',
      url: `/players/?access_token=${clientToken}&Client_Secret=${encodeURIComponent(t.client.secret)}&team=first`,
    });
    await inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'kim', password: `${PASSWORD}-wrong` },
    });
    await inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'kim', password: `${PASSWORD}-wrong` },
    });
    await inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: basic(t.client.id, `${t.client.secret}x`), ...FORM },
      payload: 'grant_type=client_credentials',
    });
    await inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/json' },
      payload: `{"client_secret":"${t.client.secret}"`,
    });
    const admin = {
      authorization: `Bearer ${(await inject({ method: 'POST', url: '/auth/token', headers: { ...auth, ...FORM }, payload: 'grant_type=client_credentials&scope=admin' })).json().access_token}`,
    };
    const made = (
      await inject({
        method: 'POST',
        url: '/admin/clients',
        headers: admin,
        payload: { name: 'logged', scopes: ['write'] },
      })
    ).json();
    const rotated = (
      await inject({
        method: 'POST',
        url: `/admin/clients/${made.client.id}/rotate-secret`,
        headers: admin,
      })
    ).json();
    secrets.push(rotated.client_secret);
    await inject({ method: 'DELETE', url: `/admin/clients/${made.client.id}`, headers: admin });
    await inject({ method: 'POST', url: '/admin/keys/rotate', headers: admin });
    await inject({ method: 'POST', url: '/admin/users/kim/disable', headers: admin });
    await t.close();
    const logs = captured();

    assert.ok(secrets.length >= 12, 'the flows produced the secrets and tokens to look for');
    assert.ok(logs.split('\n').length > 50, 'logs were captured');
    for (const secret of secrets) {
      assert.ok(
        !logs.includes(secret),
        `a secret or token (${secret.slice(0, 6)}…) reached the logs`,
      );
    }
    assert.doesNotMatch(logs, /eyJ[\w-]{10,}\.eyJ/, 'no JWT in the logs');
    assert.ok(
      logs.includes(
        '"url":"/players/?access_token=[redacted]&Client_Secret=[redacted]&team=first"',
      ),
      'the rest of a query string stays readable',
    );
    const events = new Set(
      logs
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.audit)
        .map((entry) =>
          entry.event === 'token.issued' ? `token.issued:${entry.grant}` : entry.event,
        ),
    );
    for (const event of [
      'token.issued:client_credentials',
      'token.issued:password',
      'token.issued:refresh_token',
      'login.failed',
      'lockout',
      'client.auth_failed',
      'refresh_token.reuse_detected',
      'token.revoked',
      'user.registered',
      'client.created',
      'client.secret_rotated',
      'client.deleted',
      'key.rotated',
      'user.disabled',
    ]) {
      assert.ok(events.has(event), `audit event ${event}`);
    }
  });

  test('redaction: secret fields at the top level and in an error, bodies and credential headers whole', async () => {
    const { logStream, logs: captured } = captureLogs();
    const t = await startTestApp({ LOG_LEVEL: 'info' }, { logger: true, logStream });
    const secret = (n: number) => `hidden-value-${n}`;
    t.app.log.info(
      {
        client_secret: secret(1),
        password: secret(2),
        access_token: secret(3),
        refresh_token: secret(4),
        token: secret(5),
        err: { password: secret(6), token: secret(7), message: 'kept' },
        body: { anything: secret(8) },
        req: { headers: { authorization: secret(9), cookie: secret(10) }, url: '/kept' },
        headers: { authorization: secret(11) },
        clientId: 'kept-client',
      },
      'a line with secrets',
    );
    await t.close();
    const logs = captured();
    const line = logs.split('\n').find((l) => l.includes('a line with secrets')) as string;
    for (let n = 1; n <= 11; n++) assert.ok(!line.includes(secret(n)), `value ${n} was redacted`);
    const entry = JSON.parse(line);
    assert.equal(entry.password, '[redacted]');
    assert.equal(entry.body, '[redacted]');
    assert.equal(entry.err.message, 'kept');
    assert.equal(entry.req.url, '/kept');
    assert.equal(entry.clientId, 'kept-client');
  });

  test('one access line per request at info, with method, URL, status and time; the arrival line only at debug', async () => {
    const linesOf = async (level: string) => {
      const { logStream, logs } = captureLogs();
      const t = await startTestApp({ LOG_LEVEL: level }, { logger: true, logStream });
      await t.app.inject({ method: 'GET', url: '/players/?team=first' });
      await t.app.inject({ method: 'GET', url: '/nowhere' });
      await t.close();
      return logs()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.req !== undefined);
    };
    const info = await linesOf('info');
    assert.deepEqual(
      info.map((entry) => [entry.msg, entry.req.method, entry.req.url, entry.res.statusCode]),
      [
        ['request completed', 'GET', '/players/?team=first', 200],
        ['request completed', 'GET', '/nowhere', 404],
      ],
    );
    for (const entry of info) {
      assert.equal(typeof entry.responseTime, 'number');
      assert.match(
        String(entry.responseTime),
        /^\d+(\.\d{1,3})?$/,
        'milliseconds to the microsecond',
      );
      assert.equal(typeof entry.reqId, 'string');
    }
    const debug = await linesOf('debug');
    assert.deepEqual(
      debug.map((entry) => entry.msg),
      ['incoming request', 'request completed', 'incoming request', 'request completed'],
    );
  });
});
