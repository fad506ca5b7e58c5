import { argsParser, bomParser } from "./args.js";
import { dqliteListParser } from "./backend-listing.js";
import { clusterInfoDumpParser } from "./cluster-info-dump.js";
import { dqliteClusterParser, dqliteInfoParser, dqliteLocalnodeParser } from "./dqlite.js";
import { journalParser } from "./journal.js";
import { kernelParser } from "./kernel.js";
import { getAllParser, k8sVersionParser } from "./kubectl.js";
import { ipAddrParser, ipRouteParser, iptablesLParser } from "./network.js";
import type { FileParser } from "./registry-types.js";
import { diskUsageParser, memoryUsageParser, snapListParser, sysctlParser } from "./sys.js";
import type { ParsedReport } from "./types.js";

export { FLAG_FILES, isSecretFlag, parseArgs, parseBom, REDACTED } from "./args.js";
export { parseBackendListing, parseSize } from "./backend-listing.js";
export {
  createClusterInfoDumpCollector,
  nodesOfNodeList,
  parseClusterInfoDump,
  toK8sNode,
} from "./cluster-info-dump.js";
export { parseClusterYaml, parseInfoYaml, parseLocalnodeYaml } from "./dqlite.js";
export {
  activeStateOf,
  createJournalSummarizer,
  serviceLogOf,
  summarizeServiceLog,
} from "./journal.js";
export { splitJournalLine } from "./journal-line.js";
export { classifyKernelMessage, createKernelCollector, parseDmesg, splitKernelLine } from "./kernel.js";
export { parseGetAll, parseK8sVersion } from "./kubectl.js";
export { isRouteLine, looksLikeRoutes, parseIpAddr, parseIpRoute, parseIptablesL } from "./network.js";
export { applySysctl, parseDiskUsage, parseMemoryUsage, parseSnapList, parseSysctl } from "./sys.js";

/** Every known-file parser; each file is read by the parsers whose `matches` accepts its path. */
export const PARSERS: readonly FileParser[] = [
  dqliteClusterParser,
  dqliteInfoParser,
  dqliteLocalnodeParser,
  dqliteListParser,
  journalParser,
  kernelParser,
  diskUsageParser,
  memoryUsageParser,
  snapListParser,
  sysctlParser,
  clusterInfoDumpParser,
  getAllParser,
  k8sVersionParser,
  iptablesLParser,
  ipRouteParser,
  ipAddrParser,
  argsParser,
  bomParser,
];

/** An empty result to be filled by the parsers of one report. */
export function createParsedReport(): ParsedReport {
  return { journals: {}, args: {} };
}

/** The parsers that read the file at this report-relative path (none for unknown files). */
export function parserFor(path: string): FileParser[] {
  return PARSERS.filter((parser) => parser.matches(path));
}
