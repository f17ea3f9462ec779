import { Type } from 'typebox';
import { PlainText } from '../plain-text.js';

const Text = (description: string, maxLength = 100) => PlainText({ maxLength, description });
// Optional fields accept null as "not given", as JSON clients commonly send.
const OptionalText = (description: string, maxLength = 100) =>
  Type.Optional(Type.Union([Text(description, maxLength), Type.Null()]));

export const SquadNumber = Type.Integer({
  minimum: 1,
  maximum: 99,
  description: 'Unique shirt number, 1 to 99',
});

export const PlayerInput = Type.Object(
  {
    firstName: Text('First name'),
    middleName: OptionalText('Middle name'),
    lastName: Text('Last name'),
    dateOfBirth: Type.Optional(
      Type.Union([
        Type.String({ format: 'iso-date', description: 'ISO 8601 date or date-time' }),
        Type.Null(),
      ]),
    ),
    squadNumber: SquadNumber,
    position: Text('Position, e.g. Goalkeeper'),
    abbrPosition: OptionalText('Abbreviated position, e.g. GK', 10),
    team: OptionalText('Club'),
    league: OptionalText('League'),
    starting11: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  },
  { additionalProperties: false },
);

export const Player = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    firstName: Type.String(),
    middleName: Type.Optional(Type.String()),
    lastName: Type.String(),
    dateOfBirth: Type.Optional(Type.String()),
    squadNumber: Type.Integer(),
    position: Type.String(),
    abbrPosition: Type.Optional(Type.String()),
    team: Type.Optional(Type.String()),
    league: Type.Optional(Type.String()),
    starting11: Type.Optional(Type.Boolean()),
  },
  { $id: 'Player' },
);

export const PlayerIdParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Player id (UUID)' }),
});

export const SquadNumberParams = Type.Object({
  squadNumber: Type.Integer({ description: 'Squad number' }),
});
