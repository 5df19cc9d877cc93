/**
 * The catalog as a job file (`tickd export-ini`, the exportIni mutation): the
 * jobs that are on, as the catalog says — so an operator's switch made in the
 * API is what the file then says. A job-file job and a discovered job never
 * share a label here (the catalog keeps the file's copy).
 */
import { exportIni, type ExportResult } from "../export/index.ts";
import { discoveredSpecs, fileSpecs, type CatalogView } from "./catalog.ts";

export function exportView(view: CatalogView, generatedAt?: number): ExportResult {
  return exportIni({ jobFile: fileSpecs(view), discovered: discoveredSpecs(view), ...(generatedAt !== undefined && { generatedAt }) });
}
