import { main } from "./cli/index.ts";
import { endProcess } from "./runtime/index.ts";

endProcess(await main(process.argv.slice(2)));
