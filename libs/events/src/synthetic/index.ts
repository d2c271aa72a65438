/**
 * @crosscare/events/synthetic: made-up record changes and 999-range NHS numbers, for tests, the smoke app and the
 * synthetic region. Not part of the event contract, so not in the main barrel.
 */
export * from './synthetic-record-changes';
