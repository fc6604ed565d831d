/**
 * The one import of ssh2 (STYLE: one module owns each outside thing). ssh2 is CommonJS:
 * Node's ESM loader gives only its default export, so values are taken from it here.
 */
import ssh2 from 'ssh2';

export type {
  AnyAuthMethod,
  AuthenticationType,
  AuthHandlerMiddleware,
  Client,
  ClientChannel,
  ConnectConfig,
  ParsedKey,
  ServerHostKeyAlgorithm,
} from 'ssh2';

export const { Client: SshClient, utils: sshUtils } = ssh2;
