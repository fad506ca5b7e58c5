import type { ParsedReport } from "../parsers/types.js";
import type { ReportFileEntry, ReportLayout } from "../report/types.js";
import type { NodeRole } from "../result/types.js";
import type { SignatureHit } from "../rules/types.js";

/** Everything known about one report after reading, parsing and scanning it. Input of every analysis. */
export interface ReportData {
  /** Input name (file/URL name), plus "#prefix" when one archive held several reports. */
  source: string;
  /** Report time from the tarball name, node-local "YYYY-MM-DDTHH:MM:SS", when the name has one. */
  takenAt: string | null;
  files: ReportFileEntry[];
  layout: ReportLayout;
  parsed: ParsedReport;
  hits: SignatureHit[];
  /** Problems met while reading or parsing that did not stop the analysis. */
  warnings: string[];
  /** Filled by identify(): */
  identity: ReportIdentity;
}

export interface ReportIdentity {
  node: string | null;
  role: NodeRole;
  microk8sVersion: string | null;
  /** This node's own dqlite record address (info.yaml), when present. */
  dqliteAddress: string | null;
  /** This node's IPs seen in the report (network/ip-addr, info.yaml, node list match). */
  addresses: string[];
}
