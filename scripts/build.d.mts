/** Bundles `entry` (relative to the project) into build/<name>.mjs; answers its path. */
export function buildEntry(entry: string, name: string): Promise<string>
