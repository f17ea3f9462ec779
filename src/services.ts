import { type Audit, noAudit } from './auth/audit.js';
import { clientRepository } from './auth/client-repository.js';
import { type ClientService, clientService, type NewClient } from './auth/client-service.js';
import { type RefreshTokenService, refreshTokenService } from './auth/refresh-tokens.js';
import { type Config, ConfigError } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { type KeyService, keyService } from './keys/key-service.js';
import { keyStore } from './keys/key-store.js';
import { loadSecretKeys } from './keys/secret-key.js';
import { type EventBus, localEventBus } from './scale-out/event-bus.js';
import { KNOWN_SCOPES } from './scopes.js';
import { type HashParameters, passwordHasher } from './users/password-hasher.js';
import { userRepository } from './users/user-repository.js';
import { type UserService, userService } from './users/user-service.js';

/** The services the routes and the CLI share: one implementation, two doors. */
export interface Services {
  database: Database;
  clients: ClientService;
  keys: KeyService;
  users: UserService;
  refreshTokens: RefreshTokenService;
}

export interface ServiceOptions {
  now?: () => number;
  audit?: Audit;
  hashParameters?: HashParameters;
  /** Where changes are announced to other instances (Redis); nowhere by default. */
  events?: EventBus;
}

export function createServices(config: Config, options: ServiceOptions = {}): Services {
  const now = options.now ?? Date.now;
  const audit = options.audit ?? noAudit;
  const events = options.events ?? localEventBus();
  const database = openDatabase(config.DATABASE_URL);
  const secrets = loadSecretKeys(config);
  const refreshTokens = refreshTokenService({
    db: database.db,
    secrets,
    ttlSeconds: config.REFRESH_TOKEN_TTL,
    reuseGraceSeconds: config.REFRESH_REUSE_GRACE,
    now,
    audit,
  });
  return {
    database,
    refreshTokens,
    users: userService({
      repository: userRepository(database.db),
      hasher: passwordHasher(options.hashParameters),
      revokeUserTokens: refreshTokens.revokeUserTokens,
      defaultScopes: ['write'],
      knownScopes: KNOWN_SCOPES,
      now,
      audit,
      onDisabled: (userId) => events.publish({ type: 'user.disabled', userId }),
    }),
    clients: clientService({
      repository: clientRepository(database.db),
      secrets,
      knownScopes: KNOWN_SCOPES,
      now,
      audit,
      onChanged: (clientId) => events.publish({ type: 'client.changed', clientId }),
    }),
    keys: keyService({
      store: keyStore(database.db),
      secrets,
      alg: config.JWT_ALG,
      hmacSecret: config.JWT_ALG === 'HS256' ? config.JWT_SECRET : undefined,
      graceMs: (config.ACCESS_TOKEN_TTL + config.CLOCK_TOLERANCE) * 1000,
      now,
      onRotated: (kid) => {
        audit('key.rotated', { kid });
        events.publish({ type: 'keys.rotated' });
      },
    }),
  };
}

export async function ensureClients(
  config: Config,
  services: Services,
  announce: (c: NewClient) => void,
): Promise<void> {
  const { clients } = services;
  if (config.BOOTSTRAP_CLIENT_ID !== undefined) {
    const made = await clients.ensureBootstrapClient(
      config.BOOTSTRAP_CLIENT_ID,
      config.BOOTSTRAP_CLIENT_SECRET,
      config.BOOTSTRAP_CLIENT_SCOPES,
    );
    if (made !== undefined && config.BOOTSTRAP_CLIENT_SECRET === undefined) announce(made);
  } else if (config.NODE_ENV === 'development') {
    const made = await clients.ensureDevelopmentClient();
    if (made !== undefined) announce(made);
  }
  if (config.NODE_ENV === 'production') {
    const demo = (await clients.listClients()).find((c) => c.origin === 'development');
    if (demo !== undefined) {
      throw new ConfigError(
        `NODE_ENV=production refuses the development client ${demo.id}: delete it with "players-api clients delete ${demo.id}"`,
      );
    }
  }
}
