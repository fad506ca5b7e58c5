/**
 * Rounds of reports on one issue. A reporter who re-runs `microk8s inspect` (after a maintainer's
 * suggestion) attaches a later report of the same node. The latest round is the newest report of
 * every node; the previous round is the cluster as known before the newest re-runs: each
 * re-reported node's next-newest report, and every other report unchanged (so the comparison
 * shows what changed on the re-reported nodes, not "appeared" for nodes nobody re-ran).
 */

export interface RoundInput {
  /** Node the input's report came from; null when unknown, unreadable, or several nodes in one archive. */
  node: string | null;
  /** Report time from the tarball name (`YYYY-MM-DDTHH:MM:SS`, node-local), when known. */
  takenAt: string | null;
}

export interface RoundSplit {
  /** Indexes (into the inputs) of the latest round, in input order. */
  latest: number[];
  /** Indexes of the previous round; null when no node has an earlier report. */
  previous: number[] | null;
  /** Earlier reports: input index → index of the newest report of the same node. */
  superseded: Map<number, number>;
}

export function splitRounds(inputs: readonly RoundInput[]): RoundSplit {
  const byNode = new Map<string, number[]>();
  const unattributed: number[] = [];
  inputs.forEach((input, index) => {
    const node = input.node?.trim().toLowerCase();
    if (!node) {
      unattributed.push(index);
      return;
    }
    const list = byNode.get(node) ?? [];
    list.push(index);
    byNode.set(node, list);
  });

  const latest = [...unattributed];
  const previous = [...unattributed];
  const superseded = new Map<number, number>();
  let rounds = false;
  for (const indexes of byNode.values()) {
    const times = distinctTimes(indexes, inputs);
    const newest = times[times.length - 1]!;
    const before = times.length >= 2 ? times[times.length - 2]! : newest;
    if (times.length >= 2) rounds = true;
    latest.push(...newest);
    previous.push(...before);
    for (const older of times.slice(0, -1)) for (const index of older) superseded.set(index, newest[0]!);
  }
  const ordered = (list: number[]) => [...new Set(list)].sort((a, b) => a - b);
  return { latest: ordered(latest), previous: rounds ? ordered(previous) : null, superseded };
}

/**
 * A node's inputs grouped by report time, oldest first. With every time known they sort by time
 * (attachment order breaks ties); otherwise attachment order is the only order there is. The same
 * time twice is the same report attached twice: one group.
 */
function distinctTimes(indexes: number[], inputs: readonly RoundInput[]): number[][] {
  const allTimed = indexes.every((index) => inputs[index]!.takenAt);
  const sorted = [...indexes].sort((a, b) => {
    if (allTimed) {
      const byTime = inputs[a]!.takenAt!.localeCompare(inputs[b]!.takenAt!);
      if (byTime !== 0) return byTime;
    }
    return a - b;
  });
  const groups: number[][] = [];
  for (const index of sorted) {
    const last = groups[groups.length - 1];
    const time = inputs[index]!.takenAt;
    if (last && time && inputs[last[0]!]!.takenAt === time) last.push(index);
    else groups.push([index]);
  }
  return groups;
}
