/** @crosscare/social-care/testing: example council extracts for tests and demos; not in the production barrel. */
export * from '../fixtures';
