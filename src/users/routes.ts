import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FIRST_PARTY_CLIENT_ID } from '../auth/client-auth.js';
import type { CheckPassword } from '../auth/password-login.js';
import type { IssueUserTokens } from '../auth/user-tokens.js';
import { registerFormBodyParser } from '../http/form-body.js';
import { ConflictError, ProblemError, ValidationError } from '../http/problem.js';
import { ProblemRef } from '../http/schemas.js';
import { Login, LoginResponse, PublicUser, Registration } from './schemas.js';
import {
  publicUser,
  UsernameTakenError,
  type UserService,
  WeakCredentialsError,
} from './user-service.js';

export interface UserRoutesOptions {
  users: UserService;
  /** The lockout-guarded password check shared with the password grant. */
  checkPassword: CheckPassword;
  issueUserTokens: IssueUserTokens;
  allowRegistration: boolean;
  realm: string;
}

/** Registration, the current user, and the two compatibility login routes. */
export const userRoutes: FastifyPluginAsyncTypebox<UserRoutesOptions> = async (app, options) => {
  const { users, checkPassword, issueUserTokens, realm } = options;
  registerFormBodyParser(app);

  app.post(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Register a user',
        body: Registration,
        response: {
          201: PublicUser,
          403: ProblemRef,
          409: ProblemRef,
          422: ProblemRef,
          429: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      if (!options.allowRegistration)
        throw new ProblemError(403, 'Registration is closed (ALLOW_REGISTRATION=false).');
      try {
        const user = await users.registerUser(request.body);
        return reply.code(201).header('location', '/users/me').send(publicUser(user));
      } catch (error) {
        if (error instanceof UsernameTakenError) throw new ConflictError(error.message);
        if (error instanceof WeakCredentialsError)
          throw new ValidationError([{ field: error.field, message: error.problem }]);
        throw error;
      }
    },
  );

  app.get(
    '/users/me',
    {
      onRequest: app.requireToken,
      schema: {
        tags: ['users'],
        summary: 'The user the token belongs to',
        response: { 200: PublicUser },
      },
    },
    async (request) => {
      const token = request.token;
      const user =
        token && token.sub !== token.client_id ? await users.findUser(token.sub) : undefined;
      if (user === undefined)
        throw new ProblemError(403, 'This route needs a user token, not a client token.');
      return publicUser(user);
    },
  );

  /** RFC 6750-style answers for the compatibility logins: 401 with a Bearer challenge. */
  async function login(username: string, password: string, ip: string) {
    const result = await checkPassword(username, password, ip);
    if (!result.ok) {
      if (result.reason === 'account_disabled') throw new ProblemError(403, 'account disabled');
      throw new ProblemError(401, 'The username or password is wrong.', {
        'www-authenticate': `Bearer realm="${realm}"`,
        'cache-control': 'no-store',
      });
    }
    return issueUserTokens({
      userId: result.user.id,
      clientId: FIRST_PARTY_CLIENT_ID,
      scopes: result.user.scopes,
    });
  }

  const loginSchema = (summary: string, consumes: string[]) => ({
    tags: ['users'],
    summary,
    consumes,
    body: Login,
    response: {
      200: LoginResponse,
      401: ProblemRef,
      403: ProblemRef,
      422: ProblemRef,
      429: ProblemRef,
    },
  });

  app.post(
    '/users/auth',
    { schema: loginSchema('Log in with JSON (compatibility route)', ['application/json']) },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(await login(request.body.username, request.body.password, request.ip)),
  );

  app.post(
    '/auth/session',
    {
      schema: loginSchema('Log in with a form (compatibility route)', [
        'application/x-www-form-urlencoded',
      ]),
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(await login(request.body.username, request.body.password, request.ip)),
  );
};
