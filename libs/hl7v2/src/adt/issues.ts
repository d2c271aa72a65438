import type { InputIssue } from '@crosscare/events';

/** Issues found so far in one message; readers add to it and return null for what they could not read. */
export type IssueList = InputIssue[];

export const requiredIssue = (location: string, message: string): InputIssue => ({
  location,
  code: 'required',
  message,
});

export const valueIssue = (location: string, message: string): InputIssue => ({
  location,
  code: 'value',
  message,
});

export const codeIssue = (location: string, message: string): InputIssue => ({
  location,
  code: 'code-invalid',
  message,
});

export const unsupportedIssue = (location: string, message: string): InputIssue => ({
  location,
  code: 'not-supported',
  message,
});
