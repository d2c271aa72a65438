import {
  FHIR_TYPES_SYSTEM,
  subscriptionCapabilityResources,
  topicAsBasic,
  topicByCode,
  topicSearchBundle,
  TOPICS,
} from '@crosscare/fhir-subscriptions';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SubscriptionsError } from '../subscriptions-error';
import { SubscriptionsServices } from '../subscriptions-services';
import { sendFhir } from './fhir-answer';

/**
 * Discovery: the CapabilityStatement and the topics. R4 has no SubscriptionTopic resource, so, as the backport IG
 * says of R4 servers, each topic is a Basic resource (code fhir-types|SubscriptionTopic) carrying the R5 topic in
 * cross-version extensions, and the CapabilityStatement lists every topic's canonical URL. Unauthenticated, as a
 * FHIR server's metadata is: what can be subscribed to is no secret; who subscribes, and to whom, is.
 */
@Controller('fhir')
export class TopicController {
  constructor(@Inject(SubscriptionsServices) private readonly services: SubscriptionsServices) {}

  @Get('metadata')
  metadata(@Res() res: Response) {
    sendFhir(res, 200, {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-12-06',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['application/fhir+json'],
      implementation: {
        description: 'Crosscare topic-based subscriptions (FHIR R4, Subscriptions R5 Backport)',
        url: this.services.config.baseUrl,
      },
      instantiates: [
        'http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4',
      ],
      rest: [
        {
          mode: 'server',
          security: {
            description:
              'Bearer tokens from a trusted issuer (as the record API takes), for audience ' +
              this.services.config.auth.audience,
          },
          resource: subscriptionCapabilityResources().map((resource) => ({
            ...resource,
            interaction:
              resource.type === 'Subscription'
                ? ['create', 'read', 'update', 'delete', 'search-type'].map((code) => ({ code }))
                : ['read', 'search-type'].map((code) => ({ code })),
          })),
        },
      ],
    });
  }

  /** `Basic?code=http://hl7.org/fhir/fhir-types|SubscriptionTopic`: every topic; other codes find nothing here. */
  @Get('Basic')
  search(@Query('code') code: string | undefined, @Res() res: Response) {
    const topics = code === undefined || isTopicCode(code) ? TOPICS : [];
    sendFhir(res, 200, topicSearchBundle(this.services.config.baseUrl, topics));
  }

  @Get('Basic/:id')
  read(@Param('id') id: string, @Res() res: Response) {
    const topic = topicByCode(id);
    if (!topic) throw new SubscriptionsError(404, 'not-found', 'Basic.id', `no topic ${id}`);
    sendFhir(res, 200, topicAsBasic(topic));
  }
}

function isTopicCode(code: string): boolean {
  return code === 'SubscriptionTopic' || code === `${FHIR_TYPES_SYSTEM}|SubscriptionTopic`;
}
