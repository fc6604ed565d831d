import type { Secret } from './secret.js';

/** Keystone v3 scope: a project, a domain, or the whole system (`system_scope: all`). */
export type KeystoneScope =
  | { readonly kind: 'project'; readonly projectId?: string; readonly projectName?: string; readonly domainId?: string; readonly domainName?: string }
  | { readonly kind: 'domain'; readonly domainId?: string; readonly domainName?: string }
  | { readonly kind: 'system' }
  | { readonly kind: 'unscoped' };

/** Who the user is, for the password and application-credential methods. */
export interface KeystoneUser {
  readonly id?: string;
  readonly name?: string;
  readonly domainId?: string;
  readonly domainName?: string;
}

/** How console-doctor proves who it is; one variant per openstacksdk `auth_type`. */
export type IronicAuth =
  /** Standalone Ironic with `auth_strategy = noauth`. */
  | { readonly type: 'none' }
  /** Standalone Ironic with `auth_strategy = http_basic`. */
  | { readonly type: 'http_basic'; readonly username: string; readonly password: Secret }
  | { readonly type: 'password'; readonly authUrl: string; readonly user: KeystoneUser; readonly password: Secret; readonly scope: KeystoneScope }
  | {
      readonly type: 'v3applicationcredential';
      readonly authUrl: string;
      readonly credentialId?: string;
      readonly credentialName?: string;
      readonly user: KeystoneUser;
      readonly secret: Secret;
    }
  /** A keystone token exchanged at `authUrl` for a (scoped) token with a catalog. */
  | { readonly type: 'token'; readonly authUrl: string; readonly token: Secret; readonly scope: KeystoneScope }
  /** A token sent as it is (`X-Auth-Token`) to a known endpoint. */
  | { readonly type: 'admin_token'; readonly token: Secret };

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** Resolved, validated connection settings for the Ironic API. Secrets are `Secret`s. */
export interface CloudConfig {
  /** Where the settings came from, e.g. `/home/op/.config/openstack/clouds.yaml (cloud prod)`. */
  readonly source: string;
  readonly cloudName: string | undefined;
  readonly auth: IronicAuth;
  /** The Ironic endpoint when known without the catalog (override, `endpoint`). */
  readonly endpoint: string | undefined;
  readonly regionName: string | undefined;
  readonly interface: EndpointInterface;
  /** Path of a PEM bundle of CAs to trust for TLS. */
  readonly cacert: string | undefined;
  /** Skip TLS certificate verification. */
  readonly insecure: boolean;
  /** Per-request timeout from the config (`timeout`, seconds there). */
  readonly timeoutMs: number | undefined;
}
