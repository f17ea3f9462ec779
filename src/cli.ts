#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { UnknownClientError } from './auth/client-service.js';
import { parseScopeList, UnknownScopeError } from './auth/scopes.js';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { insertSeedPlayers, seedOnFirstStart } from './db/seed.js';
import { valueCheck } from './http/validation.js';
import { HmacKeysNotManagedError } from './keys/key-service.js';
import { NAME_MAX_LENGTH, PlainText } from './plain-text.js';
import { createServices, type Services } from './services.js';
import {
  UnknownUserError,
  UsernameTakenError,
  WeakCredentialsError,
} from './users/user-service.js';

const USAGE = `usage: players-api <command>

  clients create --name NAME [--scopes "write admin"]   prints the secret once
  clients list
  clients rotate-secret ID                              prints the new secret once
  clients delete ID                                     its tokens are refused from then on
  clients disable ID                                    no new tokens; the ones it holds refused
  clients enable ID
  users create --username NAME [--password P] [--full-name F] [--scopes "write"]
                          without --password, the password is read from standard input
  users disable NAME      refuses logins, revokes refresh tokens, blocks live access tokens
  users enable NAME
  keys list
  keys rotate
  keys reencrypt          re-seal keys under SECRET_KEY (old value in SECRET_KEY_PREVIOUS)
  migrate
  seed                    put back the seed players that are missing

Settings come from the environment or .env, as for the server.`;

class UsageError extends Error {}

type Command = (
  services: Services,
  args: string[],
  options: Record<string, string | undefined>,
) => Promise<void>;

const print = (line = '') => process.stdout.write(`${line}\n`);

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('give --password, or pipe the password on standard input');
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** A name option as the HTTP API would take it, or a usage error saying why not. */
function nameOption(options: Record<string, string | undefined>, option: string) {
  const value = options[option];
  if (value === undefined) return undefined;
  const problems = valueCheck(PlainText({ maxLength: NAME_MAX_LENGTH }))(value);
  if (problems.length > 0) {
    throw new UsageError(problems.map((problem) => `--${option} ${problem}`).join('; '));
  }
  return value;
}

function argument(args: string[], name: string): string {
  const value = args[0];
  if (value === undefined) throw new UsageError(`missing ${name}`);
  return value;
}

const commands: Record<string, Command> = {
  async 'clients create'({ clients }, _args, options) {
    const name = nameOption(options, 'name');
    if (!name) throw new UsageError('clients create needs --name');
    const scopes = parseScopeList(options.scopes ?? 'write');
    const { client, secret } = await clients.createClient({ name, scopes });
    print(`client_id:     ${client.id}`);
    print(`client_secret: ${secret}`);
    print(`scopes:        ${client.scopes.join(' ')}`);
    print('Keep the secret now: only its digest is stored.');
  },
  async 'clients list'({ clients }) {
    const all = await clients.listClients();
    if (all.length === 0) print('no clients');
    for (const c of all) {
      print(
        [
          c.id,
          c.name,
          c.scopes.join(' ') || '-',
          c.origin,
          c.disabled ? 'disabled' : 'enabled',
          new Date(c.createdAt).toISOString(),
        ].join('\t'),
      );
    }
  },
  async 'clients rotate-secret'({ clients }, args) {
    const secret = await clients.rotateClientSecret(argument(args, 'client id'));
    print(`client_secret: ${secret}`);
    print('The previous secret no longer works.');
  },
  async 'clients delete'({ clients }, args) {
    const id = argument(args, 'client id');
    await clients.deleteClient(id);
    print(`deleted client ${id}`);
  },
  async 'clients disable'({ clients }, args) {
    const client = await clients.setClientDisabled(argument(args, 'client id'), true);
    print(`disabled client ${client.id}: no new tokens, the ones it holds refused`);
  },
  async 'clients enable'({ clients }, args) {
    const client = await clients.setClientDisabled(argument(args, 'client id'), false);
    print(`enabled client ${client.id}`);
  },
  async 'users create'({ users }, _args, options) {
    if (!options.username) throw new UsageError('users create needs --username');
    const fullName = nameOption(options, 'full-name');
    const password = options.password ?? (await readStdin()).replace(/\r?\n$/, '');
    const user = await users.registerUser({
      username: options.username,
      password,
      fullName,
      ...(options.scopes !== undefined && { scopes: parseScopeList(options.scopes) }),
    });
    print(`created user ${user.username} (${user.id}) with scopes ${user.scopes.join(' ')}`);
  },
  async 'users disable'({ users }, args) {
    const user = await users.disableUser(argument(args, 'username'));
    print(
      `disabled ${user.username}: logins refused, refresh tokens revoked, access tokens refused`,
    );
  },
  async 'users enable'({ users }, args) {
    const user = await users.enableUser(argument(args, 'username'));
    print(`enabled ${user.username}`);
  },
  async 'keys list'({ keys }) {
    for (const k of await keys.listKeys()) {
      print(
        [
          k.kid,
          k.alg,
          k.current ? 'current' : `retired ${k.retiredAt}, leaves JWKS ${k.expiresAt}`,
          k.createdAt ?? 'from JWT_SECRET',
        ].join('\t'),
      );
    }
  },
  async 'keys rotate'({ keys }) {
    const kid = await keys.rotateSigningKey();
    print(`new current key ${kid}; running instances pick it up within 30 s`);
  },
  async 'keys reencrypt'({ keys }) {
    print(`re-encrypted ${await keys.reencryptKeys()} key(s) under the current SECRET_KEY`);
  },
  async migrate({ database }) {
    const applied = await migrate(database, seedOnFirstStart);
    print(applied.length ? `applied ${applied.join(', ')}` : 'already up to date');
  },
  async seed({ database }) {
    await migrate(database, seedOnFirstStart);
    print(`inserted ${await insertSeedPlayers(database.db)} seed player(s)`);
  },
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'full-name': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const two = positionals.slice(0, 2).join(' ');
  const [name, args] = commands[two]
    ? [two, positionals.slice(2)]
    : [positionals[0] ?? '', positionals.slice(1)];
  const command = commands[name];
  if (values.help) {
    print(USAGE);
    return 0;
  }
  if (command === undefined)
    throw new UsageError(name ? `unknown command "${name}"` : 'no command given');
  // Admin actions are audited here too: one JSON line each on standard error.
  const audit = (event: string, fields: Record<string, unknown> = {}) =>
    process.stderr.write(
      `${JSON.stringify({ audit: true, event, time: new Date().toISOString(), ...fields })}\n`,
    );
  const services = createServices(loadConfig(), { audit });
  try {
    if (name !== 'migrate' && name !== 'seed') await migrate(services.database, seedOnFirstStart);
    await command(services, args, values as Record<string, string | undefined>);
    return 0;
  } finally {
    await services.database.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const expected = [
    UsageError,
    ConfigError,
    UnknownClientError,
    UnknownUserError,
    UsernameTakenError,
    WeakCredentialsError,
    HmacKeysNotManagedError,
    UnknownScopeError,
  ].some((k) => error instanceof k);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`players-api: ${message}\n`);
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
  ) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.exitCode = expected ? 1 : 70;
  }
}
