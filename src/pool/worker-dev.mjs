// Development entry for Piscina workers when the sensor runs from TypeScript sources (tests,
// tsx): Node 20 cannot load a .ts file as a worker, so this loads worker.ts through tsx's API.
// Built code (dist/) uses worker.js directly.
import { tsImport } from 'tsx/esm/api';

const mod = await tsImport('./worker.ts', import.meta.url);
export default mod.default;
