/** Runs the built binary (or a copy of it) and collects its exit code and output. */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

/** The CLI under test (CONSOLE_DOCTOR_BIN runs the same cases against another build). */
export const BIN = process.env.CONSOLE_DOCTOR_BIN ?? new URL('../../bin/console-doctor.js', import.meta.url).pathname;

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(args: readonly string[], env: Record<string, string>, bin = BIN): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
