import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { parseScopeList, SCOPE_TOKEN } from './auth/scopes.js';
import { isPlainText } from './plain-text.js';
import { KNOWN_SCOPES } from './scopes.js';

/** A bad setting: the message is one line naming the variable and what it allows. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

interface Setting<T, D extends string | undefined = string | undefined> {
  /** The value used when the variable is unset, as it would be written in the environment. */
  default: D;
  description: string;
  parse(raw: string, name: string): T;
}

function text<D extends string | undefined>(
  defaultValue: D,
  description: string,
): Setting<string, D> {
  return { default: defaultValue, description, parse: (raw) => raw };
}

function integer(
  defaultValue: string,
  min: number,
  max: number,
  description: string,
): Setting<number, string> {
  return {
    default: defaultValue,
    description,
    parse(raw, name) {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
        throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      }
      return value;
    },
  };
}

function oneOf<const T extends string>(
  defaultValue: T,
  allowed: readonly T[],
  description: string,
): Setting<T, string> {
  return {
    default: defaultValue,
    description,
    parse(raw, name) {
      if (!(allowed as readonly string[]).includes(raw)) {
        throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      }
      return raw as T;
    },
  };
}

function flag<D extends string | undefined>(
  defaultValue: D,
  description: string,
): Setting<boolean, D> {
  return {
    default: defaultValue,
    description,
    parse(raw, name) {
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${name} must be true or false, got "${raw}"`);
    },
  };
}

function url<D extends string | undefined>(
  defaultValue: D,
  protocols: readonly string[],
  description: string,
): Setting<string, D> {
  return {
    default: defaultValue,
    description,
    parse(raw, name) {
      let protocol: string;
      try {
        protocol = new URL(raw).protocol;
      } catch {
        throw new ConfigError(
          `${name} must be a URL (${protocols.join(', ')}), got an invalid one`,
        );
      }
      if (!protocols.includes(protocol)) {
        throw new ConfigError(`${name} must start with ${protocols.join(' or ')}`);
      }
      return raw;
    },
  };
}

function secret(minBytes: number, description: string): Setting<string, undefined> {
  return {
    default: undefined,
    description,
    parse(raw, name) {
      if (Buffer.byteLength(raw) < minBytes) {
        throw new ConfigError(`${name} must be at least ${minBytes} bytes long`);
      }
      return raw;
    },
  };
}

function scopeList(defaultValue: string, description: string): Setting<string[], string> {
  return {
    default: defaultValue,
    description,
    parse(raw, name) {
      const scopes = parseScopeList(raw);
      const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
      if (bad !== undefined) throw new ConfigError(`${name} has an invalid scope "${bad}"`);
      const unknown = scopes.find((s) => !KNOWN_SCOPES.includes(s));
      if (unknown !== undefined) {
        throw new ConfigError(
          `${name} has an unknown scope "${unknown}": this service grants ${KNOWN_SCOPES.join(', ')}`,
        );
      }
      return scopes;
    },
  };
}

/**
 * Origins as a browser sends them in `Origin` (scheme://host[:port]), where a trailing slash
 * is forgiven, or `*`. Anything else would never match, and CORS would fail without a word.
 */
function originList(description: string): Setting<string[], undefined> {
  return {
    default: undefined,
    description,
    parse(raw, name) {
      return raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          if (entry === '*') return entry;
          const origin = URL.canParse(entry) ? new URL(entry) : undefined;
          const plain =
            origin !== undefined &&
            ['http:', 'https:'].includes(origin.protocol) &&
            origin.pathname === '/' &&
            origin.search === '' &&
            origin.hash === '' &&
            !entry.includes('@');
          if (origin === undefined || !plain) {
            throw new ConfigError(`${name} has "${entry}", not an origin (scheme://host[:port])`);
          }
          return origin.origin;
        });
    },
  };
}

function databaseUrl(description: string): Setting<string, string> {
  return {
    default: 'sqlite:./data/players.db',
    description,
    parse(raw, name) {
      if (raw.startsWith('sqlite:') && raw.length > 'sqlite:'.length) return raw;
      if (/^postgres(ql)?:\/\//.test(raw))
        return url(undefined, ['postgres:', 'postgresql:'], '').parse(raw, name);
      throw new ConfigError(
        `${name} must be sqlite:<path> or postgres://…, got "${raw.split(':')[0]}:…"`,
      );
    },
  };
}

/**
 * Every setting the service reads: the single source of names, defaults and meanings.
 * The README's settings table is checked against this object by a test.
 */
export const settings = {
  PORT: integer('9000', 0, 65535, 'listen port'),
  HOST: text('0.0.0.0', 'listen address'),
  WORKERS: integer(
    '1',
    1,
    64,
    'processes serving on one machine (node:cluster), for several cores',
  ),
  DATABASE_URL: databaseUrl('`sqlite:<path>` or `postgres://…`'),
  REDIS_URL: url(undefined, ['redis:', 'rediss:'], 'set it when running several instances'),
  REDIS_PREFIX: text(
    'players-api:',
    'prefix of every Redis key and channel (several deployments can share one Redis)',
  ),
  ISSUER: url('http://localhost:9000', ['http:', 'https:'], 'token `iss` and metadata issuer'),
  AUDIENCE: text('players-api', 'token `aud`'),
  ACCESS_TOKEN_TTL: integer('3600', 60, 86400, 'access token lifetime, seconds'),
  REFRESH_TOKEN_TTL: integer('1209600', 300, 31536000, 'refresh token lifetime, seconds'),
  REFRESH_REUSE_GRACE: integer(
    '0',
    0,
    300,
    'seconds in which a used refresh token may be retried without revoking its family',
  ),
  CLOCK_TOLERANCE: integer('5', 0, 60, 'seconds of clock skew accepted on `exp`/`nbf`/`iat`'),
  JWT_ALG: oneOf('EdDSA', ['EdDSA', 'ES256', 'RS256', 'HS256'], 'access token signing algorithm'),
  JWT_SECRET: secret(32, 'HS256 key (with `JWT_ALG=HS256`), at least 32 bytes'),
  SECRET_KEY: secret(
    32,
    'encrypts signing keys at rest and keys the client-secret digests; made and kept in the data folder in development, required in production',
  ),
  SECRET_KEY_PREVIOUS: secret(
    32,
    'the `SECRET_KEY` being rotated out; still decrypts and verifies',
  ),
  AUTH_FAILURE_STATUS: oneOf('401', ['401', '403'], 'status of bearer authentication failures'),
  BOOTSTRAP_CLIENT_ID: text(undefined, 'a client created or updated at start'),
  BOOTSTRAP_CLIENT_SECRET: secret(16, 'its secret (at least 32 bytes in production)'),
  BOOTSTRAP_CLIENT_SCOPES: scopeList('write', 'its scopes'),
  NODE_ENV: oneOf('development', ['development', 'production', 'test'], 'environment'),
  LOG_LEVEL: oneOf(
    'info',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    'pino log level',
  ),
  RATE_LIMIT_WINDOW: integer('60', 1, 3600, 'seconds over which the rate limits below count'),
  RATE_LIMIT_AUTH_PER_IP: integer(
    '300',
    0,
    1_000_000,
    'requests per window from one IP to the token, revocation, introspection, login and registration routes (0: off)',
  ),
  RATE_LIMIT_TOKEN_PER_CLIENT: integer(
    '1200',
    0,
    1_000_000,
    'token requests per window naming one client (0: off)',
  ),
  RATE_LIMIT_WRITES_PER_CLIENT: integer(
    '600',
    0,
    1_000_000,
    'player writes per window by one client (0: off)',
  ),
  LOCKOUT_THRESHOLD: integer(
    '5',
    1,
    1000,
    'failed logins or client authentications from one IP that lock that account for that IP',
  ),
  LOCKOUT_SECONDS: integer('60', 1, 86400, 'the first lockout; each further one doubles'),
  LOCKOUT_MAX_SECONDS: integer('3600', 1, 86400, 'the longest lockout'),
  CORS_ORIGINS: originList(
    'comma-separated origins allowed by CORS (`https://app.example`, or `*`); unset: no cross-origin access',
  ),
  METRICS: flag(
    'false',
    'serve Prometheus metrics at `GET /metrics` (bearer token with scope `admin`)',
  ),
  ALLOW_REGISTRATION: flag(
    undefined,
    '`POST /users` open to anyone; unset: on, except in production',
  ),
  ALLOW_INSECURE_ISSUER: flag(
    'false',
    'let production run with an `http:` issuer (behind TLS termination)',
  ),
  TRUST_PROXY: flag('false', 'trust `X-Forwarded-*` from a proxy in front'),
} as const;

type Settings = typeof settings;
type Name = keyof Settings;
export type Config = {
  [N in Name]: Settings[N] extends Setting<infer T, infer D>
    ? D extends string
      ? T
      : T | undefined
    : never;
};

/** Reads `.env` (when present) under the real environment, which wins. */
function readEnv(env: Env, envFile: string | undefined): Env {
  if (envFile === undefined || !existsSync(envFile)) return env;
  let fromFile: Record<string, string>;
  try {
    fromFile = parseEnv(readFileSync(envFile, 'utf8')) as Record<string, string>;
  } catch {
    throw new ConfigError(`${envFile} could not be read as KEY=value lines`);
  }
  return { ...fromFile, ...env };
}

function checkProduction(config: Config): void {
  if (config.NODE_ENV !== 'production') return;
  if (config.SECRET_KEY === undefined) {
    throw new ConfigError('SECRET_KEY is required when NODE_ENV=production (32 bytes or more)');
  }
  if (config.BOOTSTRAP_CLIENT_SECRET !== undefined && config.BOOTSTRAP_CLIENT_SECRET.length < 32) {
    throw new ConfigError(
      'BOOTSTRAP_CLIENT_SECRET must be at least 32 bytes when NODE_ENV=production',
    );
  }
  if (config.ISSUER.startsWith('http:') && !config.ALLOW_INSECURE_ISSUER) {
    throw new ConfigError(
      'ISSUER must be https:// when NODE_ENV=production (or set ALLOW_INSECURE_ISSUER=true)',
    );
  }
}

export interface LoadOptions {
  /** Defaults to `process.env`. */
  env?: Env;
  /** Defaults to `.env` in the working directory; `null` reads no file. */
  envFile?: string | null;
}

/** Reads and validates every setting once; throws a ConfigError naming the first bad one. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = readEnv(
    options.env ?? process.env,
    options.envFile === null ? undefined : (options.envFile ?? '.env'),
  );
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings) as [Name, Setting<unknown>][]) {
    const raw = env[name]?.trim() || setting.default;
    config[name] = raw === undefined ? undefined : setting.parse(raw, name);
  }
  const result = config as Config;
  if (result.JWT_ALG === 'HS256' && result.JWT_SECRET === undefined) {
    throw new ConfigError('JWT_SECRET is required with JWT_ALG=HS256 (at least 32 bytes)');
  }
  if (result.BOOTSTRAP_CLIENT_ID !== undefined && !isPlainText(result.BOOTSTRAP_CLIENT_ID)) {
    // Requests could not name it: a client id with a control character is never looked up.
    throw new ConfigError('BOOTSTRAP_CLIENT_ID must be one line of printable characters');
  }
  if (result.BOOTSTRAP_CLIENT_SECRET !== undefined && result.BOOTSTRAP_CLIENT_ID === undefined) {
    throw new ConfigError('BOOTSTRAP_CLIENT_SECRET is set but BOOTSTRAP_CLIENT_ID is not');
  }
  checkProduction(result);
  return result;
}
