import type { Response } from 'express';
import type { Answer } from './answer';

/** Writes an answer. Nothing a record route sends may be cached: it is patient data, or a refusal about it. */
export function sendAnswer(res: Response, answer: Answer, correlationId: string): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('X-Correlation-Id', correlationId);
  res.setHeader('Cache-Control', 'no-store');
  res.send(answer.body);
}
