/**
 * Test helper: runs the real `toychain-wallet` binary (dist/wallet/toychain-wallet.js) as a
 * child process with pipes for stdin/stdout/stderr, so it never has a terminal, the way a
 * script runs it. Only PATH and HOME come from the test's environment, plus `env`.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../wallet/toychain-wallet.js', import.meta.url));

export interface WalletRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, or undefined when it is not JSON */
  json: any;
}

/** runWallet runs `toychain-wallet ARGS` to completion (killed after timeoutMs) with `stdin` piped in. */
export function runWallet(args: string[], options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<WalletRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...options.env };
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
