import { Type } from 'typebox';
import { NAME_MAX_LENGTH, PlainText } from '../plain-text.js';
import { PASSWORD_MAX, USERNAME_MAX } from './credentials.js';

export const Registration = Type.Object(
  {
    // Limits here are generous bounds for the parser; credentials.ts words the real rules.
    username: Type.String({
      minLength: 1,
      maxLength: USERNAME_MAX * 4,
      description: '3 to 64 letters, digits or . _ - @ +',
    }),
    password: Type.String({
      minLength: 1,
      maxLength: PASSWORD_MAX * 4,
      description: '8 to 128 characters, not a common one',
    }),
    fullName: Type.Optional(PlainText({ maxLength: NAME_MAX_LENGTH })),
  },
  { additionalProperties: false },
);

export const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 1024 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const PublicUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  fullName: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const LoginResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
  refresh_token: Type.String(),
});
