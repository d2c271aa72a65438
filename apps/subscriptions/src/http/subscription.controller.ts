import { Body, Controller, Delete, Get, Headers, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SubscriptionsServices } from '../subscriptions-services';
import { SubscriptionsError } from '../subscriptions-error';
import { sendFhir } from './fhir-answer';

type Query = Record<string, string | undefined>;

/**
 * R4 Subscription with the backport's extensions, and its operations $status and $events. Every route authenticates
 * first: an unauthenticated caller learns nothing, not even whether a subscription exists.
 */
@Controller('fhir/Subscription')
export class SubscriptionController {
  constructor(@Inject(SubscriptionsServices) private readonly services: SubscriptionsServices) {}

  @Post()
  async create(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const subscriber = await this.services.access.authenticate(authorization);
    const created = (await this.services.requests.create(subscriber, body)) as {
      id: string;
      meta: { versionId: string };
    };
    sendFhir(res, 201, created, {
      Location: `${this.services.config.baseUrl}/Subscription/${created.id}/_history/${created.meta.versionId}`,
    });
  }

  @Get()
  async search(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const subscriber = await this.services.access.authenticate(authorization);
    sendFhir(res, 200, await this.services.requests.search(subscriber));
  }

  @Get(':id')
  async read(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Res() res: Response,
  ) {
    const subscriber = await this.services.access.authenticate(authorization);
    if (id === '$status')
      throw new SubscriptionsError(400, 'required', 'id', 'name the subscription: Subscription/{id}/$status');
    sendFhir(res, 200, await this.services.requests.read(subscriber, id));
  }

  @Put(':id')
  async update(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const subscriber = await this.services.access.authenticate(authorization);
    sendFhir(res, 200, await this.services.requests.update(subscriber, id, body));
  }

  @Delete(':id')
  async delete(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Res() res: Response,
  ) {
    const subscriber = await this.services.access.authenticate(authorization);
    await this.services.requests.delete(subscriber, id);
    res.status(204).end();
  }

  @Get(':id/:operation')
  async operationGet(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Param('operation') operation: string,
    @Query() query: Query,
    @Res() res: Response,
  ) {
    await this.operation(authorization, id, operation, query, res);
  }

  @Post(':id/:operation')
  async operationPost(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Param('operation') operation: string,
    @Query() query: Query,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    await this.operation(authorization, id, operation, { ...query, ...parametersOf(body) }, res);
  }

  private async operation(
    authorization: string | undefined,
    id: string,
    operation: string,
    query: Query,
    res: Response,
  ) {
    const subscriber = await this.services.access.authenticate(authorization);
    if (operation === '$status')
      return sendFhir(res, 200, await this.services.requests.status(subscriber, id));
    if (operation === '$get-ws-binding-token')
      return sendFhir(res, 200, await this.services.requests.bindingToken(subscriber, id));
    if (operation === '$events')
      return sendFhir(res, 200, await this.services.requests.events(subscriber, id, query));
    throw new SubscriptionsError(
      404,
      'not-supported',
      operation,
      `Subscription has no operation ${operation}: $status, $events and $get-ws-binding-token`,
    );
  }
}

/** An operation's input Parameters as name → value, for POSTed operations (GET carries them in the query). */
function parametersOf(body: unknown): Query {
  const out: Query = {};
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { resourceType?: unknown }).resourceType !== 'Parameters'
  )
    return out;
  const parameters = (body as { parameter?: unknown }).parameter;
  if (!Array.isArray(parameters)) return out;
  for (const p of parameters as Record<string, unknown>[]) {
    if (typeof p?.name !== 'string') continue;
    const value = Object.entries(p).find(([k]) => k.startsWith('value'))?.[1];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[p.name] = String(value);
  }
  return out;
}
