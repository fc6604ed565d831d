import type { IronicAuth } from './cloud-config-types.js';

/** The scope Keystone gave a token, from its answer's body; undefined when there is no Keystone token. */
export type TokenScope = 'system' | 'project' | 'domain' | 'unscoped';

/** Reads `token.system` / `token.project` / `token.domain` of a POST /v3/auth/tokens answer. Pure. */
export function parseTokenScope(json: unknown): TokenScope {
  const token = (json as { token?: Record<string, unknown> } | undefined)?.token;
  if (token?.['system'] !== undefined && token['system'] !== null) return 'system';
  if (token?.['project'] !== undefined && token['project'] !== null) return 'project';
  if (token?.['domain'] !== undefined && token['domain'] !== null) return 'domain';
  return 'unscoped';
}

const NEEDS_SYSTEM = 'Ironic 2025.1+ needs a system-scoped token (system_scope: all)';

/**
 * Why Ironic refused (403) or hid what a fleet-wide read needs, given the token's scope.
 * Ironic 2025.1+ enforces scope: a project-scoped token, even an admin's, gets 403 on
 * /v1/conductors, sees only its project's nodes, and gets 404 on any other node.
 */
export function scopeAdvice(scope: TokenScope | undefined, authType: IronicAuth['type']): { advice: string; scopeIsTheCause: boolean } {
  switch (scope) {
    case 'project': {
      const why = authType === 'v3applicationcredential' ? ' (an application credential carries the scope of the project it was created in)' : '';
      return { advice: `the token is project-scoped${why}; ${NEEDS_SYSTEM}`, scopeIsTheCause: true };
    }
    case 'domain':
    case 'unscoped':
      return { advice: `the token is ${scope === 'domain' ? 'domain-scoped' : 'unscoped'}; ${NEEDS_SYSTEM}`, scopeIsTheCause: true };
    case 'system':
      return { advice: "the system-scoped token lacks a role Ironic's policy needs (a system reader or admin)", scopeIsTheCause: false };
    case undefined:
      return { advice: `the token's scope is unknown to console-doctor${authType === 'admin_token' ? '' : ` (auth ${authType})`}: ${NEEDS_SYSTEM}`, scopeIsTheCause: false };
  }
}

/** `Ironic at URL refused the conductor list (403): [detail; ]advice` — one line. */
export function scopeRefusal(input: {
  readonly endpoint: string;
  readonly what: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly scope: TokenScope | undefined;
  readonly authType: IronicAuth['type'];
}): string {
  const { advice, scopeIsTheCause } = scopeAdvice(input.scope, input.authType);
  const detail = !scopeIsTheCause && input.detail !== undefined && input.detail !== '' ? `${input.detail}; ` : '';
  return `Ironic at ${input.endpoint} refused ${input.what} (${input.status}): ${detail}${advice}`;
}
