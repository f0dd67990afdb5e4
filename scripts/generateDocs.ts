import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/projectRoot';
import { CONFIG_REFERENCE_PATH, configReference } from './configReference';

// `npm run docs`: rewrites the generated pages from their sources.
const root = projectRoot(process.cwd());
writeFileSync(join(root, CONFIG_REFERENCE_PATH), configReference());
console.log(`wrote ${CONFIG_REFERENCE_PATH}`);
