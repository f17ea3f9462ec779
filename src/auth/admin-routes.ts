import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ConflictError, NotFoundError, ValidationError } from '../http/problem.js';
import { ProblemRef } from '../http/schemas.js';
import type { KeyManager } from '../keys/key-manager.js';
import { HmacKeysNotManagedError } from '../keys/key-service.js';
import { NAME_MAX_LENGTH, PlainText } from '../plain-text.js';
import { publicUser, UnknownUserError, type UserService } from '../users/user-service.js';
import type { OAuthClient } from './client-repository.js';
import { type ClientService, UnknownClientError } from './client-service.js';
import { NO_STORE } from './errors.js';
import { SCOPE_TOKEN, UnknownScopeError } from './scopes.js';

export interface AdminRoutesOptions {
  clients: ClientService;
  users: UserService;
  signingKeys: KeyManager;
}

const ClientView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  origin: Type.String(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});

const clientView = (c: OAuthClient) => ({
  id: c.id,
  name: c.name,
  scopes: c.scopes,
  origin: c.origin,
  disabled: c.disabled,
  createdAt: new Date(c.createdAt).toISOString(),
});

/** An ISO 8601 time, or null where there is none. */
const Timestamp = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

const KeyView = Type.Object({
  kid: Type.String(),
  alg: Type.String(),
  createdAt: Timestamp('null for the HS256 key, which comes from JWT_SECRET'),
  retiredAt: Timestamp('When the key stopped signing; null for the current key'),
  expiresAt: Timestamp('When a retired key leaves the JWKS'),
  current: Type.Boolean(),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }) });
const Scope = Type.String({ pattern: SCOPE_TOKEN.source });

/**
 * The services' errors as HTTP answers: no such client or user 404, a scope the service
 * does not grant 422, a key rotation that HS256 settings rule out 409.
 */
async function answered<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof UnknownClientError || error instanceof UnknownUserError)
      throw new NotFoundError(error.message);
    if (error instanceof UnknownScopeError)
      throw new ValidationError([{ field: 'scopes', message: error.message }]);
    if (error instanceof HmacKeysNotManagedError) throw new ConflictError(error.message);
    throw error;
  }
}

/** The CLI's administration over HTTP (scope `admin`): the same service calls, another door. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (
  app,
  { clients, users, signingKeys },
) => {
  const onRequest = app.requireScope('admin');
  const tags = ['admin'];
  const errors = { 404: ProblemRef, 422: ProblemRef };

  app.get(
    '/admin/clients',
    {
      onRequest,
      schema: { tags, summary: 'List clients', response: { 200: Type.Array(ClientView) } },
    },
    async () => (await clients.listClients()).map(clientView),
  );

  app.post(
    '/admin/clients',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Create a client; the secret is shown once',
        body: Type.Object(
          {
            name: PlainText({ maxLength: NAME_MAX_LENGTH }),
            scopes: Type.Array(Scope, { maxItems: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ client: ClientView, client_secret: Type.String() }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { client, secret } = await answered(
        clients.createClient({ ...request.body, origin: 'admin' }),
      );
      return reply
        .code(201)
        .headers(NO_STORE)
        .send({ client: clientView(client), client_secret: secret });
    },
  );

  app.post(
    '/admin/clients/:id/rotate-secret',
    {
      onRequest,
      schema: {
        tags,
        summary: 'New client secret, shown once',
        params: IdParams,
        response: { 200: Type.Object({ client_secret: Type.String() }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .headers(NO_STORE)
        .send({ client_secret: await answered(clients.rotateClientSecret(request.params.id)) }),
  );

  app.delete(
    '/admin/clients/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Delete a client',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await answered(clients.deleteClient(request.params.id));
      return reply.code(204).send(null);
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/admin/clients/:id/${action}`,
      {
        onRequest,
        schema: {
          tags,
          summary:
            action === 'disable'
              ? 'Disable a client: no new tokens, and the ones it holds are refused'
              : 'Enable a client',
          params: IdParams,
          response: { 200: ClientView, ...errors },
        },
      },
      async (request) =>
        clientView(
          await answered(clients.setClientDisabled(request.params.id, action === 'disable')),
        ),
    );
  }

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/admin/users/:username/${action}`,
      {
        onRequest,
        schema: {
          tags,
          summary:
            action === 'disable'
              ? 'Disable a user: logins refused, tokens stop working'
              : 'Enable a user',
          params: UsernameParams,
          response: {
            200: Type.Object({
              id: Type.String(),
              username: Type.String(),
              disabled: Type.Boolean(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const user = await answered(
          action === 'disable'
            ? users.disableUser(request.params.username)
            : users.enableUser(request.params.username),
        );
        const { id, username, disabled } = publicUser(user);
        return { id, username, disabled };
      },
    );
  }

  app.get(
    '/admin/keys',
    {
      onRequest,
      schema: { tags, summary: 'Signing keys', response: { 200: Type.Array(KeyView) } },
    },
    () => signingKeys.list(),
  );

  app.post(
    '/admin/keys/rotate',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Make a new current signing key (409 under JWT_ALG=HS256)',
        response: { 200: Type.Object({ kid: Type.String() }), 409: ProblemRef },
      },
    },
    async () => ({ kid: await answered(signingKeys.rotate()) }),
  );
};
