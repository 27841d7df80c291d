// The few Node.js APIs the unit tests use (they run under vitest in node),
// declared here rather than pulling in all of @types/node for the UI.
declare module 'node:child_process' {
  export function spawnSync(
    cmd: string,
    args: string[],
    opts: { cwd?: string; input?: string; encoding: 'utf8' },
  ): { status: number | null; stdout: string; stderr: string };
}
declare module 'node:fs' {
  export function existsSync(path: string): boolean;
  export function mkdtempSync(prefix: string): string;
  export function readdirSync(path: string): string[];
  export function rmSync(path: string, opts?: { recursive?: boolean; force?: boolean }): void;
}
declare module 'node:os' {
  export function tmpdir(): string;
}
declare module 'node:path' {
  export function join(...parts: string[]): string;
}
