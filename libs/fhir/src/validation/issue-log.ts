import type { InputIssue, InputIssueCode } from '@crosscare/events';

/**
 * Collects every problem found in one resource, so a sender fixes them all in one round trip instead of one per
 * attempt. Mappers keep going after a problem and return nothing once any is logged.
 */
export class IssueLog {
  private readonly found: InputIssue[] = [];

  get issues(): readonly InputIssue[] {
    return this.found;
  }

  get isEmpty(): boolean {
    return this.found.length === 0;
  }

  /** A problem found twice (e.g. a date that is both the clinical time and a field) is reported once. */
  add(code: InputIssueCode, location: string, message: string): void {
    const known = this.found.some((issue) => issue.location === location && issue.message === message);
    if (!known) this.found.push({ code, location, message });
  }

  addAll(issues: readonly InputIssue[]): void {
    this.found.push(...issues);
  }

  required(location: string, message: string): void {
    this.add('required', location, message);
  }

  invalid(location: string, message: string): void {
    this.add('value', location, message);
  }
}
