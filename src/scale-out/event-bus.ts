import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What one instance tells the others, so that they act within a second. */
export type ClusterEvent =
  | { type: 'token.revoked'; jti: string; expiresAt: number }
  | { type: 'keys.rotated' }
  | { type: 'client.changed'; clientId: string }
  | { type: 'user.disabled'; userId: string }
  | { type: 'players.changed' };

export interface EventBus {
  /** Tells every other instance; never throws (the database remains the record). */
  publish(event: ClusterEvent): void;
  /** Events from other instances. */
  subscribe(handler: (event: ClusterEvent) => void): void;
  close(): Promise<void>;
}

/** A single instance: nothing to tell. */
export const localEventBus = (): EventBus => ({
  publish() {},
  subscribe() {},
  async close() {},
});

function parse(message: string): ClusterEvent | undefined {
  try {
    return JSON.parse(message) as ClusterEvent;
  } catch {
    return undefined;
  }
}

/**
 * Redis pub/sub. When Redis is away, events are lost, and each instance converges from the
 * database instead (revocations every 5 s, keys every 30 s, clients every 5 s).
 */
export async function redisEventBus(redis: Redis, channel: string): Promise<EventBus> {
  const origin = randomUUID();
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  const handlers: ((event: ClusterEvent) => void)[] = [];
  subscriber.on('message', (_channel: string, message: string) => {
    const envelope = parse(message) as (ClusterEvent & { origin?: string }) | undefined;
    if (envelope === undefined || envelope.origin === origin) return;
    for (const handler of handlers) handler(envelope);
  });
  await subscriber.connect();
  // ioredis subscribes again by itself after a reconnect (autoResubscribe).
  await subscriber.subscribe(channel);
  return {
    publish(event) {
      redis.publish(channel, JSON.stringify({ ...event, origin })).catch(() => {});
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    async close() {
      subscriber.disconnect();
    },
  };
}

const CLUSTER_MESSAGE = 'players-api:event';

/**
 * WORKERS=N without Redis: the primary process relays each worker's events to the others
 * over node:cluster's IPC channel.
 */
export function clusterEventBus(): EventBus {
  const handlers: ((event: ClusterEvent) => void)[] = [];
  const onMessage = (message: unknown) => {
    const envelope = message as { kind?: string; event?: ClusterEvent } | null;
    if (envelope?.kind !== CLUSTER_MESSAGE || envelope.event === undefined) return;
    for (const handler of handlers) handler(envelope.event);
  };
  process.on('message', onMessage);
  return {
    publish(event) {
      process.send?.({ kind: CLUSTER_MESSAGE, event });
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    async close() {
      process.off('message', onMessage);
    },
  };
}

/** In the primary: forwards an event message from one worker to every other worker. */
export function relayClusterEvents(workers: () => Iterable<import('node:cluster').Worker>) {
  return (from: import('node:cluster').Worker, message: unknown) => {
    if ((message as { kind?: string } | null)?.kind !== CLUSTER_MESSAGE) return;
    for (const worker of workers())
      if (worker !== from && worker.isConnected()) worker.send(message as object);
  };
}
