/**
 * One JSON object per line on stdout, which CloudWatch Logs indexes as is. The receiver uses this
 * instead of pino to stay small; field names follow pino's (level, time, msg).
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;
export type LogLine = (level: LogLevel, msg: string, fields?: LogFields) => void;

const RANK: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: 100,
};

/** A logger that drops lines below `minimum` (a pino level name; unknown names mean info). */
export function createLogLine(minimum: string | undefined, write: (line: string) => void): LogLine {
  const threshold = RANK[minimum?.trim().toLowerCase() ?? ""] ?? RANK.info;
  return (level, msg, fields = {}) => {
    if (RANK[level] < threshold) return;
    write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }));
  };
}

export const writeLogLine: LogLine = createLogLine(process.env.LOG_LEVEL, (line) => {
  process.stdout.write(`${line}\n`);
});
