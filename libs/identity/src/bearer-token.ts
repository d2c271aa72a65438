/** The token of an `Authorization: Bearer <token>` header; undefined for any other scheme or none. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}
