/** @crosscare/fhir/testing: UK Core example resources and Bundles for tests and demos; not in the production barrel. */
export * as fhirFixtures from '../fixtures';
