/**
 * @crosscare/fhir/testing: UK Core example resources and Bundles for tests and demos, and NHS England's published
 * examples read from ../shared/fhir; not in the production barrel.
 */
export * as fhirFixtures from '../fixtures';
