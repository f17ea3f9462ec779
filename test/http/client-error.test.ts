import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers.js';

/** Sends raw bytes and reads until the server closes: status, headers and body. */
function exchange(port: number, request: string) {
  return new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

describe('requests the HTTP parser refuses', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(() => t.close());

  test('a control character in a header: 400 problem JSON, connection closed', async () => {
    const answer = await exchange(
      port,
      'GET /ping HTTP/1.1\r\nHost: x\r\nIf-Match: "\x01"\r\n\r\n',
    );
    assert.equal(answer.status, 400);
    assert.match(answer.headers, /content-type: application\/problem\+json/);
    assert.match(answer.headers, /connection: close/);
    assert.deepEqual(JSON.parse(answer.body), {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail:
        'The request is not valid HTTP/1.1: a malformed line, or a header with a character HTTP does not allow.',
    });
  });

  test('headers past the limit: 431 problem JSON', async () => {
    const huge = `X-Padding: ${'a'.repeat(200 * 1024)}\r\n`;
    const answer = await exchange(port, `GET /ping HTTP/1.1\r\nHost: x\r\n${huge}\r\n`);
    assert.equal(answer.status, 431);
    assert.equal(JSON.parse(answer.body).detail, 'The request headers are too large.');
  });

  test('the next connection is served as usual', async () => {
    const answer = await exchange(
      port,
      'GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { message: 'pong' });
  });
});
