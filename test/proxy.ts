import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to a real service (PostgreSQL, Redis) that a test can cut and restore, to
 * see the service "go away" without stopping it for everyone else.
 */
export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  async function open(): Promise<void> {
    server = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : port;
  }

  await open();
  return {
    get port() {
      return port;
    },
    /** Drops every connection and refuses new ones. */
    async cut(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
    /** Listens again on the same port. */
    restore: open,
    close(): Promise<void> {
      return this.cut();
    },
  };
}
