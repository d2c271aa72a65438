/** @crosscare/hl7v2/testing: example ADT messages for tests and demos; not in the production barrel. */
export * from '../fixtures/cerner-adt-messages';
