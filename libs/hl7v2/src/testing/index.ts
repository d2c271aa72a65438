/** @crosscare/hl7v2/testing: example ADT and ORU messages for tests and demos; not in the production barrel. */
export * from '../fixtures/cerner-adt-messages';
export * from '../fixtures/pathology-oru-messages';
