/**
 * The canonical URLs of HL7's Subscriptions R5 Backport IG (STU 1.1, http://hl7.org/fhir/uv/subscriptions-backport/;
 * read against its 1.2.0-ballot source, github.com/HL7/fhir-subscription-backport-ig, input/fsh), each named once.
 * Clients match on these strings exactly, so none is spelled anywhere else in the library.
 */
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport';
const BACKPORT_SD = `${BACKPORT}/StructureDefinition`;

/** Profiles: the R4 Subscription, the R4 notification Bundle and the Parameters that stand for SubscriptionStatus. */
export const BACKPORT_PROFILES = {
  subscription: `${BACKPORT_SD}/backport-subscription`,
  notificationBundle: `${BACKPORT_SD}/backport-subscription-notification-r4`,
  subscriptionStatus: `${BACKPORT_SD}/backport-subscription-status-r4`,
} as const;

/** Extensions on an R4 Subscription (StructureDefinition-backport-subscription.html). */
export const BACKPORT_EXTENSIONS = {
  /** On Subscription.criteria, valueString, 0..*: one filter each, ANDed. */
  filterCriteria: `${BACKPORT_SD}/backport-filter-criteria`,
  /** On Subscription.channel.payload, valueCode empty | id-only | full-resource. */
  payloadContent: `${BACKPORT_SD}/backport-payload-content`,
  /** On Subscription.channel, valueUnsignedInt seconds. */
  heartbeatPeriod: `${BACKPORT_SD}/backport-heartbeat-period`,
  /** On Subscription.channel, valueUnsignedInt seconds. */
  timeout: `${BACKPORT_SD}/backport-timeout`,
  /** On Subscription.channel, valuePositiveInt. */
  maxCount: `${BACKPORT_SD}/backport-max-count`,
  /** On Subscription.channel.type, valueCoding: a channel type R4 has no code for. */
  channelType: `${BACKPORT_SD}/backport-channel-type`,
  /** On CapabilityStatement.rest.resource (the Subscription entry), valueCanonical: one supported topic each. */
  topicCanonical: `${BACKPORT_SD}/capabilitystatement-subscriptiontopic-canonical`,
} as const;

/** The IG's operations on Subscription (OperationDefinition-backport-subscription-*.html). */
export const BACKPORT_OPERATIONS = {
  status: `${BACKPORT}/OperationDefinition/backport-subscription-status`,
  events: `${BACKPORT}/OperationDefinition/backport-subscription-events`,
} as const;

/** What an R4 server that backports topic-based subscriptions claims to be (CapabilityStatement.instantiates). */
export const BACKPORT_R4_SERVER_CAPABILITIES = `${BACKPORT}/CapabilityStatement/backport-subscription-server-r4`;

/**
 * Cross-version extensions that carry a SubscriptionTopic on an R4 `Basic`, as the IG's R4 example does
 * (Basic-r4-encounter-complete.html): R5 extensions for the topic's simple elements, R4B extensions for its backbone
 * elements (triggers, filters, notification shape). Mixed versions are the IG's choice, copied so a client that reads
 * the IG's example reads ours.
 */
const R5_TOPIC = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic';
const R4B_TOPIC = 'http://hl7.org/fhir/4.3/StructureDefinition/extension-SubscriptionTopic';
export const TOPIC_EXTENSIONS = {
  url: `${R5_TOPIC}.url`,
  version: `${R5_TOPIC}.version`,
  name: `${R5_TOPIC}.name`,
  title: `${R5_TOPIC}.title`,
  description: `${R5_TOPIC}.description`,
  /** A modifier extension: a retired topic must not be read as a live one. */
  status: `${R5_TOPIC}.status`,
  eventTrigger: `${R4B_TOPIC}.eventTrigger`,
  canFilterBy: `${R4B_TOPIC}.canFilterBy`,
  notificationShape: `${R4B_TOPIC}.notificationShape`,
} as const;

/** Basic.code of a wrapped topic: how a client finds topics (`GET [base]/Basic?code=…|SubscriptionTopic`). */
export const FHIR_TYPES_SYSTEM = 'http://hl7.org/fhir/fhir-types';

/** The only MIME type Crosscare notifies in (R4 JSON); the IG's fhirVersion parameter may name R4 explicitly. */
export const FHIR_JSON = 'application/fhir+json';
