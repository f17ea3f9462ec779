import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { startTestApp, type TestApp } from '../helpers.js';

// panva's oauth4webapi, a strict client of the RFCs this server implements, against it on a
// real socket: discovery (RFC 8414), client credentials (RFC 6749 §4.4), the access token as
// a resource server would check it (RFC 9068), introspection (RFC 7662), revocation (RFC 7009)
// and the refresh grant.

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('oauth4webapi as the client', () => {
  let t: TestApp;
  let issuer: URL;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  let auth: oauth.ClientAuth;
  const insecure = { [oauth.allowInsecureRequests]: true };

  before(async () => {
    const port = await freePort();
    issuer = new URL(`http://127.0.0.1:${port}`);
    t = await startTestApp({ ISSUER: issuer.href.replace(/\/$/, '') }, {}, ['write', 'introspect']);
    await t.app.listen({ port, host: '127.0.0.1' });
    client = { client_id: t.client.id };
    auth = oauth.ClientSecretBasic(t.client.secret);
    const discovery = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    as = await oauth.processDiscoveryResponse(issuer, discovery);
  });
  after(() => t.close());

  const clientCredentials = async (scope: string, secret = auth) =>
    oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, secret, { scope }, insecure),
    );

  test('discovery: the metadata names this issuer and its endpoints', () => {
    assert.equal(as.issuer, issuer.href.replace(/\/$/, ''));
    assert.equal(as.token_endpoint, `${as.issuer}/auth/token`);
    assert.equal(as.jwks_uri, `${as.issuer}/.well-known/jwks.json`);
    assert.equal(as.introspection_endpoint, `${as.issuer}/auth/introspect`);
    assert.equal(as.revocation_endpoint, `${as.issuer}/auth/revoke`);
  });

  test('client credentials, then the token checked as RFC 9068 says a resource server must', async () => {
    const tokens = await clientCredentials('write');
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'write');
    assert.equal(tokens.refresh_token, undefined);
    const request = new Request(`${as.issuer}/protected`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, request, 'players-api', insecure);
    assert.equal(claims.client_id, t.client.id);
    assert.equal(claims.sub, t.client.id);
    assert.equal(claims.scope, 'write');
    const answer = await fetch(request);
    assert.equal(answer.status, 200);
  });

  test('a wrong secret: invalid_client, with the Basic challenge', async () => {
    await assert.rejects(
      clientCredentials('write', oauth.ClientSecretBasic('not-the-secret')),
      (error: unknown) =>
        error instanceof oauth.WWWAuthenticateChallengeError &&
        error.status === 401 &&
        error.cause[0]?.scheme === 'basic',
    );
  });

  test('a scope the client lacks: invalid_scope', async () => {
    await assert.rejects(
      clientCredentials('admin'),
      (error: unknown) =>
        error instanceof oauth.ResponseBodyError &&
        error.status === 400 &&
        error.error === 'invalid_scope',
    );
  });

  test('introspection, then revocation, then introspection again', async () => {
    const { access_token } = await clientCredentials('write');
    const introspect = async () =>
      oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth, access_token, insecure),
      );
    const live = await introspect();
    assert.equal(live.active, true);
    assert.equal(live.client_id, t.client.id);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, access_token, insecure),
    );
    assert.equal((await introspect()).active, false);
    const refused = await fetch(`${as.issuer}/protected`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(refused.status, 401);
  });

  test('the refresh grant, as the public first-party client', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/users',
      payload: { username: 'panva-fan', password: 'a long enough passphrase' },
    });
    const login = await fetch(`${as.issuer}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'panva-fan',
        password: 'a long enough passphrase',
      }),
    });
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    const publicClient = { client_id: 'players-api-public' };
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      publicClient,
      await oauth.refreshTokenGrantRequest(as, publicClient, oauth.None(), refresh_token, insecure),
    );
    assert.equal(typeof refreshed.access_token, 'string');
    assert.notEqual(refreshed.refresh_token, refresh_token);
    await assert.rejects(
      oauth
        .refreshTokenGrantRequest(as, publicClient, oauth.None(), refresh_token, insecure)
        .then((response) => oauth.processRefreshTokenResponse(as, publicClient, response)),
      (error: unknown) =>
        error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
    );
  });
});
