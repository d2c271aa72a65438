/** @crosscare/projection/testing: record-change factories for tests; not part of the production barrel. */
export * from './record-change-factories';
