import type { RouteOptions } from 'fastify';

type HookName = 'onRequest' | 'preHandler';

/**
 * Appends hooks to a route from an `onRoute` hook, keeping the ones it declared: how a
 * context adds cross-cutting checks (rate limits) to routes that do not know about them.
 */
export function addHooks(
  route: RouteOptions,
  name: HookName,
  ...hooks: (((...args: never[]) => unknown) | undefined)[]
): void {
  const added = hooks.filter((h) => h !== undefined);
  if (added.length === 0) return;
  const existing = route[name];
  route[name] = [...(existing === undefined ? [] : [existing].flat()), ...added] as never;
}
