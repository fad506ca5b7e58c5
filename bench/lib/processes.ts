/** Runs benchmark children and shell pipelines, timing them from the outside too. */
import { spawn } from "node:child_process";

export interface Finished {
  stdout: string;
  stderr: string;
  code: number | null;
  /** Spawn to exit, as seen by the parent (includes process start-up). */
  wallMs: number;
}

export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: "pipe" });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code,
        wallMs: performance.now() - started,
      }),
    );
  });
}

/** Runs a Node child that prints one JSON object as its last stdout line; throws when it fails. */
export async function runNodeChild<T>(
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; nodeArgs?: readonly string[] } = {},
): Promise<T & { wallMs: number }> {
  const finished = await run(process.execPath, [...(options.nodeArgs ?? []), script, ...args], options);
  const last = finished.stdout.trim().split("\n").pop() ?? "";
  if (finished.code !== 0 || !last.startsWith("{")) {
    throw new Error(
      `${script} ${args.join(" ")} failed (exit ${finished.code}):\n${finished.stderr.slice(-2000)}${finished.stdout.slice(-500)}`,
    );
  }
  return { ...(JSON.parse(last) as T), wallMs: finished.wallMs };
}

/** Runs `sh -c script` with positional arguments ($1, $2 …); throws on a non-zero exit unless allowed. */
export async function runShell(
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; allowExit?: readonly number[] } = {},
): Promise<Finished> {
  const finished = await run("sh", ["-c", script, "sh", ...args], { env: options.env });
  if (finished.code !== 0 && !(options.allowExit ?? []).includes(finished.code ?? -1)) {
    throw new Error(`sh -c '${script}' failed (exit ${finished.code}): ${finished.stderr.slice(-1000)}`);
  }
  return finished;
}
