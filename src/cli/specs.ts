/** Loads the spec files a command runs; invalid files are the user's to fix, reported without a stack. */
import { loadProject, ProjectInvalidError, type Project } from '../engine/project.js';
import { UserError } from './io.js';

export async function loadSpecs(paths: string[]): Promise<Project> {
  try {
    return await loadProject(paths);
  } catch (err) {
    if (err instanceof ProjectInvalidError) throw new UserError(err.message, 1);
    throw err;
  }
}
