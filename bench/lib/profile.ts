/**
 * Where the analysis spends its main-thread time: a V8 CPU profile (`node --cpu-prof`) of the
 * bundled analysis child, each sample charged to the part of the code base it was working for.
 * esbuild marks every module in a bundle with a `// path/of/module.ts` comment line, which maps
 * bundle line numbers back to source files.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First bundle line (0-based) of each module, in order. */
export type ModuleIndex = { line: number; file: string }[];

const MODULE_COMMENT = /^\/\/ ((?:\.\.\/)*(?:[\w@.-]+\/)*[\w@.-]+\.(?:[cm]?[jt]s|json))$/;

export function moduleIndex(bundleText: string): ModuleIndex {
  const index: ModuleIndex = [];
  bundleText.split("\n").forEach((text, line) => {
    const m = MODULE_COMMENT.exec(text);
    if (m) index.push({ line, file: m[1] });
  });
  return index;
}

/** The module a bundle line belongs to (null before the first module comment). */
export function moduleAt(index: ModuleIndex, line: number): string | null {
  let lo = 0;
  let hi = index.length - 1;
  let found: string | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid].line <= line) {
      found = index[mid].file;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Parts of the analysis, by source file; the first matching entry wins. */
export const CATEGORIES: readonly [RegExp, string][] = [
  [
    /^src\/rules\/(catalogue|regex-analysis|paths)\.ts$|node_modules\/yaml\//,
    "catalogue load + rule set-up (YAML parse, validation, literals)",
  ],
  [/^src\/rules\/prefilter\.ts$/, "scanner: literal prefilter over every byte"],
  [
    /^src\/rules\/(scanner|timestamps)\.ts$/,
    "scanner: newline walk + lines with a literal (regex, timestamp)",
  ],
  [/^src\/parsers\/journal(-line)?\.ts$/, "journal parser (every journal line)"],
  [/^src\/report\/stream-text\.ts$/, "line splitting + UTF-8 decoding (parsers' input)"],
  [/^src\/parsers\//, "other parsers"],
  [/^src\/report\/|node_modules\/tar\//, "tar reader"],
  [/^src\/(analysis|redact|render)\//, "analysis + redaction"],
];

const SPECIAL: Record<string, string> = {
  "(idle)": "(idle: main thread waiting, e.g. for zlib)",
  "(garbage collector)": "(garbage collector)",
  "(program)": "(V8 runtime outside JS: compiling, …)",
};

export interface ProfileSummary {
  totalMs: number;
  byCategory: { category: string; ms: number }[];
  topFunctions: { name: string; file: string; ms: number }[];
}

/**
 * Charges every sample to the innermost frame that is project or dependency code (so Node's own
 * functions count for whoever called them); zlib's callbacks with nothing of ours above them are
 * "zlib stream callbacks".
 */
export function summarizeProfile(profile: CpuProfile, bundleUrl: string, index: ModuleIndex): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });

  const fileOf = (frame: CallFrame): string | null =>
    frame.url === bundleUrl ? moduleAt(index, frame.lineNumber) : null;
  const categories = new Map<string, number>();
  const functions = new Map<string, { name: string; file: string; ms: number }>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    totalMs += ms;
    const leaf = byId.get(id) as ProfileNode;
    let category: string | null = SPECIAL[leaf.callFrame.functionName] ?? null;
    for (let cur: number | undefined = id; category === null && cur !== undefined; cur = parent.get(cur)) {
      const frame = (byId.get(cur) as ProfileNode).callFrame;
      const file = fileOf(frame);
      if (file) category = CATEGORIES.find(([re]) => re.test(file))?.[1] ?? null;
      else if (frame.url === "node:zlib") category = "zlib stream callbacks (main thread)";
    }
    category ??= "other (module loading, Node internals)";
    categories.set(category, (categories.get(category) ?? 0) + ms);

    const file = fileOf(leaf.callFrame) ?? leaf.callFrame.url.replace(/^.*\//, "");
    const name = leaf.callFrame.functionName || "(anonymous)";
    const key = `${name}\0${file}`;
    const entry = functions.get(key) ?? { name, file, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  }
  return {
    totalMs,
    byCategory: [...categories].map(([category, ms]) => ({ category, ms })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...functions.values()].sort((a, b) => b.ms - a.ms).slice(0, 15),
  };
}
