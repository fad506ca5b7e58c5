// Runs the CLI from source (no build needed): `tsx scripts/cli-dev.ts analyze r.tar.gz`.
import { main } from "../src/cli/main.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
