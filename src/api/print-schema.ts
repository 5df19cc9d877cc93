/** `make schema`: write schema/schema.graphql from the Pothos schema. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { printSdl } from "./schema.ts";

const target = path.resolve(import.meta.dirname ?? ".", "../../schema/schema.graphql");
writeFileSync(target, printSdl());
process.stdout.write(`wrote ${target}\n`);
