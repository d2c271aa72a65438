import {
  legitimateRelationship,
  type AccessRole,
  type AccessRoles,
  type Provider,
} from '@crosscare/governance';
import { maySubscribe, type SubscriptionFilter, type TopicDefinition } from '@crosscare/fhir-subscriptions';
import { bearerTokenOf, type ReaderTokenVerifier } from '@crosscare/identity';
import type { PatientCare } from '../matching/record-change-matcher';
import { SubscriptionsError } from '../subscriptions-error';

/** An organisation's system, as its token says and the directory and roles table confirm. */
export interface Subscriber {
  readonly userId: string;
  readonly organisationOdsCode: string;
  readonly role: AccessRole;
}

/**
 * Who may subscribe to what: the record API's identities and rules, applied to a standing request instead of one
 * read. A subscriber authenticates with the same kind of token (a trusted issuer's, for this service's audience),
 * from an active organisation, in a known role; it may subscribe only to topics whose sections its role may read,
 * only to patients its organisation cares for (a practice to its own registered list, anyone to a patient it has a
 * legitimate relationship with), and never by breaking the glass.
 */
export class SubscriberAccess {
  constructor(
    private readonly tokens: ReaderTokenVerifier,
    private readonly roles: AccessRoles,
    private readonly organisation: (odsCode: string) => Provider | undefined,
    private readonly care: (nhsNumber: string) => Promise<PatientCare>,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Subscriber> {
    const token = bearerTokenOf(authorization);
    if (token === undefined)
      throw new SubscriptionsError(401, 'login', 'Authorization', 'a bearer token is required');
    const check = await this.tokens.verify(token);
    if (!check.ok) throw new SubscriptionsError(401, 'login', 'Authorization', check.reason);
    const { reader } = check;
    const organisation = this.organisation(reader.organisationOdsCode);
    if (organisation?.status !== 'ACTIVE')
      throw new SubscriptionsError(
        403,
        'forbidden',
        'Authorization',
        `organisation ${reader.organisationOdsCode} is not ${organisation ? 'active' : 'known'} in the provider directory`,
      );
    const role = this.roles.role(reader.role);
    if (!role)
      throw new SubscriptionsError(
        403,
        'forbidden',
        'Authorization',
        `role ${reader.role} is not one Crosscare knows`,
      );
    return { userId: reader.userId, organisationOdsCode: organisation.odsCode, role };
  }

  /** Refuses, saying why, a subscription the subscriber may not hold. */
  async authorize(subscriber: Subscriber, topic: TopicDefinition, filter: SubscriptionFilter): Promise<void> {
    if (!maySubscribe(topic, subscriber.role.sections))
      throw new SubscriptionsError(
        403,
        'forbidden',
        'Subscription.criteria',
        `role ${subscriber.role.key} may not read ${topic.sections.join(', ')}, which topic ${topic.code} tells of`,
      );
    const own = subscriber.organisationOdsCode;
    if (filter.registeredWith !== undefined && filter.registeredWith.toUpperCase() !== own)
      throw new SubscriptionsError(
        403,
        'forbidden',
        'Subscription.criteria',
        `an organisation may follow only its own registered patients: ${own} may not subscribe to those registered with ${filter.registeredWith}`,
      );
    if (filter.patient !== undefined) {
      const patient = await this.care(filter.patient);
      // The same answer whether or not Crosscare holds the patient, as the record API refuses a read.
      if (legitimateRelationship(own, patient.evidence) === null)
        throw new SubscriptionsError(
          403,
          'forbidden',
          'Subscription.criteria',
          `${own} has no legitimate relationship with this patient (registered GP, care provider or referral recipient), so may not subscribe to their record`,
        );
    }
  }
}
