import type { KeyRing } from './key-ring.js';
import type { KeyService } from './key-service.js';

export interface KeyManagerOptions {
  now: () => number;
  /** How often to pick up keys rotated by another process (the CLI, another instance). */
  refreshMs?: number;
  /** A token naming an unknown kid may trigger a reload, but not more often than this. */
  reloadThrottleMs?: number;
  onError: (error: unknown) => void;
}

/** Holds the key ring this process uses and keeps it in step with the database. */
export async function startKeyManager(service: KeyService, options: KeyManagerOptions) {
  const { now, onError } = options;
  const reloadThrottleMs = options.reloadThrottleMs ?? 5_000;
  let ring: KeyRing = await service.loadKeyRing();
  let lastReload = now();

  async function reload(): Promise<void> {
    lastReload = now();
    ring = await service.loadKeyRing();
  }

  const timer = setInterval(() => reload().catch(onError), options.refreshMs ?? 30_000);
  timer.unref();

  return {
    ring: (): KeyRing => ring,
    reload,
    /** For a token whose kid is unknown here; false when a reload ran too recently. */
    async reloadForUnknownKid(): Promise<boolean> {
      if (now() - lastReload < reloadThrottleMs) return false;
      await reload();
      return true;
    },
    /** Makes a new current key and starts signing with it; returns its kid. */
    async rotate(): Promise<string> {
      const kid = await service.rotateSigningKey();
      await reload();
      return kid;
    },
    list: () => service.listKeys(),
    stop(): void {
      clearInterval(timer);
    },
  };
}

export type KeyManager = Awaited<ReturnType<typeof startKeyManager>>;
