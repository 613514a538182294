import manifest from '../package.json' with { type: 'json' };

/** The scanner's own version, as published in reports and findings. */
export const SCANNER_VERSION: string = manifest.version;
