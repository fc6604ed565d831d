import { buildHostSpec, containsTemplate, templateProblem, HOST_KEYS, type HostKey, type HostSpecResult } from './host-spec.js';
import { toBoolean } from './field-values.js';
import { describeValue, didYouMean, problemWith, type Located } from './problems.js';

/**
 * From an Ansible host's resolved variables to a HostSpec: the connection variables
 * Ansible itself uses, then `console_doctor_<key>` variables, which win.
 */
const OWN_PREFIX = 'console_doctor_';

/** Ansible variable names for each host key, first found wins (aliases after the main name). */
const ANSIBLE_NAMES: readonly (readonly [HostKey, readonly string[]])[] = [
  ['address', ['ansible_host', 'ansible_ssh_host']],
  ['port', ['ansible_port', 'ansible_ssh_port']],
  ['user', ['ansible_user', 'ansible_ssh_user']],
  ['identity_file', ['ansible_ssh_private_key_file', 'ansible_private_key_file']],
];

const SSH_CONNECTIONS = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh']);

export function hostSpecFromAnsibleVars(name: string, vars: ReadonlyMap<string, Located>): HostSpecResult {
  const problems: string[] = [];
  const fields = new Map<HostKey, Located>();
  for (const [key, names] of ANSIBLE_NAMES) {
    const found = names.map((n) => vars.get(n)).find((v) => v !== undefined);
    if (found !== undefined) fields.set(key, found);
  }

  const connection = vars.get('ansible_connection');
  if (connection !== undefined) {
    const mapped = mapConnection(connection, name);
    if (typeof mapped === 'string') problems.push(mapped);
    else fields.set('connection', mapped);
  }

  const become = vars.get('ansible_become');
  if (become !== undefined) {
    fields.set('sudo', become);
    const becomeUser = vars.get('ansible_become_user');
    if (becomeUser !== undefined) fields.set('sudo_user', becomeUser);
    const method = vars.get('ansible_become_method');
    const on = toBoolean(become.value);
    if (method !== undefined && on.ok && on.value && method.value !== 'sudo') {
      problems.push(
        containsTemplate(method.value)
          ? templateProblem(method, name)
          : problemWith(method, `must be sudo (console-doctor runs its probe with sudo -n), got ${describeValue(method.value)}`),
      );
    }
  }

  for (const [variable, value] of vars) {
    if (!variable.startsWith(OWN_PREFIX)) continue;
    const key = HOST_KEYS.find((k) => `${OWN_PREFIX}${k}` === variable);
    if (key === undefined) {
      const known = HOST_KEYS.map((k) => `${OWN_PREFIX}${k}`);
      problems.push(problemWith(value, `unknown console-doctor variable${didYouMean(variable, known)}`));
    } else {
      fields.set(key, value);
    }
  }

  const sshArgs = ['ansible_ssh_common_args', 'ansible_ssh_extra_args']
    .map((n) => vars.get(n))
    .filter((v): v is Located => v !== undefined);
  const built = buildHostSpec({ name, fields, sshArgs });
  return { host: built.host, problems: [...problems, ...built.problems] };
}

function mapConnection(connection: Located, host: string): Located | string {
  const value = connection.value;
  if (containsTemplate(value)) {
    return templateProblem(connection, host);
  }
  if (value === 'local') return { ...connection, value: 'local' };
  if (typeof value === 'string' && SSH_CONNECTIONS.has(value)) return { ...connection, value: 'ssh' };
  return problemWith(connection, `connection ${describeValue(value)} is not supported (use ssh or local)`);
}
