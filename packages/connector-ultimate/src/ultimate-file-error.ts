import { ParleyError } from "@parley/core";

/** An export file on disk that is not whole (cut short while copied): none of it is taken as complete. */
export class UltimateFileError extends ParleyError {
  readonly code = "ultimate_file_cut";
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}. Copy the file again; it is read again from its start on the next run.`);
    this.path = path;
  }
}
