import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

const DETAILS: Record<number, string> = {
  400: 'The request is not valid HTTP/1.1: a malformed line, or a header with a character HTTP does not allow.',
  408: 'The request took too long to arrive.',
  431: 'The request headers are too large.',
};

function statusOf(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

// Long enough for a client to read the answer, short enough that a peer that never stops
// sending holds nothing for long.
const LINGER_MS = 1000;
const answered = new WeakSet<Duplex>();

/**
 * What Node's HTTP parser refuses before Fastify sees a request gets problem JSON too
 * (RFC 9457), where Fastify's default writes a body of its own shape. The connection is
 * closed, as the parser cannot tell where the next request would start, but gently: a
 * client may still be sending (headers past the limit), and a socket destroyed with its
 * bytes unread resets the connection, which loses the answer on the client's side (as it
 * did on Node 24). So the answer is followed by a half-close, what still arrives is read
 * and dropped, and the socket is destroyed after LINGER_MS at most.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const status = statusOf(error.code);
  const title = STATUS_CODES[status] as string;
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: DETAILS[status] });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
