import { closedSchema } from './custom-resource-schemas';

describe('closedSchema', () => {
  it('closes objects that list their properties, and leaves open those that keep unknown fields', () => {
    expect(
      closedSchema({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
          metadata: { type: 'object' },
        },
      }),
    ).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: { config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
        metadata: { type: 'object' },
      },
    });
  });

  it('leaves oneOf branches, which have no type of their own, as they are', () => {
    const branch = { properties: { secret: {} }, required: ['secret'] };
    expect(closedSchema({ oneOf: [branch] })).toEqual({ oneOf: [branch] });
  });
});
