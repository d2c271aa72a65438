import { Counter, type Registry } from 'prom-client';

/**
 * `crosscare_dead_letters_total{topic}`: messages a consumer set aside on its dead-letter topic, by the source topic
 * they came from. One name for the projector, the SDE publisher and the subscription service (the `service` label
 * tells them apart): any increase wants a look (`npm run dlq`, or the topic's `crosscare-dlq-reason` headers).
 */
export function deadLetterCounter(registry: Registry): Counter<'topic'> {
  return new Counter({
    name: 'crosscare_dead_letters_total',
    help: 'Messages set aside on the dead-letter topic, by the topic they were consumed from',
    labelNames: ['topic'] as const,
    registers: [registry],
  });
}
