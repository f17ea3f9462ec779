import { type Static, Type } from 'typebox';

const Param = (description: string) => Type.Optional(Type.String({ description }));

/** RFC 6749 §4.4.2, §4.3.2, §6 parameters; unknown ones are ignored as §3.2 requires. */
export const TokenRequest = Type.Object(
  {
    grant_type: Type.String({
      minLength: 1,
      description: 'client_credentials, password or refresh_token',
    }),
    scope: Param('Space-separated scopes, a subset of what the client may have'),
    client_id: Param('client_secret_post: the client id (or use HTTP Basic)'),
    client_secret: Param('client_secret_post: the client secret (or use HTTP Basic)'),
    username: Param('password grant'),
    password: Param('password grant'),
    refresh_token: Param('refresh_token grant'),
  },
  { additionalProperties: true },
);
export type TokenParams = Static<typeof TokenRequest>;

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
  refresh_token: Type.Optional(Type.String()),
});
export type TokenResponseBody = Static<typeof TokenResponse>;

export const OAuthErrorBody = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { description: 'RFC 6749 §5.2 error' },
);
