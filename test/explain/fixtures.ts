/** A generated report with identifying names, addresses and secrets planted in the logged lines. */
import { buildReport, reportName } from "../diff/fixtures.js";

export const PLANTED = {
  node: "prod-db-node-17",
  host: "db-primary.corp.example.com",
  ip: "172.16.44.9",
  peer: "172.16.44.10",
  password: "S3cretPassw0rd",
  token: `ghp_${"Ab3".repeat(12)}`,
  bearer: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNlY3JldA",
} as const;

/** Everything that must never reach the language model. */
export const NEVER_SENT = Object.values(PLANTED);

export const PLANTED_NAME = reportName(PLANTED.node, "20241101_100000");

export function plantedReport(): Promise<Buffer> {
  return buildReport({
    host: PLANTED.node,
    ip: PLANTED.ip,
    members: [
      { id: "1", address: `${PLANTED.ip}:19001`, role: 0 },
      { id: "2", address: `${PLANTED.peer}:19001`, role: 0 },
      { id: "3", address: "172.16.44.11:19001", role: 0 },
    ],
    deadlines: 25,
    unreachable: `${PLANTED.peer}:19001`,
    diskErrors: "sdb",
    plant: `https://admin:${PLANTED.password}@${PLANTED.host}:2379/x token=${PLANTED.token} Authorization: Bearer ${PLANTED.bearer}`,
  });
}
