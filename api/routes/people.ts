import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GreenroomStore, Person } from '../../store/types.js';
import { ApiError } from '../errors.js';
import { errorAnswer, eventParams, personAnswer, personBody, personParams } from '../schemas.js';

const errors = { 400: errorAnswer, 404: errorAnswer, 409: errorAnswer };

export function renderPerson(person: Person) {
  const { createdAtMs, ...rest } = person;
  return { ...rest, createdAt: new Date(createdAtMs).toISOString() };
}

/** The people of an event: the hosts' persons, and whoever else the platform keeps here. */
export function peopleRoutes(deps: { store: GreenroomStore }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/events/:eventId/people', {
      schema: {
        summary: 'Add a person to an event; the email is unique per event whatever its case',
        tags: ['people'],
        params: eventParams,
        body: personBody,
        response: { 201: personAnswer, ...errors },
      },
      handler: async (request, reply) => {
        const person = await deps.store.createPerson({ ...request.params, ...request.body });
        if (person === 'duplicate') throw new ApiError('person_email_taken');
        return reply.status(201).send(renderPerson(person));
      },
    });

    app.get('/events/:eventId/people', {
      schema: {
        summary: 'List the people of an event',
        tags: ['people'],
        params: eventParams,
        response: { 200: z.object({ items: z.array(personAnswer) }), ...errors },
      },
      handler: async (request) => {
        const people = await deps.store.listPeople(request.params.eventId);
        return { items: people.map(renderPerson) };
      },
    });

    app.get('/events/:eventId/people/:personId', {
      schema: {
        summary: 'Read one person of an event',
        tags: ['people'],
        params: personParams,
        response: { 200: personAnswer, ...errors },
      },
      handler: async (request) => {
        const { eventId, personId } = request.params;
        const person = await deps.store.readPerson(eventId, personId);
        if (!person) throw new ApiError('not_found', 'No such person in this event.');
        return renderPerson(person);
      },
    });
    await Promise.resolve();
  };
}
