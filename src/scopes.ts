/** The scopes this service grants, and what each allows: OpenAPI, metadata and checks read it. */
export const SCOPES = {
  write: 'Create, replace and delete players',
  admin: 'Administer clients, users and keys',
  introspect: 'Introspect any token (RFC 7662)',
} as const;

export const KNOWN_SCOPES: readonly string[] = Object.keys(SCOPES);
