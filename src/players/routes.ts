import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Type } from 'typebox';
import { entityTag, ifMatchHolds } from '../http/etag.js';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../http/problem.js';
import { ProblemRef } from '../http/schemas.js';
import { type Player as PlayerRecord, playerFrom } from './player.js';
import type { PlayerRepository } from './repository.js';
import { Player, PlayerIdParams, PlayerInput, SquadNumberParams } from './schemas.js';

export interface PlayersOptions {
  players: PlayerRepository;
}

const PlayerRef = Type.Ref('Player');
// The same schema as a plain object, as reply.serializeInput types it (and caches by it).
const PLAYER_SERIALIZATION: Record<string, unknown> = { ...PlayerRef };
const IfMatchHeader = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'Write only if the player still has this ETag (from a GET), or `*`; else 412',
    }),
  ),
});
const notFound = (what: string) => new NotFoundError(`No player with ${what}.`);
const changed = (squadNumber: number) =>
  new PreconditionFailedError(
    `The player with squad number ${squadNumber} is not the one If-Match names: it has changed since; GET it again.`,
  );
const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * A squad number in a path is decimal digits. ajv coerces a path's text as `Number()`
 * does, so `0x10`, `1e1`, `10.0` and ` 10` would otherwise each name a player.
 */
function decimalSquadNumber(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const { squadNumber } = request.params as { squadNumber: string };
  done(
    /^\d+$/.test(squadNumber)
      ? undefined
      : new ValidationError([
          { field: 'squadNumber', message: 'must be written in decimal digits' },
        ]),
  );
}

export const playersRoutes: FastifyPluginAsyncTypebox<PlayersOptions> = async (
  app,
  { players },
) => {
  app.addSchema(Player);
  // A cached repository hands out the same list until a write: serialize each list once
  // (a third of a GET /players/ went to serializing 26 players again).
  const serialized = new WeakMap<readonly unknown[], string>();
  const write = app.requireScope('write');

  /**
   * If-Match on a write (RFC 9110 §13.1.1): the player the tag names, for the repository to
   * write only if it is still the stored one; undefined without If-Match, or without a
   * player (the answer is then 404, which preconditions do not change, §13.2.1).
   */
  async function matchedPlayer(
    request: FastifyRequest,
    reply: FastifyReply,
    squadNumber: number,
  ): Promise<PlayerRecord | undefined> {
    const ifMatch = request.headers['if-match'];
    if (ifMatch === undefined) return undefined;
    const current = await players.findBySquadNumber(squadNumber);
    if (current === undefined) return undefined;
    // The tag a GET of this player carries: its representation, serialized as GET does.
    const tag = entityTag(reply.serializeInput({ ...current }, PLAYER_SERIALIZATION));
    if (!ifMatchHolds(ifMatch, tag)) throw changed(squadNumber);
    return current;
  }

  app.get(
    '/players/',
    {
      schema: {
        tags: ['players'],
        summary: 'All players, ordered by squad number',
        response: { 200: Type.Array(PlayerRef) },
      },
    },
    async (_request, reply) => {
      const list = await players.list();
      let body = serialized.get(list);
      if (body === undefined) {
        body = reply.serialize(list) as string;
        serialized.set(list, body);
      }
      reply.type(JSON_UTF8);
      return body as never;
    },
  );

  app.get(
    '/players/:id',
    {
      schema: {
        tags: ['players'],
        summary: 'One player by id',
        params: PlayerIdParams,
        response: { 200: PlayerRef, 404: ProblemRef, 422: ProblemRef },
      },
    },
    async (request) =>
      (await players.findById(request.params.id)) ??
      Promise.reject(notFound(`id ${request.params.id}`)),
  );

  app.get(
    '/players/squadnumber/:squadNumber',
    {
      preValidation: decimalSquadNumber,
      schema: {
        tags: ['players'],
        summary: 'One player by squad number',
        params: SquadNumberParams,
        response: { 200: PlayerRef, 404: ProblemRef, 422: ProblemRef },
      },
    },
    async (request) => {
      const { squadNumber } = request.params;
      return (
        (await players.findBySquadNumber(squadNumber)) ??
        Promise.reject(notFound(`squad number ${squadNumber}`))
      );
    },
  );

  app.post(
    '/players/',
    {
      onRequest: write,
      schema: {
        tags: ['players'],
        summary: 'Create a player (scope write)',
        body: PlayerInput,
        response: { 201: PlayerRef, 409: ProblemRef, 422: ProblemRef },
      },
    },
    async (request, reply) => {
      const player = playerFrom(randomUUID(), request.body);
      if (!(await players.create(player))) {
        throw new ConflictError('A Player with this squad number already exists.');
      }
      return reply
        .code(201)
        .header('location', `/players/squadnumber/${player.squadNumber}`)
        .send(player);
    },
  );

  app.put(
    '/players/squadnumber/:squadNumber',
    {
      onRequest: write,
      preValidation: decimalSquadNumber,
      schema: {
        tags: ['players'],
        summary: 'Replace a player (scope write)',
        params: SquadNumberParams,
        headers: IfMatchHeader,
        body: PlayerInput,
        response: {
          204: Type.Null(),
          400: ProblemRef,
          404: ProblemRef,
          412: ProblemRef,
          422: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const { squadNumber } = request.params;
      if (request.body.squadNumber !== squadNumber) {
        throw new BadRequestError(
          `squadNumber in the body (${request.body.squadNumber}) does not match the path (${squadNumber}).`,
        );
      }
      const { id: _id, ...fields } = playerFrom('', request.body);
      const expected = await matchedPlayer(request, reply, squadNumber);
      if (!(await players.replace(fields, expected))) {
        throw expected ? changed(squadNumber) : notFound(`squad number ${squadNumber}`);
      }
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/players/squadnumber/:squadNumber',
    {
      onRequest: write,
      preValidation: decimalSquadNumber,
      schema: {
        tags: ['players'],
        summary: 'Delete a player (scope write)',
        params: SquadNumberParams,
        headers: IfMatchHeader,
        response: { 204: Type.Null(), 404: ProblemRef, 412: ProblemRef, 422: ProblemRef },
      },
    },
    async (request, reply) => {
      const { squadNumber } = request.params;
      const expected = await matchedPlayer(request, reply, squadNumber);
      if (!(await players.delete(squadNumber, expected))) {
        throw expected ? changed(squadNumber) : notFound(`squad number ${squadNumber}`);
      }
      return reply.code(204).send(null);
    },
  );
};
